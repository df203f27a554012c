"""What a reader asks the bot for, as plain results: no Telegram objects in here."""
