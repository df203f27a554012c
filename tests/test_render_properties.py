"""Property tests of the renderer and splitter over random digests: CJK, emoji with ZWJ and
skin tones, flags, combining marks, ``<`` ``&`` ``"``, long paragraphs and many items.

What a reader sees is computed by ``sandbox.telegram_html.parse_html`` (Telegram's own parsing
rules): every message is accepted, within 4096 UTF-16 units and 100 entities, no cut falls
inside a grapheme cluster (``regex``'s ``\\X`` is the oracle), and the visible text of all
messages together is the digest's text, nothing lost or doubled.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callback_data import RENDERED
from bot.digest.model import Commentary, Digest, Item
from bot.render import RenderedMessage, render_compact, render_full, render_item
from sandbox.telegram_html import Entity, parse_html, utf16_len

EMOJI = ["👩\u200d💻", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "❤️", "1️⃣", "e\u0301"]
# Single code points: CJK, and ASCII and full-width punctuation including what HTML escapes
# (not the Markdown markers * _ ~ `, which the paragraphs below place themselves).
ALPHABET = (
    "".join(map(chr, range(0x4E00, 0x4E40))) + "abcXYZ019 <>&\"'.,!?()#-" + "。，！？；：“”（）、 "
)
URLS = st.sampled_from(
    [
        "https://example.org/a?x=1&y=2",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        'https://example.com/q?"quoted"&<angle>',
        "http://例子.中国/路径",
    ]
)


@dataclass(frozen=True)
class Para:
    """A Markdown paragraph and the text a reader must see for it."""

    source: str
    visible: str


@st.composite
def plain(draw: st.DrawFn, max_size: int = 40) -> str:
    """Text without Markdown syntax, with emoji sequences; sometimes repeated into a long run."""
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=max_size))
    for emoji in draw(st.lists(st.sampled_from(EMOJI), max_size=3)):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + emoji + text[at:]
    return text * draw(st.sampled_from([1, 1, 1, 1, 1, 1, 1, 1, 3, 20, 120]))


@st.composite
def paragraph(draw: st.DrawFn) -> Para:
    source: list[str] = []
    visible: list[str] = []
    kinds = st.sampled_from(["text", "bold", "italic", "strike", "link"])
    for kind in draw(st.lists(kinds, min_size=1, max_size=5)):
        text = draw(plain(max_size=12)) if kind != "text" else draw(plain())
        if kind == "bold" and text.strip():
            source.append(f"**{text}**")
        elif kind == "strike" and text.strip():
            source.append(f"~~{text}~~")
        elif kind == "italic" and text.strip() == text:
            source.append(f"*{text}*")
        elif kind == "link":
            source.append(f"[{text}]({draw(URLS)})")
        else:
            source.append(text)
        visible.append(text)
    return Para("".join(source), "".join(visible))


@st.composite
def digests(draw: st.DrawFn) -> tuple[Digest, list[str]]:
    """A digest and, in reading order, the texts the full format must show."""
    title = draw(plain(max_size=15)).strip() or "标题"
    expected = [title, "2025-07-21"]
    intro = draw(st.lists(paragraph(), max_size=2))
    expected += [p.visible for p in intro]
    items = []
    for number in range(1, draw(st.integers(min_value=1, max_value=12)) + 1):
        item_title = draw(plain(max_size=20)).strip() or "条目"
        summary = draw(st.lists(paragraph(), max_size=2))
        url = draw(st.one_of(st.none(), URLS))
        items.append(Item(number, item_title, url, tuple(p.source for p in summary), ()))
        expected += [f"{number}. {item_title}", *(p.visible for p in summary)]
    commentary = None
    if draw(st.booleans()):
        paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=3))
        commentary = Commentary("点评", tuple(p.source for p in paragraphs))
        expected += ["点评", *(p.visible for p in paragraphs)]
    digest = Digest.build(
        date="2025-07-21",
        title=title,
        categories=("人工智能",),
        intro=tuple(p.source for p in intro),
        items=tuple(items),
        commentary=commentary,
        source="random.md",
    )
    return digest, expected


def _squash(text: str) -> str:
    # Telegram trims each message and a cut may fall on a space: compare without whitespace.
    return "".join(text.split())


def _check_limits(message: RenderedMessage) -> tuple[str, list[Entity]]:
    visible, entities = parse_html(message.text)  # raises if Telegram would refuse it
    assert utf16_len(visible) <= 4096
    assert len(entities) <= 100
    links = sum(1 for e in entities if e.type == "text_link")
    if links > 1:
        assert message.disable_link_preview
    assert message.api_params()["parse_mode"] == "HTML"
    return visible, entities


# A failing random digest is big; its repr must not turn the failure into a warning error.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(digests())
def test_full_format_keeps_every_character_within_limits(case: tuple[Digest, list[str]]) -> None:
    digest, expected = case
    messages = render_full(digest)
    visibles = [_check_limits(message)[0] for message in messages]
    assert _squash("".join(visibles)) == _squash("".join(expected))
    # No cut inside a grapheme cluster: the clusters of the whole text are those of the parts.
    whole = regex.findall(r"\X", _squash("".join(expected)))
    parts = [cluster for v in visibles for cluster in regex.findall(r"\X", _squash(v))]
    assert parts == whole


@PROPERTY
@given(digests())
def test_compact_is_one_message_with_a_working_button_per_item(
    case: tuple[Digest, list[str]],
) -> None:
    digest, _ = case
    message = render_compact(digest)
    visible, _ = _check_limits(message)
    assert visible.startswith(digest.title.strip()[:1])
    buttons = [button for row in message.keyboard for button in row]
    assert [b.text for b in buttons] == [str(item.number) for item in digest.items]
    for button, item in zip(buttons, digest.items, strict=True):
        assert button.callback_data is not None
        assert len(button.callback_data.encode()) <= 64
        assert RENDERED.unpack(button.callback_data).args == (digest.date, item.number)
    # A digest whose sources are short (an upper bound of their visible text) is shown whole.
    sources = [digest.title, *digest.intro, *(item.title + "99. " for item in digest.items)]
    if sum(utf16_len(text) + 2 for text in sources) < 3900:
        for item in digest.items:
            assert _squash(f"{item.number}. {item.title}") in _squash(visible)


@PROPERTY
@given(digests(), st.data())
def test_item_format_shows_the_item_within_limits(
    case: tuple[Digest, list[str]], data: st.DataObject
) -> None:
    digest, _ = case
    number = data.draw(st.integers(min_value=1, max_value=len(digest.items)))
    message = render_item(digest, number)
    visible, _ = _check_limits(message)
    item = digest.items[number - 1]
    if utf16_len(item.title) <= 1000:
        assert _squash(visible).startswith(_squash(f"{number}. {item.title}"))
    else:  # an absurdly long title is cut, visibly
        assert _squash(visible).startswith(_squash(f"{number}. {item.title}")[:400])
        assert "…" in visible
    targets = [
        RENDERED.unpack(b.callback_data).args[1]
        for row in message.keyboard
        for b in row
        if b.callback_data
    ]
    assert targets == [n for n in (number - 1, number + 1) if 1 <= n <= len(digest.items)]
