"""The Telegram-facing layer: each module registers a few handlers that parse an update,
call one service in ``bot/`` and render the answer. No Redis or HTTP calls here."""
