"""Per-item categories for ``/category``: aliases and keyword rules, configurable from a file.

An item's categories are its explicit tags when the editor wrote a ``分类：`` line (see
docs/digest.md), otherwise every category of the digest whose keywords occur in the item's
headline or summary. Names match case-insensitively, after Unicode NFKC folding, through
aliases (``hardware`` = ``硬件前沿``).
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.digest.model import Digest
    from bot.settings import Settings


class CategoryRulesError(ValueError):
    """A category rules file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class CategoryRule:
    """One category: the names that mean it and the keywords that put an item in it."""

    name: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


DEFAULT_RULES: tuple[CategoryRule, ...] = (
    CategoryRule(
        "人工智能",
        aliases=("ai", "artificial intelligence", "人工智慧"),
        keywords=(
            "AI", "人工智能", "大模型", "模型", "OpenAI", "GPT", "xAI", "Grok", "LLM",
            "生成式", "机器学习", "深度学习", "智能体", "具身智能", "自动驾驶",
            "model", "machine learning", "neural network", "chatbot", "agent",
        ),
    ),
    CategoryRule(
        "硬件前沿",
        aliases=("hardware", "hw", "硬件", "chips"),
        keywords=(
            "GPU", "芯片", "服务器", "算力", "英伟达", "NVIDIA", "量子", "机器人", "硬件",
            "HW3", "HW4", "半导体", "晶圆", "数据中心",
            "chip", "accelerator", "server", "robot", "semiconductor", "data center", "fab",
        ),
    ),
    CategoryRule(
        "产业动态",
        aliases=("industry", "business", "产业", "行业"),
        keywords=(
            "融资", "投资", "收购", "上市", "合作", "布局", "商业化", "市场", "营收", "收入",
            "监管", "法规", "交通部", "竞争", "战略",
            "funding", "raises", "investment", "acquisition", "revenue", "market", "regulation",
        ),
    ),
)  # fmt: skip


def fold(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, no surrounding space or ``#``."""
    return unicodedata.normalize("NFKC", name).strip().lstrip("#").strip().casefold()


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # ASCII keywords match whole words, plurals included ("AI" must not match "said", "chip"
    # matches "chips"); CJK keywords match anywhere (Chinese has no spaces between words).
    escaped = re.escape(fold(keyword))
    if keyword.isascii():
        return re.compile(rf"(?<![a-z0-9]){escaped}(?:s|es)?(?![a-z0-9])")
    return re.compile(escaped)


class CategoryRules:
    """Aliases and keyword rules; ``resolve``/``closest`` answer ``/category NAME``."""

    def __init__(self, rules: Sequence[CategoryRule]) -> None:
        self.rules: tuple[CategoryRule, ...] = tuple(rules)
        self._canonical: dict[str, str] = {}
        self._patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
        for rule in self.rules:
            for alias in (rule.name, *rule.aliases):
                self._canonical[fold(alias)] = rule.name
            self._patterns[fold(rule.name)] = tuple(_keyword_pattern(k) for k in rule.keywords)

    @classmethod
    def default(cls) -> CategoryRules:
        """The built-in rules for the shared digest's categories."""
        return cls(DEFAULT_RULES)

    @classmethod
    def from_settings(cls, settings: Settings) -> CategoryRules:
        """The rules ``CATEGORY_RULES_FILE`` names, or the built-in ones when it is unset."""
        if settings.category_rules_file is None:
            return cls.default()
        return cls.load(settings.category_rules_file)

    @classmethod
    def load(cls, path: Path) -> CategoryRules:
        """Rules from a TOML or JSON file, on top of the built-in ones (see docs/digest.md)."""
        try:
            raw = path.read_bytes().decode("utf-8")
            data: object = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CategoryRulesError(f"{path}: cannot read category rules: {error}") from error
        return cls(_rules_from_data(data, str(path)))

    def canonical(self, name: str) -> str:
        """The category ``name`` means through an alias, or ``name`` itself."""
        return self._canonical.get(fold(name), name)

    def resolve_in(self, name: str, categories: Sequence[str]) -> str | None:
        """The one of ``categories`` that ``name`` means (directly or by alias), or None."""
        wanted = fold(self.canonical(name))
        for category in categories:
            if fold(category) == wanted or fold(self.canonical(category)) == wanted:
                return category
        return None

    def resolve(self, name: str, digest: Digest) -> str | None:
        """The digest's category that ``name`` means, case-insensitively and by alias."""
        return self.resolve_in(name, digest.categories)

    def closest(self, name: str, digest: Digest) -> str | None:
        """A best guess at the digest category a mistyped ``name`` meant, for "did you mean"."""
        resolved = self.resolve(name, digest)
        if resolved is not None:
            return resolved
        wanted = fold(name)
        if not wanted:
            return None
        candidates: dict[str, str] = {}
        for category in digest.categories:
            candidates[fold(category)] = category
            for alias, canonical in self._canonical.items():
                if fold(canonical) == fold(self.canonical(category)):
                    candidates[alias] = category
        for candidate, category in candidates.items():
            if wanted in candidate or candidate in wanted:
                return category
        match = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=0.5)
        return candidates[match[0]] if match else None

    def categorise(self, text: str, categories: Sequence[str]) -> tuple[str, ...]:
        """The ``categories`` whose keywords occur in ``text`` (in the digest's order)."""
        folded = fold(text)
        found: list[str] = []
        for category in categories:
            patterns = self._patterns.get(fold(self.canonical(category)), ())
            if any(pattern.search(folded) for pattern in patterns):
                found.append(category)
        return tuple(found)


def _rules_from_data(data: object, where: str) -> list[CategoryRule]:
    if not isinstance(data, Mapping):
        raise CategoryRulesError(f"{where}: expected a table with a 'categories' table")
    unknown = set(data) - {"categories", "replace_defaults"}
    if unknown:
        raise CategoryRulesError(f"{where}: unknown keys {sorted(unknown)}")
    replace_defaults = data.get("replace_defaults", False)
    if not isinstance(replace_defaults, bool):
        raise CategoryRulesError(f"{where}: 'replace_defaults' must be true or false")
    categories = data.get("categories", {})
    if not isinstance(categories, Mapping):
        raise CategoryRulesError(f"{where}: 'categories' must be a table of categories")
    rules = {} if replace_defaults else {rule.name: rule for rule in DEFAULT_RULES}
    for name, entry in categories.items():
        if not isinstance(entry, Mapping) or set(entry) - {"aliases", "keywords"}:
            raise CategoryRulesError(
                f"{where}: category {name!r} must have only 'aliases' and 'keywords' lists"
            )
        rules[name] = CategoryRule(
            name,
            aliases=_names(entry.get("aliases", []), f"{where}: {name}.aliases"),
            keywords=_names(entry.get("keywords", []), f"{where}: {name}.keywords"),
        )
    return list(rules.values())


def _names(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CategoryRulesError(f"{where} must be a list of non-empty strings")
    return tuple(value)
