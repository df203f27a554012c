"""Categories: what ``/category NAME`` resolves to (aliases, any case), "did you mean"
guesses, explicit tags winning over keyword rules, and rules files an operator writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.digest.categories import CategoryRules, CategoryRulesError
from bot.digest.parser import load_digest, parse_digest
from bot.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "digests"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("硬件前沿", "硬件前沿"),
        ("hardware", "硬件前沿"),
        ("HARDWARE", "硬件前沿"),
        ("#AI", "人工智能"),
        ("ａｉ", "人工智能"),  # full-width letters typed on a Chinese keyboard
        ("Industry", "产业动态"),
        ("sports", None),
    ],
)
def test_names_resolve_case_insensitively_through_aliases(name: str, expected: str | None) -> None:
    digest = load_digest(EXAMPLES / "2025-07-21.md")
    assert CategoryRules.default().resolve(name, digest) == expected


def test_aliases_in_the_front_matter_match_their_category() -> None:
    digest = load_digest(EXAMPLES / "2025-07-23.md")  # categories: [AI, hardware, industry]
    assert CategoryRules.default().resolve("硬件前沿", digest) == "hardware"


@pytest.mark.parametrize(
    ("typo", "guess"),
    [("hardwre", "硬件前沿"), ("硬件", "硬件前沿"), ("人工", "人工智能"), ("zzzz", None)],
)
def test_closest_guesses_what_a_mistyped_name_meant(typo: str, guess: str | None) -> None:
    digest = load_digest(EXAMPLES / "2025-07-21.md")
    assert CategoryRules.default().closest(typo, digest) == guess


def test_explicit_tags_win_over_keyword_rules() -> None:
    text = (
        "---\ntitle: T\ndate: 2025-07-21\ncategories: [人工智能, 硬件前沿, 产业动态]\n---\n\n"
        "1. [OpenAI 发布新 GPU 集群](https://example.org/1)\n   摘要。\n   分类：industry\n\n"
        "2. [OpenAI 发布新 GPU 集群](https://example.org/2)\n   摘要。\n"
    )
    tagged, ruled = parse_digest(text, "t.md").items
    assert tagged.categories == ("产业动态",)
    assert ruled.categories == ("人工智能", "硬件前沿")
    assert "分类" not in " ".join(tagged.summary)


def test_a_toml_rules_file_adds_aliases_and_keywords(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[categories."产业动态"]\naliases = ["biz"]\nkeywords = ["政策"]\n', encoding="utf-8"
    )
    rules = CategoryRules.from_settings(Settings.from_env({"CATEGORY_RULES_FILE": str(path)}))
    digest = load_digest(EXAMPLES / "2025-07-21.md", rules)
    assert rules.resolve("BIZ", digest) == "产业动态"
    assert rules.resolve("hardware", digest) == "硬件前沿"  # built-in rules are kept
    assert rules.categorise("新政策出台", digest.categories) == ("产业动态",)


def test_a_json_rules_file_can_replace_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        '{"replace_defaults": true, "categories": {"体育": {"aliases": ["sports"]}}}',
        encoding="utf-8",
    )
    rules = CategoryRules.load(path)
    assert rules.canonical("SPORTS") == "体育"
    assert rules.canonical("hardware") == "hardware"  # the built-in alias is gone


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[categories", "cannot read category rules"),
        ('colour = "red"', "unknown keys ['colour']"),
        ('[categories."AI"]\naliases = "ai"', "AI.aliases must be a list of non-empty strings"),
        ('[categories."AI"]\nweight = 3', "category 'AI' must have only 'aliases' and 'keywords'"),
        ("replace_defaults = 1", "'replace_defaults' must be true or false"),
    ],
)
def test_a_bad_rules_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CategoryRulesError) as raised:
        CategoryRules.load(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_ascii_keywords_match_whole_words_only() -> None:
    rules = CategoryRules.default()
    assert rules.categorise("He said it rains", ["人工智能"]) == ()
    assert rules.categorise("AI短剧平台", ["人工智能"]) == ("人工智能",)
    assert rules.categorise("new chips ship", ["硬件前沿"]) == ("硬件前沿",)
