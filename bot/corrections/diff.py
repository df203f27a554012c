"""What readers see that differs between two versions of a digest, part by part: the
title, the intro, each item's headline, link and summary (items added or removed), the
commentary. Categories are left out: no message shows them."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.digest.model import Digest, Item
from bot.i18n import t

SHOWN_CHARS = 300  # of each side of a change in the diff an admin reads


@dataclass(frozen=True)
class Change:
    """One part that differs: ``part`` is ``title``, ``intro``, ``commentary`` or
    ``headline`` / ``link`` / ``summary`` / ``item`` (added or removed) of item ``item``;
    ``before`` / ``after`` are what readers see (None: absent)."""

    part: str
    before: str | None
    after: str | None
    item: int | None = None


def _paragraphs(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(paragraphs)


def _item_changes(before: Item | None, after: Item | None, number: int) -> list[Change]:
    if before is None or after is None:
        shown = before or after
        assert shown is not None
        text = shown.title
        return [Change("item", text if before else None, text if after else None, number)]
    changes = []
    for part, old, new in (
        ("headline", before.title, after.title),
        ("link", before.url, after.url),
        ("summary", _paragraphs(before.summary), _paragraphs(after.summary)),
    ):
        if old != new:
            changes.append(Change(part, old, new, number))
    return changes


def diff_digests(before: Digest, after: Digest) -> list[Change]:
    """Every part readers see that differs, in reading order."""
    changes: list[Change] = []
    if before.title != after.title:
        changes.append(Change("title", before.title, after.title))
    if before.intro != after.intro:
        changes.append(Change("intro", _paragraphs(before.intro), _paragraphs(after.intro)))
    numbers = sorted({i.number for i in before.items} | {i.number for i in after.items})
    for number in numbers:
        changes += _item_changes(before.item(number), after.item(number), number)
    old, new = before.commentary, after.commentary
    if old != new:
        changes.append(
            Change(
                "commentary",
                None if old is None else "\n".join((old.heading, *old.paragraphs)),
                None if new is None else "\n".join((new.heading, *new.paragraphs)),
            )
        )
    return changes


def changed_items(changes: list[Change]) -> tuple[int, ...]:
    """The numbers of the items that changed."""
    return tuple(sorted({c.item for c in changes if c.item is not None}))


def _label(change: Change, lang: str) -> str:
    if change.item is None:
        return t(lang, f"correction.part.{change.part}")
    return t(lang, f"correction.part.item_{change.part}", number=change.item)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def diff_lines(changes: list[Change], lang: str) -> list[str]:
    """The diff as plain lines (the command line): a label, then ``- before``, ``+ after``."""
    lines: list[str] = []
    for change in changes:
        lines.append(_label(change, lang))
        if change.before is not None:
            lines += [f"  - {line}" for line in _cut(change.before).splitlines() or [""]]
        if change.after is not None:
            lines += [f"  + {line}" for line in _cut(change.after).splitlines() or [""]]
    return lines


def diff_html(changes: list[Change], lang: str, limit: int = 3000) -> str:
    """The diff as Telegram HTML (an admin's message), at most about ``limit`` characters:
    the changes that do not fit are counted, not shown."""
    parts: list[str] = []
    used = 0
    for index, change in enumerate(changes):
        block = [f"<b>{html.escape(_label(change, lang))}</b>"]
        if change.before is not None:
            block.append(f"- <s>{html.escape(_cut(change.before))}</s>")
        if change.after is not None:
            block.append(f"+ {html.escape(_cut(change.after))}")
        text = "\n".join(block)
        if used + len(text) > limit and parts:
            parts.append(
                html.escape(t(lang, "correction.more_changes", count=len(changes) - index))
            )
            break
        parts.append(text)
        used += len(text)
    return "\n\n".join(parts)
