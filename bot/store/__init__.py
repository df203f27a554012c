"""Redis, briefbot's only state: the connection (embedded or external) and the stores."""
