"""Bot API messages rendered as readable terminal text, for ``briefbot shell``.

Works on the Bot API's own JSON (``text`` + ``entities`` + ``reply_markup``), so what the
shell shows is exactly what a Telegram client would get: bold as ``*bold*`` (or real bold
on a colour terminal), links as ``text <url>``, an inline keyboard as numbered buttons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BOLD_ON, BOLD_OFF = "\x1b[1m", "\x1b[22m"
ITALIC_ON, ITALIC_OFF = "\x1b[3m", "\x1b[23m"


@dataclass(frozen=True)
class TappableButton:
    """An inline button the shell user can tap by typing its number."""

    number: int
    text: str
    callback_data: str


@dataclass(frozen=True)
class TerminalMessage:
    """One message as terminal lines, plus the buttons it offers."""

    text: str
    buttons: tuple[TappableButton, ...]


def _utf16_slice(text: str, start: int, end: int) -> str:
    """Telegram counts entity offsets in UTF-16 code units, not in code points."""
    data = text.encode("utf-16-le")
    return data[start * 2 : end * 2].decode("utf-16-le", errors="replace")


def _markers(entity: Mapping[str, Any], color: bool) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "bold":
        return (BOLD_ON, BOLD_OFF) if color else ("*", "*")
    if kind == "italic":
        return (ITALIC_ON, ITALIC_OFF) if color else ("_", "_")
    if kind in ("code", "pre"):
        return ("`", "`")
    if kind == "text_link":
        return ("", f" <{entity.get('url', '')}>")
    return ("", "")


def format_entities(
    text: str, entities: Sequence[Mapping[str, Any]], *, color: bool = False
) -> str:
    """``text`` with its entities shown as terminal markup."""
    length = len(text.encode("utf-16-le")) // 2
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in entities:
        start = int(entity.get("offset", 0))
        end = min(length, start + int(entity.get("length", 0)))
        opener, closer = _markers(entity, color)
        opens.setdefault(start, []).append(opener)
        closes.setdefault(end, []).insert(0, closer)  # inner entities close first
    pieces: list[str] = []
    cuts = sorted({0, length, *opens, *closes})
    for position, next_position in zip(cuts, [*cuts[1:], None], strict=True):
        pieces.extend(closes.get(position, ()))
        pieces.extend(opens.get(position, ()))
        if next_position is not None:
            pieces.append(_utf16_slice(text, position, next_position))
    return "".join(pieces)


def tap_numbers(labels: Sequence[str]) -> list[int]:
    """The number that taps each callback button. Buttons labelled with distinct numbers
    (a digest's or a list's item buttons: 2, 3, 5) are tapped by that number, so typing 5
    opens item 5; the others are numbered after them (or from 1), in order."""
    numeric = [label for label in labels if label.isascii() and label.isdigit()]
    own = len(set(numeric)) == len(numeric)
    taken = {int(label) for label in numeric} if own else set()
    following = max(taken, default=0) + 1
    numbers: list[int] = []
    for label in labels:
        if own and label in numeric:
            numbers.append(int(label))
        else:
            numbers.append(following)
            following += 1
    return numbers


def render_message(message: Mapping[str, Any], *, color: bool = False) -> TerminalMessage:
    """A Bot API message as terminal text; each callback button shows the number that
    taps it (``[5]`` alone when that is its label)."""
    body = format_entities(
        str(message.get("text") or message.get("caption") or ""),
        message.get("entities") or message.get("caption_entities") or (),
        color=color,
    )
    lines = [body]
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or ()
    labels = [str(b.get("text", "")) for row in keyboard for b in row if "callback_data" in b]
    numbers = iter(tap_numbers(labels))
    buttons: list[TappableButton] = []
    for row in keyboard:
        cells: list[str] = []
        for button in row:
            label = str(button.get("text", ""))
            if "callback_data" in button:
                number = next(numbers)
                buttons.append(TappableButton(number, label, str(button["callback_data"])))
                cells.append(f"[{number}]" if label == str(number) else f"[{number}] {label}")
            elif "url" in button:
                cells.append(f"{label} <{button['url']}>")
            else:
                cells.append(label)
        lines.append("  ".join(cells))
    return TerminalMessage("\n".join(lines), tuple(buttons))
