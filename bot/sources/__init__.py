"""Digest sources: where the day's digest comes from (a folder, a URL) and the poller."""
