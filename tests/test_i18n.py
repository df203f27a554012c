"""The string catalogues: every language has every key, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from bot.i18n import CATALOGUES, LANGUAGES, ZH, normalize_language, plural, t


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_key_with_the_same_placeholders(lang: str) -> None:
    catalogue = CATALOGUES[lang]
    assert set(catalogue) == set(ZH)
    for key, template in catalogue.items():
        assert _placeholders(template) == _placeholders(ZH[key]), key


def test_lookup_formats_parameters_in_the_readers_language() -> None:
    assert t("en", "render.item_position", number=3, total=9) == "Item 3 of 9"
    assert t("zh", "render.item_position", number=3, total=9) == "第 3/9 条"


@pytest.mark.parametrize(("given", "expected"), [("fr", "zh"), ("", "zh"), ("en-US", "en")])
def test_unknown_or_regional_languages_resolve_sensibly(given: str, expected: str) -> None:
    assert normalize_language(given) == expected
    assert t(given, "render.items") == CATALOGUES[expected]["render.items"]


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        t("en", "no.such.key")


def test_one_of_a_thing_is_singular() -> None:
    assert t("en", "bot.category.header", date="d", category="c", count=1) == "d · “c” · 1 item:"
    assert t("en", "bot.category.header", date="d", category="c", count=2) == "d · “c” · 2 items:"
    assert t("en", "alert.more_problems", count=1) == "… and 1 more problem"
    assert t("en", "bot.unread.marked", count=1) == "Marked 1 item as read."
    assert plural(1, "problem") == "1 problem"
    assert plural(0, "subscriber") == "0 subscribers"
