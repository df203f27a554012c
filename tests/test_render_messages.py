"""The three formats on real and extreme digests, read back with Telegram's HTML rules
(``sandbox.telegram_html.parse_html``): what a reader sees, entity by entity, button by button."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from bot.callback_data import RENDERED
from bot.digest.errors import DigestError
from bot.digest.model import Commentary, Digest, Item
from bot.digest.parser import load_digest, parse_digest_with_warnings
from bot.render import RenderedMessage, render_compact, render_full, render_item
from sandbox.telegram_html import Entity, parse_html, utf16_len

SHARED = Path(__file__).resolve().parent.parent / "examples" / "digests" / "2025-07-21.md"


def _read(message: RenderedMessage) -> tuple[str, list[Entity]]:
    text, entities = parse_html(message.text)
    assert utf16_len(text) <= 4096
    assert len(entities) <= 100
    return text, entities


def _digest(items: list[Item], intro: tuple[str, ...] = ()) -> Digest:
    return Digest.build(
        date="2025-07-21",
        title="测试速递",
        categories=("人工智能",),
        intro=intro,
        items=tuple(items),
        commentary=None,
        source="test.md",
    )


def test_compact_shows_title_date_intro_and_linked_headlines_with_a_button_each() -> None:
    digest = load_digest(SHARED)
    message = render_compact(digest)
    text, entities = _read(message)
    lines = text.split("\n")
    assert lines[:2] == ["2025.07.21 全球AI新闻速递", "2025-07-21"]
    assert lines[3].startswith("今日全球AI动态呈现出两大核心趋势：基础设施的“暴力”扩张与应用场景")
    assert lines[5] == "今日条目"
    assert lines[6:] == [f"{item.number}. {item.title}" for item in digest.items]
    links = [e.url for e in entities if e.type == "text_link"]
    assert links == [item.url for item in digest.items]
    bold = [text[e.offset : e.offset + e.length] for e in entities if e.type == "bold"]
    assert bold == [
        "2025.07.21 全球AI新闻速递",
        "基础设施的“暴力”扩张",
        "应用场景的“具身”落地",
        "今日条目",
    ]
    assert [[b.text for b in row] for row in message.keyboard] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9"],
    ]
    assert message.keyboard[1][3].callback_data == "v1:it:20250721:9"
    params = message.api_params()
    assert params["link_preview_options"] == {"is_disabled": True}
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": b.text, "callback_data": b.callback_data} for b in row]
            for row in message.keyboard
        ]
    }


def test_full_fits_the_shared_digest_in_one_message_with_its_commentary() -> None:
    digest = load_digest(SHARED)
    (message,) = render_full(digest)
    text, entities = _read(message)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "2025.07.21 全球AI新闻速递\n2025-07-21"
    assert paragraphs[2].startswith("1. OpenAI 奥尔特曼：到今年年底将有超 100 万个 GPU 上线")
    assert (
        paragraphs[2].split("\n")[1].startswith("OpenAI CEO萨姆·奥尔特曼透露，公司计划在2025年底")
    )
    assert paragraphs[11].startswith("点评\n今天的几条新闻串起来看")
    assert paragraphs[-1].endswith("自己却没有能插上电的“电器”。")
    assert sum(1 for e in entities if e.type == "text_link") == 9
    assert message.keyboard == ()
    assert "reply_markup" not in message.api_params()


def test_item_has_previous_and_next_buttons_only_where_there_are_items() -> None:
    digest = load_digest(SHARED)
    first, middle, last = (render_item(digest, n, lang="en") for n in (1, 5, 9))
    assert [b.text for b in first.keyboard[0]] == ["Next ▶"]
    assert [b.text for b in middle.keyboard[0]] == ["◀ Previous", "Next ▶"]
    assert [b.text for b in last.keyboard[0]] == ["◀ Previous"]
    assert [RENDERED.unpack(b.callback_data or "").args for b in middle.keyboard[0]] == [
        ("2025-07-21", 4),
        ("2025-07-21", 6),
    ]
    text, entities = _read(middle)
    assert text.startswith(
        "5. 量旋科技获数亿元B轮融资\n中国量子计算公司量旋科技宣布完成数亿元B轮融资。"
    )
    assert text.endswith("2025.07.21 全球AI新闻速递 · Item 5 of 9")
    assert [e.url for e in entities if e.type == "text_link"] == [
        "https://36kr.com/p/3387275887656709?f=rss"
    ]
    assert not middle.disable_link_preview  # one link: its preview is the article's card
    assert render_item(digest, 5).text.endswith("第 5/9 条</i>")


def test_markup_characters_in_text_are_shown_literally() -> None:
    item = Item(1, '<script>&amp; "引号"', "https://example.org/?a=1&b=<2>", ("1 < 2 && 3 > 2",))
    message = render_item(_digest([item]), 1)
    assert "&lt;script&gt;&amp;amp;" in message.text
    text, entities = _read(message)
    assert text.startswith('1. <script>&amp; "引号"\n1 < 2 && 3 > 2')
    assert entities[1].url == "https://example.org/?a=1&b=<2>"


def test_a_monster_paragraph_is_cut_between_sentences_with_bold_closed_and_reopened() -> None:
    sentence = "这是一句很长的测试句子，用来填满消息。"  # 19 characters
    summary = sentence * 150 + "**" + sentence * 200 + "**" + sentence * 150  # 9500 in all
    digest = _digest([Item(1, "长条目", "https://example.org/1", (summary,))])
    messages = render_full(digest)
    assert len(messages) == 3
    read = [_read(m) for m in messages]
    for text, _ in read[:-1]:
        assert text.endswith("。")  # cut after a full stop, not mid-sentence
    bold_per_message = [[e for e in entities if e.type == "bold"] for _, entities in read]
    # The bold span that crosses a cut ends one message and starts the next.
    crossing = bold_per_message[0][-1]
    assert crossing.offset + crossing.length == utf16_len(read[0][0])
    assert bold_per_message[1][0].offset == 0
    visible = "".join(text for text, _ in read)
    assert visible.count(sentence) == 500


def test_a_paragraph_with_too_many_entities_is_split_by_entity_count() -> None:
    summary = "".join(f"**粗{i}**字" for i in range(250))  # short, but 250 entities
    messages = render_full(_digest([Item(1, "很多加粗", None, (summary,))]))
    counts = [len(_read(m)[1]) for m in messages]
    assert len(messages) == 3
    assert all(count <= 100 for count in counts)
    assert sum(counts) >= 250


def test_emoji_zwj_sequences_are_never_cut_apart() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"  # 7 code points, 11 UTF-16 units
    messages = render_full(_digest([Item(1, "表情", None, (family * 1000,))]))
    assert len(messages) >= 3
    total = 0
    for message in messages:
        text, _ = _read(message)
        clusters = regex.findall(r"\X", text)
        total += clusters.count(family)
        assert set(clusters) <= {family, "1", ".", " ", "表", "情", "\n", "测", "试", "速", "递",
                                 "2", "0", "5", "-", "7"}  # fmt: skip
    assert total == 1000


def test_items_start_new_messages_rather_than_being_split() -> None:
    items = [Item(n, f"条目{n}", None, ("内容" * 700,)) for n in range(1, 7)]  # ~1400 each
    messages = render_full(_digest(items))
    starts = [_read(m)[0].split("\n\n")[0] for m in messages[1:]]
    assert len(messages) == 3
    assert all(start.startswith("条目") is False and start[0].isdigit() for start in starts)


def test_compact_with_many_items_stays_within_limits() -> None:
    items = [Item(n, f"第{n}条新闻" * 5, f"https://example.org/{n}", ()) for n in range(1, 151)]
    message = render_compact(_digest(items, intro=("导语" * 2000,)))
    text, entities = _read(message)
    assert sum(len(row) for row in message.keyboard) == 100
    assert all(len(row) <= 8 for row in message.keyboard)
    assert "…" in text
    assert "150. 第150条新闻" in text
    assert len(entities) <= 100


def test_an_item_too_long_for_one_message_is_cut_with_an_ellipsis() -> None:
    item = Item(1, "长", None, ("很长的摘要。" * 1000, "第二段"))
    text, _ = _read(render_item(_digest([item]), 1))
    assert "…" in text
    assert "第二段" not in text
    assert text.endswith("测试速递 · 第 1/1 条")


def test_commentary_heading_and_paragraphs_come_last() -> None:
    digest = Digest.build(
        date="2025-07-21",
        title="T",
        categories=(),
        intro=(),
        items=(Item(1, "一", None, ("摘要",)),),
        commentary=Commentary("编者按", ("第一段 **重点**", "第二段")),
        source="x.md",
    )
    (message,) = render_full(digest)
    text, _ = _read(message)
    assert text.endswith("编者按\n第一段 重点\n\n第二段")


def test_a_long_item_starts_a_new_message_rather_than_leaving_its_headline_behind() -> None:
    items = [
        Item(1, "短条目", None, ("内容" * 2010,)),  # leaves 52 units: room for a headline only
        Item(2, "长条目", None, ("很长的摘要。" * 1000,)),  # needs two messages of its own
    ]
    messages = render_full(_digest(items))
    texts = [_read(m)[0] for m in messages]
    assert texts[0].endswith("内容")
    assert texts[1].startswith("2. 长条目\n很长的摘要。")
    assert "".join(texts).count("很长的摘要。") == 1000


def test_strike_italic_bold_code_and_links_of_a_digest_reach_the_reader_as_entities() -> None:
    text = _markdown(
        "~~旧价 99 元~~ 新价 **79 元**，*限时*，_仅今日_，代码 `a<b`，见 [公告](https://a.example/p)。"
    )
    digest, _ = parse_digest_with_warnings(text, "inline.md")
    visible, entities = _read(render_item(digest, 1))
    assert "旧价 99 元 新价 79 元，限时，仅今日，代码 a<b，见 公告。" in visible
    kinds = {e.type: visible_of(visible, e) for e in entities}  # the last of each type
    assert "79 元" in [visible_of(visible, e) for e in entities if e.type == "bold"]
    assert kinds["strikethrough"] == "旧价 99 元"
    assert kinds["code"] == "a<b"
    assert kinds["text_link"] == "公告"
    assert [visible_of(visible, e) for e in entities if e.type == "italic"][:2] == [
        "限时",
        "仅今日",
    ]


def test_hostile_markup_in_a_digest_stays_inert_text() -> None:
    summary = (
        '<script>alert(1)</script> &lt;b&gt; &#60;i&#62; <a href="tg://x">点我</a> '
        '[链接](https://a.example/?q="><b>x</b>&amp;)'
    )
    digest, _ = parse_digest_with_warnings(_markdown(summary), "hostile.md")
    visible, entities = _read(render_item(digest, 1))
    assert (
        '<script>alert(1)</script> &lt;b&gt; &#60;i&#62; <a href="tg://x">点我</a> 链接' in visible
    )
    links = [e.url for e in entities if e.type == "text_link"]
    assert links == ["https://a.example/1", 'https://a.example/?q="><b>x</b>&amp;']
    assert {e.type for e in entities} <= {"bold", "italic", "text_link"}


@pytest.mark.parametrize(
    ("href", "scheme"), [("javascript:alert(1)", "javascript"), ("tg://resolve?domain=x", "tg")]
)
def test_javascript_and_tg_links_never_reach_a_reader(href: str, scheme: str) -> None:
    with pytest.raises(DigestError) as raised:
        parse_digest_with_warnings(_markdown(f"见 [这里]({href})。"), "links.md")
    assert str(raised.value.errors[0]).startswith(
        f"links.md:9: link '{href}' has scheme '{scheme}'; only http and https"
    )


def _markdown(summary: str) -> str:
    return (
        '---\ntitle: "速递"\ndate: 2025-07-21\ncategories: [人工智能]\n---\n\n'
        f"1. [AI 新闻](https://a.example/1)\n\n{summary}\n"
    )


def visible_of(text: str, entity: Entity) -> str:
    """The UTF-16 slice of ``text`` that ``entity`` covers."""
    units = text.encode("utf-16-le")
    return units[2 * entity.offset : 2 * (entity.offset + entity.length)].decode("utf-16-le")
