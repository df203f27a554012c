"""The one way a service says no: a reason the reader can act on, in their language."""

from __future__ import annotations

from bot.i18n import t


class Refused(Exception):
    """The request cannot be served; ``key`` names the interface string that says why
    (``bot.<key>`` in ``bot/i18n.py``), ``params`` fill it in, ``lang`` is the reader's
    interface language."""

    def __init__(self, lang: str, key: str, **params: object) -> None:
        super().__init__(key)
        self.lang = lang
        self.key = key
        self.params = params

    @property
    def message(self) -> str:
        """The reason, in ``lang``."""
        return t(self.lang, f"bot.{self.key}", **self.params)
