"""briefbot: a Telegram bot that delivers a daily news digest (domain and machinery)."""

__version__ = "0.1.0"
