"""Which delivered messages show a changed part of a digest, and what each becomes.

A reader's delivery is re-rendered exactly as it was sent (the ledger's variant: format,
language, categories) from the version they got, and again from the corrected version:

- ``compact`` is one message (headlines, links and buttons; the filter note of a reader
  with filters): edited when it renders differently, so a summary-only correction leaves
  it alone;
- ``full`` keeps the split of the version first sent: each message holds the same parts
  ("head": title and intro, "i3": item 3, "end": the commentary), re-rendered from the
  corrected version; only messages holding a changed part are edited (the filter note
  stays where it was: in the last message, or as a message of its own). A part split over
  several messages (a very long item) is re-split over the same messages. An item the
  correction adds joins the message of the item before it; a corrected message that
  would no longer fit Telegram's limits keeps what fits (``overflow`` counts those).

Pure functions over ``Digest``s; the edit kind and the preview's count share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.delivery.senders.variants import filtered, note_of, render_variant
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest, Item
from bot.render.blocks import Block
from bot.render.filter_note import with_note
from bot.render.full import full_groups, full_message
from bot.render.message import RenderedMessage
from bot.render.split import pack
from bot.store.ledger import Parts, Variant

HEAD, END, NOTE = "head", "end", "note"  # NOTE: the filter note, a message of its own


@dataclass(frozen=True)
class PlannedEdit:
    """Edit the delivery's message number ``index`` (0-based) to ``params``
    (``editMessageText`` parameters without ``chat_id`` and ``message_id``)."""

    index: int
    params: dict[str, object]


@dataclass(frozen=True)
class Plan:
    """What one reader's delivery needs: the edits, the parts each message holds after
    them (full format), the changed items those messages show, how many messages the
    delivery must have for the plan to apply, and corrected messages cut to fit."""

    edits: tuple[PlannedEdit, ...]
    parts: Parts | None
    items: tuple[int, ...]
    messages: int
    overflow: int = 0


def keyed_groups(digest: Digest) -> list[tuple[str, list[Block]]]:
    """The full format's groups of blocks, each with its part key."""
    keys = [HEAD, *(f"i{item.number}" for item in digest.items)]
    if digest.commentary is not None:
        keys.append(END)
    return list(zip(keys, full_groups(digest), strict=True))


def parts_of(keyed: Sequence[tuple[str, list[Block]]]) -> Parts:
    """The part keys each message of the full format holds, as ``render_full`` packs
    them. ``pack`` keeps whole blocks as the very objects it was given and cuts only an
    oversized block into new ones, so walking its output in order against the groups'
    blocks tells which part every piece came from."""
    flat = [(key, block) for key, blocks in keyed for block in blocks]
    parts: list[tuple[str, ...]] = []
    position, inside = 0, False  # inside: among the pieces of a cut flat[position]
    for message in pack([blocks for _, blocks in keyed]):
        keys: list[str] = []
        for block in message:
            if inside and position + 1 < len(flat) and block is flat[position + 1][1]:
                position, inside = position + 1, False
            key = flat[min(position, len(flat) - 1)][0]
            if not inside and position < len(flat) and block is flat[position][1]:
                position += 1
            else:
                inside = True
            if key not in keys:
                keys.append(key)
        parts.append(tuple(keys))
    return tuple(parts)


def plan_edits(
    before: Digest,
    after: Digest,
    variant: Variant,
    rules: CategoryRules,
    parts: Parts | None = None,
) -> Plan:
    """The edits that turn a delivery of ``before`` (rendered as ``variant``, its messages
    holding ``parts`` when a correction edited it before) into ``after``."""
    if variant.format == "full":
        return _plan_full(before, after, variant, rules, parts)
    was, now = render_variant(before, variant, rules), render_variant(after, variant, rules)
    return plan_messages(
        was, now, filtered(before, variant, rules).items, filtered(after, variant, rules).items
    )


