"""What the parser reports: every problem of a file, each as ``path:line: message``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A problem quotes the editor's text, which can be megabytes long: this much of it.
EXCERPT_LIMIT = 80


def excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """``text`` as a problem quotes it: cut to ``limit`` characters, with "…" if cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem in a digest file. ``line`` 0 means the file as a whole."""

    source: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line > 0 else self.source
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class DigestError(ValueError):
    """A digest that cannot be used; ``problems`` lists every problem found (errors first)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.warning, p.line))
        )
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make the digest unusable (not the warnings)."""
        return tuple(p for p in self.problems if not p.warning)


class ProblemCollector:
    """Gathers the problems of one file while it is parsed."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        """Record a problem that makes the file unusable."""
        self.problems.append(Problem(self.source, line, message))

    def warn(self, line: int, message: str) -> None:
        """Record a problem the digest can live with."""
        self.problems.append(Problem(self.source, line, message, warning=True))

    @property
    def failed(self) -> bool:
        """Whether any error (not just warnings) was recorded."""
        return any(not p.warning for p in self.problems)
