"""The sandbox is a tool package of its own: installed with briefbot, loaded only by the
commands that need it (``shell``, ``sandbox``, ``preview``), and free of import circles."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import sandbox

# Imports every product module (bot/ and handlers/, except the shell, which is the sandbox's
# user), registers every subcommand as ``briefbot --help`` does and runs ``briefbot run``
# up to its no-token refusal; then prints which sandbox modules got loaded.
PRODUCT_IMPORTS = """
import importlib, json, pkgutil, sys
import bot, handlers
TOOL_MODULES = {"bot.shell", "bot.__main__"}
for package in (bot, handlers):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if module.name not in TOOL_MODULES:
            importlib.import_module(module.name)
from bot.cli import build_parser, main
build_parser()
status = main(["run"])
loaded = sorted(m for m in sys.modules if m == "sandbox" or m.startswith("sandbox."))
print(json.dumps({"status": status, "loaded": loaded}))
"""


def _loaded_by(code: str, cwd: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REDIS_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_the_bot_runtime_and_run_worker_push_never_load_the_sandbox(tmp_path: Path) -> None:
    seen = _loaded_by(PRODUCT_IMPORTS, tmp_path)
    assert seen == {"status": 2, "loaded": []}


def test_the_shell_does_load_it(tmp_path: Path) -> None:
    """The check above can fail: the module that needs the sandbox brings it in."""
    code = (
        "import json, sys\nimport bot.shell\n"
        "print(json.dumps({'loaded': 'sandbox.server' in sys.modules}))"
    )
    assert _loaded_by(code, tmp_path) == {"loaded": True}


def test_it_is_installed_as_a_typed_package() -> None:
    assert resources.files("sandbox").joinpath("py.typed").is_file()


def _imports_of(path: Path) -> set[str]:
    """The sandbox modules ``path`` imports, including under ``if TYPE_CHECKING``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("sandbox.")}


def test_no_two_sandbox_modules_import_each_other() -> None:
    root = Path(sandbox.__file__).parent
    graph = {
        f"sandbox.{path.stem}": _imports_of(path)
        for path in root.glob("*.py")
        if path.stem != "__init__"
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()):
            if name == goal or (name not in seen and reaches(name, goal, seen | {name})):
                return True
        return False

    circles = sorted(name for name in graph if reaches(name, name, {name}))
    assert circles == []
