"""The YAML front matter of a digest, with line numbers.

The block is found with python-frontmatter's delimiter and loaded with the restricted
loader of ``bot.digest.yaml_loader``: every value is text (or a list of text), so an
impossible date or a number as a title is a clear problem at its line rather than a YAML
constructor error, and no input can make loading explode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from frontmatter.default_handlers import YAMLHandler

from bot.digest.errors import ProblemCollector, excerpt
from bot.digest.yaml_loader import load_front_matter

# python-frontmatter's own delimiter (a line of three or more dashes), matched per line.
_DELIMITER = YAMLHandler.FM_BOUNDARY
_KNOWN_KEYS = frozenset({"title", "date", "categories"})
_LIST_SEPARATORS = re.compile(r"[,，、]")


@dataclass(frozen=True)
class FrontMatter:
    """What the front matter says, and where the body starts (1-based line)."""

    title: str
    date: str
    published_at: str | None
    categories: tuple[str, ...]
    body_start: int
    date_line: int


def read_front_matter(lines: list[str], problems: ProblemCollector) -> FrontMatter | None:
    """The front matter of the file ``lines``; None if there is none to read.

    Problems go to ``problems``; a missing or invalid title or date is recorded there and
    left empty here, so the caller can go on to report the body's problems too.
    """
    if not lines or not _DELIMITER.match(lines[0]):
        problems.error(
            1,
            "missing front matter: the file must start with a '---' line, then title, date "
            "and categories, then '---'",
        )
        return None
    end = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
    if end is None:
        problems.error(1, "the front matter opened at line 1 is never closed with '---'")
        return None
    block = "\n".join(lines[1:end])
    try:
        data, key_lines = load_front_matter(block)
    except yaml.YAMLError as error:
        line, message = _yaml_problem(error, block)
        problems.error(line, f"front matter is not valid YAML: {message}")
        return None
    if not isinstance(data, dict):
        problems.error(2, "front matter must be 'key: value' lines (title, date, categories)")
        return None

    def line_of(key: str) -> int:
        return key_lines[key] + 2 if key in key_lines else 1

    for key in sorted(set(map(str, data)) - _KNOWN_KEYS):
        problems.warn(line_of(key), f"front matter key '{excerpt(key)}' is not used")
    title = _title(data.get("title"), line_of("title"), problems)
    day, published_at = _date(data.get("date"), line_of("date"), problems)
    categories = _categories(data.get("categories"), line_of("categories"), problems)
    # Invalid fields are recorded problems; the body is still read so every problem shows.
    return FrontMatter(title or "", day or "", published_at, categories, end + 2, line_of("date"))


def _title(value: object, line: int, problems: ProblemCollector) -> str | None:
    if value is None:
        problems.error(line, "front matter has no 'title'")
        return None
    if (
        not isinstance(value, str | int | float)
        or isinstance(value, bool)
        or not str(value).strip()
    ):
        problems.error(line, f"'title' must be a line of text, not {excerpt(repr(value))}")
        return None
    return str(value).strip()


def _date(value: object, line: int, problems: ProblemCollector) -> tuple[str | None, str | None]:
    """The digest's date (YYYY-MM-DD in its own offset) and the full timestamp, if given."""
    if value is None:
        problems.error(line, "front matter has no 'date' (YYYY-MM-DD or an ISO datetime)")
        return None, None
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat(), None
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        problems.error(
            line,
            f"invalid date '{excerpt(text)}' ({error}); write YYYY-MM-DD or an ISO datetime with "
            "offset such as 2025-07-21T09:13:28+08:00",
        )
        return None, None
    if moment.tzinfo is None:
        problems.warn(
            line, f"date '{excerpt(text)}' has no UTC offset; its calendar date is used as is"
        )
    return moment.date().isoformat(), moment.isoformat()


def _categories(value: object, line: int, problems: ProblemCollector) -> tuple[str, ...]:
    if value is None:
        problems.warn(line, "front matter has no 'categories'; /category will find nothing")
        return ()
    if isinstance(value, str):
        if _LIST_SEPARATORS.search(value):
            problems.error(
                line,
                f"categories '{excerpt(value)}' looks like several names in one string; "
                "write a list: [name, name]",
            )
            return ()
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.error(line, "'categories' must be a list of names or a single name")
        return ()
    names: list[str] = []
    for name in (v.strip() for v in value):
        if name in names:
            problems.warn(line, f"category '{excerpt(name)}' is listed twice")
        else:
            names.append(name)
    return tuple(names)


def _yaml_problem(error: yaml.YAMLError, block: str) -> tuple[int, str]:
    """The file line (the block starts at line 2) and the message of a YAML error.

    A construct left open (a quote, a bracket) is only noticed at the end of the block; the
    line that opened it is where the editor has to look, so that one is reported.
    """
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        problem = error.problem or str(error)
        opened, found = error.context_mark, error.problem_mark
        at_end = found.line >= block.count("\n")
        if error.context and opened is not None and at_end and opened.line < found.line:
            return 2 + opened.line, f"{problem} ({error.context} that starts on this line)"
        return 2 + found.line, problem
    bad = _NON_PRINTABLE.search(block)
    if bad is not None:  # what a ReaderError is about, which has no line of its own
        line = 2 + block.count("\n", 0, bad.start())
        return line, f"the control character U+{ord(bad.group()):04X} is not allowed"
    return 1, str(error)


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
