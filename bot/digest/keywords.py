"""Keyword filters (``/filter +openai -musk``) and search terms, matched against an item's
headline and summary.

Matching is literal and case-insensitive after Unicode NFKC folding, never a pattern the
reader wrote: a term is searched for as plain text. It is CJK-aware: a term that starts
with a Latin letter or digit must start a word (``ai`` does not match "said", ``model``
matches "models", ``openai`` matches "OpenAI发布"), while a Chinese term matches anywhere,
as Chinese has no spaces between words (``芯片`` matches "AI芯片需求").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.digest.inline import parse_inline, plain_text
from bot.digest.model import Item

MAX_TERMS = 20
MAX_TERM_LENGTH = 40


class BadFilter(ValueError):
    """Filter text that cannot be used; ``key`` names the interface string saying why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def fold(text: str) -> str:
    """The form text and terms are compared in: NFKC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def contains(haystack: str, term: str) -> bool:
    """Whether folded ``haystack`` holds folded ``term`` (at a word start when the term
    starts with a Latin letter or digit)."""
    if not term or term not in haystack:
        return False
    if not _is_word_char(term[0]):
        return True
    start = haystack.find(term)
    while start != -1:
        if start == 0 or not _is_word_char(haystack[start - 1]):
            return True
        start = haystack.find(term, start + 1)
    return False


@lru_cache(maxsize=4096)
def _summary_text(paragraph: str) -> str:
    """A summary paragraph without its Markdown (link targets are not text)."""
    return plain_text(parse_inline(paragraph))


def item_text(item: Item) -> str:
    """What a filter or a search looks at: the headline and summary, folded."""
    return fold(" ".join((item.title, *(_summary_text(p) for p in item.summary))))


@dataclass(frozen=True)
class KeywordFilter:
    """Words an item must hold (any one of ``include``; none means no such condition)
    and words it must not hold (``exclude``), folded."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_stored(cls, terms: Iterable[str]) -> KeywordFilter:
        """From the stored form: ``+word`` / ``-word``."""
        include: list[str] = []
        exclude: list[str] = []
        for term in terms:
            (exclude if term.startswith("-") else include).append(fold(term[1:]))
        return cls(tuple(filter(None, include)), tuple(filter(None, exclude)))

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def matches(self, item: Item) -> bool:
        """Whether ``item`` passes: one include word (if any) and no exclude word."""
        text = item_text(item)
        if self.include and not any(contains(text, term) for term in self.include):
            return False
        return not any(contains(text, term) for term in self.exclude)

    def keep(self, items: Sequence[Item]) -> tuple[Item, ...]:
        """The items that pass, in order."""
        return tuple(item for item in items if self.matches(item))


def parse_filter(text: str) -> tuple[str, ...]:
    """What a reader typed after /filter, as stored terms: ``+openai -musk 芯片`` ->
    (``+openai``, ``-musk``, ``+芯片``); a bare word includes. A phrase in quotes is one
    term (``+"open source"``). Duplicates are dropped; ``BadFilter`` when a term is
    empty, too long or there are too many."""
    terms: list[str] = []
    for sign, word in _words(text):
        if not word:
            raise BadFilter("filter.empty_term", sign=sign)
        if len(word) > MAX_TERM_LENGTH:
            raise BadFilter("filter.too_long", term=word[:20], limit=MAX_TERM_LENGTH)
        term = f"{sign}{word}"
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise BadFilter("filter.too_many", limit=MAX_TERMS)
    return tuple(terms)


def _words(text: str) -> list[tuple[str, str]]:
    """(sign, word) pairs; quotes group a phrase, full-width signs count as signs."""
    normalized = unicodedata.normalize("NFKC", text).replace("“", '"').replace("”", '"')
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(normalized):
        if normalized[position].isspace():
            position += 1
            continue
        sign = "+"
        if normalized[position] in "+-":
            sign = normalized[position]
            position += 1
        if position < len(normalized) and normalized[position] == '"':
            end = normalized.find('"', position + 1)
            end = len(normalized) if end == -1 else end
            word = normalized[position + 1 : end]
            position = end + 1
        else:
            end = position
            while end < len(normalized) and not normalized[end].isspace():
                end += 1
            word = normalized[position:end]
            position = end
        pairs.append((sign, " ".join(word.split())))
    return pairs
