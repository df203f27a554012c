"""User-facing strings in every supported language, looked up with ``t(lang, key, **params)``.

One catalogue dict per language. To add a string, add its key to ``ZH`` (the fallback
language) and to every other catalogue; tests/test_i18n.py checks that they all hold the same
keys and the same ``{placeholders}``. Strings are plain text: the renderer escapes them.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

ZH: dict[str, str] = {
    # Renderer labels.
    "render.items": "今日条目",
    "render.commentary": "点评",
    "render.prev": "◀ 上一条",
    "render.next": "下一条 ▶",
    "render.item_position": "第 {number}/{total} 条",
    "render.read_more": "原文",
}

EN: dict[str, str] = {
    "render.items": "Items",
    "render.commentary": "Commentary",
    "render.prev": "◀ Previous",
    "render.next": "Next ▶",
    "render.item_position": "Item {number} of {total}",
    "render.read_more": "Source",
}

CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}


def normalize_language(lang: str | None) -> str:
    """The supported language ``lang`` names (``en-US`` → ``en``), else the default."""
    if not lang:
        return DEFAULT_LANGUAGE
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in CATALOGUES else DEFAULT_LANGUAGE


def t(lang: str, key: str, **params: object) -> str:
    """The string ``key`` in ``lang`` (unknown languages fall back to Chinese), formatted.

    A key missing from a language falls back to Chinese; a key missing from Chinese is a
    programming error and raises ``KeyError``.
    """
    catalogue = CATALOGUES[normalize_language(lang)]
    template = catalogue.get(key)
    if template is None:
        template = ZH[key]
    return template.format(**params) if params else template
