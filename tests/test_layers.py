"""Every module imports only what docs/architecture.md says its folder may import: the
table there is the rule, read here, so the documented layers and the code cannot drift."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PACKAGES = ("bot", "handlers", "sandbox")
PATH = re.compile(r"`((?:bot|handlers|sandbox)(?:/[\w.]*)*)`")


def _rules() -> dict[str, list[str]]:
    """Folder or module (as written in the table) -> what it may import."""
    rules: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not (found := PATH.fullmatch(cells[0])):
            continue
        rules[found[1]] = PATH.findall(cells[2])
    return rules


def _row(path: str, rules: dict[str, list[str]]) -> str | None:
    """The most specific row that covers ``path`` (a module row, or the longest folder)."""
    covering = [r for r in rules if r == path or (r.endswith("/") and path.startswith(r))]
    return max(covering, key=len, default=None)


def _covers(allowed: str, target: str) -> bool:
    return target == allowed or (allowed.endswith("/") and target.startswith(allowed))


def _imported(path: Path) -> set[str]:
    """What ``path`` imports of briefbot, each as the file or folder it names."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] not in PACKAGES:
                continue
            target = Path(*name.split("."))
            is_package = (ROOT / target).is_dir()
            targets.add(target.as_posix() + ("/" if is_package else ".py"))
    return targets


def test_the_table_covers_every_module_and_every_import_is_allowed() -> None:
    rules = _rules()
    assert len(rules) > 20, "the layer table of docs/architecture.md was not found"
    problems: list[str] = []
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            if path in (f"{package}/__init__.py",):
                continue
            row = _row(path, rules)
            if row is None:
                problems.append(f"{path}: no row in docs/architecture.md covers it")
                continue
            allowed = [row, *rules[row]]
            for target in sorted(_imported(file)):
                if not any(
                    target == a or (a.endswith("/") and target.startswith(a)) for a in allowed
                ):
                    problems.append(f"{path} imports {target}, which row {row} does not allow")
    assert problems == [], "\n".join(problems)
