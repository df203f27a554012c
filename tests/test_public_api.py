"""briefbot uses python-telegram-bot's public API only: a private module (``telegram._…``
or ``telegram.x._…``) can change in any release without notice."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _private_telegram_imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "telegram" and any(part.startswith("_") for part in parts[1:]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    return found


def test_no_module_imports_a_private_python_telegram_bot_module() -> None:
    offenders = [
        line
        for package in ("bot", "handlers", "sandbox")
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _private_telegram_imports(path)
    ]
    assert offenders == []
