"""The parser: the shared digest parses exactly, the format's variants are understood, and
every malformed file is reported as ``path:line: message`` (all problems, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.errors import DigestError
from bot.digest.model import Digest
from bot.digest.parser import (
    load_digest,
    load_digest_with_warnings,
    parse_digest,
    parse_digest_with_warnings,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "digests"
BAD = Path("tests") / "data" / "digests"

SHARED_ITEMS = [
    (
        "OpenAI 奥尔特曼：到今年年底将有超 100 万个 GPU 上线，首次提出“百倍扩容”愿景",
        "https://www.ithome.com/0/869/518.htm",
    ),
    ("鸿海开始导入英伟达Vera Rubin平台", "https://36kr.com/newsflashes/3387985541693190?f=rss"),
    ("京东和美团的战火，烧到具身智能", "https://36kr.com/p/3386941825007107?f=rss"),
    (
        "马斯克宣布特斯拉 FSD 将整合 Robotaxi 技术，性能显著提升",
        "https://www.ithome.com/0/869/509.htm",
    ),
    ("量旋科技获数亿元B轮融资", "https://36kr.com/p/3387275887656709?f=rss"),
    (
        "AI短剧平台CreativeFitting完成数百万美元PreA++轮融资",
        "https://36kr.com/newsflashes/3384308434468096?f=rss",
    ),
    (
        "英国：首批出租车、公共汽车类自动驾驶汽车服务明年春季上路",
        "https://www.ithome.com/0/869/517.htm",
    ),
    (
        "黄仁勋谈小米雷军：双方合作已经很久，正在共同开发人工智能、自动驾驶软件等",
        "https://www.ithome.com/0/869/513.htm",
    ),
    ("马斯克承认曾抵制人工智能，如今全力投入", "https://www.ithome.com/0/869/492.htm"),
]


def test_the_shared_digest_parses_exactly() -> None:
    digest, warnings = load_digest_with_warnings(EXAMPLES / "2025-07-21.md")
    assert warnings == ()
    assert digest.date == "2025-07-21"
    assert digest.published_at == "2025-07-21T09:13:28.871000+08:00"
    assert digest.title == "2025.07.21 全球AI新闻速递"
    assert digest.categories == ("人工智能", "硬件前沿", "产业动态")
    assert len(digest.intro) == 1
    assert digest.intro[0].startswith("今日全球AI动态呈现出两大核心趋势：**基础设施的“暴力”扩张**")
    assert digest.intro[0].endswith("如何让AI在物理世界和特定行业中创造可闭环的商业价值。")
    assert [(item.title, item.url) for item in digest.items] == SHARED_ITEMS
    assert [item.number for item in digest.items] == list(range(1, 10))
    assert all(len(item.summary) == 1 for item in digest.items)
    assert (
        digest.items[0]
        .summary[0]
        .startswith("OpenAI CEO萨姆·奥尔特曼透露，公司计划在**2025年底前上线超过100万块GPU**")
    )
    assert (
        digest.items[8]
        .summary[0]
        .endswith("这一转变凸显了AI在提升各行业核心竞争力方面已成为不可逆转的趋势。")
    )
    assert digest.commentary is not None
    assert digest.commentary.heading == "点评"
    assert len(digest.commentary.paragraphs) == 4
    assert (
        digest.commentary.paragraphs[0]
        == "今天的几条新闻串起来看，很有意思，清晰地画出了AI产业演进的两个层面。"
    )
    assert digest.commentary.paragraphs[3].endswith("自己却没有能插上电的“电器”。")
    assert len(digest.content_hash) == 64


def test_the_shared_digest_items_get_categories_from_the_default_rules() -> None:
    digest = load_digest(EXAMPLES / "2025-07-21.md")
    by_number = {item.number: item.categories for item in digest.items}
    assert by_number[5] == ("硬件前沿", "产业动态")  # quantum chips, a funding round
    assert by_number[7] == ("人工智能", "产业动态")  # self-driving, transport ministry rules
    assert all(by_number.values())


def test_unindented_items_bold_headlines_tags_and_a_commentary_without_rules() -> None:
    digest, warnings = load_digest_with_warnings(EXAMPLES / "2025-07-22.md")
    assert warnings == ()
    assert digest.date == "2025-07-22"
    assert digest.published_at is None
    assert digest.categories == ("人工智能",)  # a single string
    first, second, third = digest.items
    assert first.url == "https://example.org/news?id=1&src=rss"
    # Summary right after the headline, two lines joined, then a second paragraph.
    assert first.summary == (
        "评测集覆盖 Python、Rust 与 Go 三种语言，强调**可复现**的打分流程。"
        "维护者表示，下一版将加入多轮对话任务。",
        "评测脚本以 MIT 协议开放，链接见 [项目主页](https://example.org/wiki/Benchmark_(software))。",
    )
    assert (second.title, second.url, second.categories) == (
        "多地发布人工智能算力补贴细则",
        None,
        ("人工智能",),
    )
    assert second.summary == (
        "细则要求申请企业公开模型用途，补贴按实际使用量的 30% 计算，上限 <500 万元>。",
    )
    assert third.summary[0].endswith("在实验中表现稳定 🧬。论文同时公开了数据集与训练代码。")
    assert digest.commentary is not None
    assert digest.commentary.heading == "编者按"
    assert len(digest.commentary.paragraphs) == 2
    assert "👩\u200d💻👍🏽🇨🇳" in digest.intro[0]


def test_datetime_in_a_negative_offset_keeps_its_own_calendar_date() -> None:
    digest = load_digest(EXAMPLES / "2025-07-23.md")
    assert digest.date == "2025-07-23"  # 2025-07-24 04:30 UTC, but the 23rd where it was written
    assert digest.published_at == "2025-07-23T23:30:00-05:00"
    assert digest.commentary is None
    assert digest.intro[0].startswith("An English example: the date is a datetime with a negative")
    assert "(it is still the 23rd in its own time zone)" in digest.intro[0]
    assert digest.items[0].summary == (
        "Several suppliers said orders for **GPU** servers doubled year over year.",
        "Analysts expect capacity to stay tight until new fabs open.",
    )
    assert digest.items[1].categories == ("hardware", "industry")  # "Tags:" line


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "no-front-matter.md",
            ["1: missing front matter: the file must start with a '---' line"],
        ),
        ("unclosed-front-matter.md", ["1: the front matter opened at line 1 is never closed"]),
        ("bad-yaml.md", ["4: front matter is not valid YAML: did not find expected ',' or ']'"]),
        # The quote opened on line 2 runs to the end of the block: line 2 is reported.
        ("unclosed-quote.md", ["2: front matter is not valid YAML: found unexpected end of"]),
        ("missing-title.md", ["1: front matter has no 'title'"]),
        ("invalid-date.md", ["3: invalid date '2025-02-30' (day is out of range for month)"]),
        (
            "no-items.md",
            ["6: no numbered items (expected lines like '1. [headline](https://...)')"],
        ),
        ("duplicate-number.md", ["15: duplicate item number 2 (item 2 is at line 11)"]),
        ("missing-number.md", ["15: item 4 comes where item 3 was due: item 3 is missing"]),
        (
            "bad-link-scheme.md",
            [
                "7: link 'javascript:alert(1)' has scheme 'javascript'; only http and https",
                "9: link 'ftp://example.org/file' has scheme 'ftp'; only http and https",
            ],
        ),
        (
            "rule-without-heading.md",
            ["13: text after the '---' rule at line 11 has no heading; put a heading such as"],
        ),
        (
            "many-problems.md",
            [
                "3: invalid date '2025-13-01' (month must be in 1..12)",
                "11: duplicate item number 1 (item 1 is at line 7)",
                "12: item 1: '体育' is not a category of this digest (its categories: 人工智能)",
                "14: link 'mailto:editor@example.org' has scheme 'mailto'",
            ],
        ),
    ],
)
def test_each_malformed_file_names_every_problem_at_its_line(
    name: str, expected: list[str]
) -> None:
    with pytest.raises(DigestError) as raised:
        load_digest(BAD / name)
    errors = [str(problem) for problem in raised.value.errors]
    assert len(errors) == len(expected), errors
    for line, wanted in zip(errors, expected, strict=True):
        assert line.startswith(f"{BAD / name}:{wanted}"), line


def test_a_file_that_is_not_utf8_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "2025-07-21.md"
    path.write_bytes("---\ntitle: 速递\n".encode() + b"date: \xff\xfe\n---\n")
    with pytest.raises(DigestError) as raised:
        load_digest(path)
    assert [str(p) for p in raised.value.problems] == [f"{path}:3: not UTF-8 text (byte 0xff)"]


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "nope.md"
    with pytest.raises(DigestError) as raised:
        load_digest(path)
    assert str(raised.value) == f"{path}: cannot read: No such file or directory"


def test_warnings_do_not_stop_a_digest() -> None:
    text = (
        "---\ntitle: T\ndate: 2025-07-21T08:00:00\ncategories: [人工智能]\nauthor: me\n---\n\n"
        "## 今日\n\n1. **沒有摘要的条目**\n"
    )
    digest, warnings = parse_digest_with_warnings(text, "2025-07-20.md")
    assert digest.items[0].title == "沒有摘要的条目"
    assert [str(w) for w in warnings] == [
        "2025-07-20.md:3: warning: date '2025-07-21T08:00:00' has no UTC offset; "
        "its calendar date is used as is",
        "2025-07-20.md:3: warning: file name says 2025-07-20 but the front matter date is "
        "2025-07-21",
        "2025-07-20.md:5: warning: front matter key 'author' is not used",
        "2025-07-20.md:8: warning: heading '今日' before the items is ignored",
        "2025-07-20.md:10: warning: item 1 has no summary",
        "2025-07-20.md:10: warning: item 1 matches no category rule; /category will not list "
        "it (add a line '分类：NAME' under it)",
    ]


@pytest.mark.parametrize(
    ("headline", "message"),
    [
        ("1.", "item 1 has no headline"),
        ("1. [标题](https://a.example) 来源：新华社", "item 1: the headline mixes a link with"),
        ("1. [标题](/relative/path)", "link '/relative/path' has no scheme"),
        ("1. [标题](https:///nohost)", "link 'https:///nohost' has no host"),
    ],
)
def test_bad_headlines_are_reported(headline: str, message: str) -> None:
    front = "---\ntitle: T\ndate: 2025-07-21\ncategories: [人工智能]\n---\n\n"
    text = f"{front}{headline}\n\n   AI 摘要。\n"
    with pytest.raises(DigestError) as raised:
        parse_digest(text, "d.md")
    assert str(raised.value.errors[0]).startswith(f"d.md:7: {message}")


def test_crlf_and_a_byte_order_mark_parse_like_plain_newlines() -> None:
    unix = (EXAMPLES / "2025-07-21.md").read_text(encoding="utf-8")
    windows = "\ufeff" + unix.replace("\n", "\r\n")
    assert parse_digest(windows, "x.md").to_json() == parse_digest(unix, "x.md").to_json()


LINES = [
    "---",
    "title: 速递",
    "date: 2025-07-21",
    "date: 2025-02-30",
    "categories: [人工智能, 硬件前沿]",
    "categories: 人工智能, 硬件前沿",
    "title: [a, b",
    "1. [OpenAI 发布 GPU](https://example.org/1?a=1&b=2)",
    "2. **无链接的标题**",
    "2.",
    "3. [坏链接](javascript:alert(1))",
    "    缩进的摘要，含 **加粗** 和 [链接](https://example.org/(x))。",
    "不缩进的摘要 < & > 👩\u200d💻",
    "分类：硬件前沿、体育",
    "### 点评",
    "***",
    "",
    "\ufeff",
    "\t",
]


@given(st.lists(st.sampled_from(LINES) | st.text(max_size=30), max_size=30))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_a_digest_or_problems_never_a_crash(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        digest = parse_digest(text, "fuzz.md")
    except DigestError as error:
        assert error.errors
        for problem in error.problems:
            assert 0 <= problem.line <= len(text.splitlines()) + 1
            assert str(problem).startswith("fuzz.md")
    else:
        assert digest.items
        assert [item.number for item in digest.items] == list(range(1, len(digest.items) + 1))
        assert Digest.from_json(digest.to_json()) == digest
