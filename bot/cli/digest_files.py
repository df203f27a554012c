"""What ``check`` and ``preview`` share: finding digest files and the category rules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from bot.digest.categories import CategoryRules, CategoryRulesError
from bot.digest.errors import Problem
from bot.settings import SettingsError, load_settings


def digest_files(paths: list[Path]) -> Iterator[Path]:
    """Each path, with a folder replaced by its ``.md`` files (sorted, not recursive)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.md") if p.is_file())
        else:
            yield path


def empty_folders(paths: list[Path]) -> list[Problem]:
    """A problem for each folder among ``paths`` that holds no ``.md`` file."""
    return [
        Problem(str(path), 0, "no .md files in this folder")
        for path in paths
        if path.is_dir() and not any(path.glob("*.md"))
    ]


def category_rules(path: Path | None) -> CategoryRules | None:
    """The rules of ``--rules`` or ``CATEGORY_RULES_FILE``; None (message printed) if unusable."""
    try:
        if path is not None:
            return CategoryRules.load(path)
        return CategoryRules.from_settings(load_settings())
    except (CategoryRulesError, SettingsError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return None
