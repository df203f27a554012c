"""Untrusted digest input: every failure of parsing any bytes is a ``DigestError`` naming
``path:line``, and nothing makes the parser recurse, explode or take quadratic time
(issue 10, finding 1). The CLI and folder-source views of the same files are in
tests/test_cli_digest.py and tests/test_sources_folder.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.digest.errors import DigestError
from bot.digest.inline import Span, Text, parse_inline, plain_text
from bot.digest.parser import parse_digest_bytes, parse_digest_with_warnings
from tests.fixtures.digests import FRONT, HOSTILE, Hostile, with_front, with_summary


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_class_is_a_digest_error_at_its_line_or_a_valid_digest(name: str) -> None:
    hostile: Hostile = HOSTILE[name]
    if hostile.line is None:
        digest, _ = parse_digest_bytes(hostile.data, f"{name}.md")
        assert digest.items[0].title == "新闻"
        return
    with pytest.raises(DigestError) as raised:
        parse_digest_bytes(hostile.data, f"{name}.md")
    first = raised.value.errors[0]
    assert (first.line, first.source) == (hostile.line, f"{name}.md")
    assert hostile.message in first.message
    assert len(str(first)) < 300  # a megabyte of input is quoted as an excerpt


def test_an_alias_bomb_is_refused_before_anything_is_expanded() -> None:
    with pytest.raises(DigestError) as raised:
        parse_digest_bytes(HOSTILE["alias-bomb"].data, "bomb.md")
    assert str(raised.value).startswith(
        "bomb.md:3: front matter is not valid YAML: aliases (*name) are not allowed"
    )


def test_numbers_booleans_and_long_integers_in_front_matter_are_text() -> None:
    text = with_front("").replace('title: "速递"', "title: " + "7" * 5000)
    digest, _ = parse_digest_with_warnings(text.replace("[人工智能]", "[yes, 2025]"), "n.md")
    assert digest.title == "7" * 5000
    assert digest.categories == ("yes", "2025")


def test_unknown_keys_are_each_warned_about_at_their_own_line() -> None:
    _, warnings = parse_digest_bytes(HOSTILE["unknown-keys-4000"].data, "keys.md")
    unused = [w for w in warnings if "is not used" in w.message]
    assert len(unused) == 4000
    assert {str(w) for w in unused[:2]} == {
        "keys.md:5: warning: front matter key 'key0' is not used",
        "keys.md:6: warning: front matter key 'key1' is not used",
    }


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    text = '---\ntitle: "速递\ndate: 2025-07-21\ncategories: [人工智能]\n---\n\n1. x\n'
    with pytest.raises(DigestError) as raised:
        parse_digest_with_warnings(text, "q.md")
    assert [p.line for p in raised.value.errors] == [2]


def test_a_lone_surrogate_handed_over_as_text_is_a_problem_at_its_line() -> None:
    with pytest.raises(DigestError) as raised:
        parse_digest_with_warnings(with_summary("坏\ud800字"), "s.md")
    assert str(raised.value) == "s.md:9: not UTF-8 text (a lone surrogate)"


@pytest.mark.parametrize(
    ("source", "nodes"),
    [
        ("~~旧价~~ 新价", (Span("s", (Text("旧价"),)), Text(" 新价"))),
        (
            "*斜体* and _also_",
            (Span("i", (Text("斜体"),)), Text(" and "), Span("i", (Text("also"),))),
        ),
        (
            "**粗 ~~删 *斜*~~**",
            (Span("b", (Text("粗 "), Span("s", (Text("删 "), Span("i", (Text("斜"),)))))),),
        ),
        ("snake_case_name and 5 * 3 * 2", (Text("snake_case_name and 5 * 3 * 2"),)),
        ("~~ ~~", (Span("s", (Text(" "),)),)),
    ],
)
def test_strike_and_italic_are_recognised(source: str, nodes: tuple[object, ...]) -> None:
    assert parse_inline(source) == nodes


def test_no_kind_of_span_nests_inside_itself() -> None:
    # Alternating markers once opened a span per marker (thousands deep: RecursionError).
    source = "**~~*" * 3000 + "x" + "*~~**" * 3000
    nodes = parse_inline(source)
    assert plain_text(nodes).count("x") == 1
    assert _depth(nodes) <= 4


def _depth(nodes: tuple[object, ...]) -> int:
    spans = [n for n in nodes if isinstance(n, Span)]
    return 1 + max((_depth(s.children) for s in spans), default=0) if spans else 0


MARKUP = st.sampled_from(
    ["**", "~~", "*", "_", "`", "[", "]", "(", ")", "](", "\\", " ", "a", "字"]
)
YAML_BITS = st.sampled_from(
    ["[", "]", "{", "}", ": ", "- ", "\n", "  ", "&a ", "*a", "!!float ", "!x ", '"', "'", "#", "9"]
)


def nested(parts: st.SearchStrategy[str], depth: int) -> st.SearchStrategy[str]:
    """Markup nested up to ``depth`` levels, levels repeated (cut to 30,000 characters)."""
    return st.recursive(
        parts,
        lambda inner: st.builds(
            lambda opener, middle, closer, times: ((opener + middle + closer) * times)[:30_000],
            parts,
            inner,
            parts,
            st.integers(min_value=1, max_value=40),
        ),
        max_leaves=depth,
    )


HYPOTHESIS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


@HYPOTHESIS
@given(st.binary(max_size=3000))
def test_any_bytes_are_a_digest_or_a_digest_error(data: bytes) -> None:
    _parse(data)


@settings(HYPOTHESIS, max_examples=50)
@given(nested(MARKUP, 60), st.integers(min_value=1, max_value=200))
def test_any_inline_markup_however_long_or_nested(summary: str, times: int) -> None:
    long = (summary * times)[:50_000]
    _parse(with_summary(long).encode())
    plain_text(parse_inline(long))


@HYPOTHESIS
@given(nested(YAML_BITS, 60), st.integers(min_value=1, max_value=50))
def test_any_front_matter_however_long_or_nested(block: str, times: int) -> None:
    long = (block * times)[:100_000]
    _parse((FRONT + "x: " + long + "\n---\n\n1. x\n").encode())
    _parse(("---\n" + long + "\n---\n\n1. x\n").encode())


def _parse(data: bytes) -> None:
    try:
        parse_digest_bytes(data, "random.md")
    except DigestError as error:
        assert all(p.source == "random.md" and p.line >= 0 for p in error.problems)