def plan_messages(
    was: Sequence[RenderedMessage],
    now: Sequence[RenderedMessage],
    old_items: Sequence[Item],
    new_items: Sequence[Item],
) -> Plan:
    """Edit each message of ``was`` that ``now`` renders differently (the compact format:
    one message); ``old_items`` / ``new_items`` are the items each shows."""
    edits = tuple(
        PlannedEdit(index, new.api_params())
        for index, (old, new) in enumerate(zip(was, now, strict=False))
        if old != new
    )
    shown = {(i.number, i.title, i.url) for i in old_items} ^ {
        (i.number, i.title, i.url) for i in new_items
    }
    items = tuple(sorted({number for number, _, _ in shown})) if edits else ()
    return Plan(edits, None, items, len(was), max(0, len(now) - len(was)))


def _runs(parts: Parts) -> list[list[int]]:
    """Consecutive messages sharing a part (one cut over several messages) belong together."""
    runs: list[list[int]] = []
    for index, keys in enumerate(parts):
        if runs and set(parts[runs[-1][-1]]) & set(keys):
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _plan_full(
    before: Digest, after: Digest, variant: Variant, rules: CategoryRules, parts: Parts | None
) -> Plan:
    old, new = filtered(before, variant, rules), filtered(after, variant, rules)
    old_note, new_note = note_of(before, old, variant), note_of(after, new, variant)
    old_keyed, new_keyed = keyed_groups(old) if old.items else [], keyed_groups(new)
    if parts is None:
        content = parts_of(old_keyed) if old_keyed else ()
        separate = len(render_variant(before, variant, rules)) > len(content)
    else:
        separate = bool(parts) and parts[-1] == (NOTE,)
        content = parts[:-1] if separate else parts
    old_groups, new_groups = dict(old_keyed), dict(new_keyed) if new.items else {}
    changed = {
        k for k in old_groups.keys() | new_groups.keys() if old_groups.get(k) != new_groups.get(k)
    }
    holding = [list(keys) for keys in content]
    if holding:
        _place_added(holding, [key for key, _ in new_keyed if new.items], old_groups)
    edits: list[PlannedEdit] = []
    items: set[str] = set()
    overflow = 0
    for run in _runs(content):
        keys = list(dict.fromkeys(key for index in run for key in holding[index]))
        with_note_here = run[-1] == len(content) - 1 and not separate
        if not (set(keys) & changed or (with_note_here and old_note != new_note)):
            continue
        if not any(k in new_groups for k in keys):
            continue  # everything it showed is gone from the reader's digest: leave it
        was = [full_message(m) for m in pack([old_groups[k] for k in keys if k in old_groups])]
        now = [full_message(m) for m in pack([new_groups[k] for k in keys if k in new_groups])]
        if with_note_here and old_note is not None:
            was = with_note(was, old_note)
        if with_note_here and new_note is not None:
            now = with_note(now, new_note)
        overflow += len(now) > len(run)
        for position, index in enumerate(run[: len(now)]):
            if position >= len(was) or was[position] != now[position]:
                edits.append(PlannedEdit(index, now[position].api_params()))
        items |= set(keys) & changed
        # A run of several messages is re-split as a whole next time too: each holds all.
        for index in run:
            holding[index] = [k for k in keys if k in new_groups]
    if separate and new_note is not None and old_note != new_note:
        edits.append(PlannedEdit(len(content), new_note.api_params()))
    numbers = tuple(sorted(int(key[1:]) for key in items if key.startswith("i")))
    stored = tuple(tuple(keys) for keys in holding) + (((NOTE,),) if separate else ())
    return Plan(tuple(edits), stored, numbers, len(content) + separate, overflow)


def _place_added(
    holding: list[list[str]], new_order: list[str], old_groups: dict[str, list[Block]]
) -> None:
    """Put each part only the new version has right after the part before it (in the
    message holding that one; the first message when there is none)."""
    for position, key in enumerate(new_order):
        if key in old_groups:
            continue
        for previous in reversed(new_order[:position]):
            found = [i for i, keys in enumerate(holding) if previous in keys]
            if found:
                keys = holding[found[-1]]
                keys.insert(keys.index(previous) + 1, key)
                break
        else:
            holding[0].insert(0, key)
