"""The bot's own screens (welcome, settings, lists) as ``Screen`` objects: pure functions
of a service result, so what a reader sees is decided in one place per screen."""
