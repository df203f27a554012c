"""Where text may be cut: between user-perceived characters, never inside one.

A simplified form of Unicode's extended grapheme cluster rules (UAX #29) that covers what
digests hold: combining marks, variation selectors, emoji skin-tone modifiers, ZWJ
sequences, tag sequences (subdivision flags), keycaps, regional-indicator flag pairs and
CR LF. Python strings hold code points, so a cut is never inside a UTF-16 surrogate pair.
"""

from __future__ import annotations

import unicodedata

_ZWJ = "\u200d"
_KEYCAP = "\u20e3"


def _extends(char: str) -> bool:
    """Whether ``char`` attaches to the character before it."""
    code = ord(char)
    return (
        char == _ZWJ
        or char == _KEYCAP
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def is_boundary(text: str, index: int) -> bool:
    """Whether ``text`` may be cut before ``text[index]`` without breaking a character."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if before == "\r" and after == "\n":
        return False
    if _extends(after) or before == _ZWJ:
        return False
    if _regional(before) and _regional(after):
        run = 0
        i = index - 1
        while i >= 0 and _regional(text[i]):
            run += 1
            i -= 1
        return run % 2 == 0
    return True


def utf16_units(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what Telegram counts)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
