"""Markdown digest files → ``Digest``, or a ``DigestError`` listing every problem as path:line.

The format (docs/digest.md): YAML front matter (``title``, ``date``, ``categories``), an
intro, numbered items ``N. [headline](url)`` (or ``N. **headline**``) each followed by
summary paragraphs, optional ``分类：`` tag lines, then optionally a commentary section under
any heading. ``---`` rules are allowed anywhere between blocks.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from bot.digest.body import Paragraph, RawItem, read_body
from bot.digest.categories import CategoryRules
from bot.digest.errors import DigestError, Problem, ProblemCollector, excerpt
from bot.digest.front_matter import FrontMatter, read_front_matter
from bot.digest.inline import Node, Span, Text, links, parse_inline, plain_text
from bot.digest.model import Commentary, Digest, Item

__all__ = [
    "load_digest",
    "load_digest_with_warnings",
    "parse_digest",
    "parse_digest_bytes",
    "parse_digest_with_warnings",
]

_TAG_SEPARATORS = re.compile(r"[,，、;；/|]+|\s+#")
_DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHEMES = frozenset({"http", "https"})
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A digest is tens of kilobytes; anything far larger is a mistake (a wrong URL serving a
# video, a log file saved as .md) and is refused without being parsed.
MAX_DIGEST_BYTES = 2_000_000


def parse_digest(text: str, source: str, rules: CategoryRules | None = None) -> Digest:
    """The digest in ``text`` (``source`` names it in problems); raises ``DigestError``."""
    return parse_digest_with_warnings(text, source, rules)[0]


def parse_digest_with_warnings(
    text: str, source: str, rules: CategoryRules | None = None
) -> tuple[Digest, tuple[Problem, ...]]:
    """The digest and its warnings; ``DigestError`` (errors and warnings) if it has errors."""
    problems = ProblemCollector(source)
    rules = rules or CategoryRules.default()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:  # only a caller's str can hold one; no bytes decode to it
        line = text.count("\n", 0, surrogate.start()) + 1
        raise DigestError([Problem(source, line, "not UTF-8 text (a lone surrogate)")])
    lines = text.split("\n")
    front = read_front_matter(lines, problems)
    if front is None:
        raise DigestError(problems.problems)
    _check_file_name(source, front, problems)
    body = read_body(lines, front.body_start, problems)
    if not body.items:
        problems.error(
            front.body_start,
            "no numbered items (expected lines like '1. [headline](https://...)')",
        )
    _check_numbers(body.items, problems)
    items = tuple(_build_item(raw, front.categories, rules, problems) for raw in body.items)
    intro = tuple(_checked(p, problems)[0] for p in body.intro)
    commentary = None
    if body.commentary_heading is not None:
        line, heading = body.commentary_heading
        if not body.commentary:
            problems.warn(line, f"commentary heading '{excerpt(heading)}' has no text under it")
        paragraphs = tuple(_checked(p, problems)[0] for p in body.commentary)
        commentary = Commentary(heading, paragraphs)
    if problems.failed:
        raise DigestError(problems.problems)
    digest = Digest.build(
        date=front.date,
        title=front.title,
        categories=front.categories,
        intro=intro,
        items=items,
        commentary=commentary,
        source=source,
        published_at=front.published_at,
    )
    return digest, tuple(sorted(problems.problems, key=lambda problem: problem.line))


def load_digest(path: Path, rules: CategoryRules | None = None) -> Digest:
    """The digest in the file at ``path``; unreadable or non-UTF-8 files are a ``DigestError``."""
    return load_digest_with_warnings(path, rules)[0]


def load_digest_with_warnings(
    path: Path, rules: CategoryRules | None = None
) -> tuple[Digest, tuple[Problem, ...]]:
    """``parse_digest_bytes`` of the file at ``path``, read once."""
    source = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_DIGEST_BYTES + 1)
    except OSError as error:
        raise DigestError([Problem(source, 0, f"cannot read: {error.strerror or error}")]) from None
    return parse_digest_bytes(data, source, rules)


def parse_digest_bytes(
    data: bytes, source: str, rules: CategoryRules | None = None
) -> tuple[Digest, tuple[Problem, ...]]:
    """``parse_digest_with_warnings`` of raw bytes: too large or non-UTF-8 input is a
    ``DigestError`` too (every source hands its bytes over here)."""
    if len(data) > MAX_DIGEST_BYTES:
        message = f"larger than {MAX_DIGEST_BYTES // 1_000_000} MB, not a digest"
        raise DigestError([Problem(source, 0, message)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DigestError(
            [Problem(source, line, f"not UTF-8 text (byte 0x{data[error.start]:02x})")]
        ) from None
    return parse_digest_with_warnings(text, source, rules)


def _check_file_name(source: str, front: FrontMatter, problems: ProblemCollector) -> None:
    stem = Path(source).stem
    if front.date and _DATE_STEM.match(stem) and stem != front.date:
        problems.warn(
            front.date_line, f"file name says {stem} but the front matter date is {front.date}"
        )


def _check_numbers(items: list[RawItem], problems: ProblemCollector) -> None:
    seen: dict[int, int] = {}
    expected = 1
    for raw in items:
        if raw.number in seen:
            problems.error(
                raw.line,
                f"duplicate item number {raw.number} (item {raw.number} is at line "
                f"{seen[raw.number]})",
            )
        elif raw.number > expected:
            missing = (
                f"item {expected} is missing"
                if raw.number == expected + 1
                else f"items {expected}–{raw.number - 1} are missing"
            )
            problems.error(
                raw.line, f"item {raw.number} comes where item {expected} was due: {missing}"
            )
        elif raw.number < expected:
            problems.error(raw.line, f"item {raw.number} is out of order (item {expected} was due)")
        seen.setdefault(raw.number, raw.line)
        expected = max(expected, raw.number + 1)


def _build_item(
    raw: RawItem, categories: tuple[str, ...], rules: CategoryRules, problems: ProblemCollector
) -> Item:
    title, url = _headline(raw, problems)
    checked = [_checked(p, problems) for p in raw.paragraphs]
    summary = tuple(text for text, _ in checked)
    if not summary:
        problems.warn(raw.line, f"item {raw.number} has no summary")
    if raw.tags:
        tagged: list[str] = []
        for line, value in raw.tags:
            for name in filter(None, (n.strip().lstrip("#") for n in _TAG_SEPARATORS.split(value))):
                category = rules.resolve_in(name, categories)
                if category is None:
                    known = ", ".join(categories) or "none"
                    problems.error(
                        line,
                        f"item {raw.number}: '{excerpt(name)}' is not a category of this "
                        f"digest (its categories: {excerpt(known)})",
                    )
                elif category not in tagged:
                    tagged.append(category)
        item_categories = tuple(tagged)
    else:
        text = " ".join([title, *(plain_text(nodes) for _, nodes in checked)])
        item_categories = rules.categorise(text, categories)
        if categories and not item_categories:
            problems.warn(
                raw.line,
                f"item {raw.number} matches no category rule; /category will not list it "
                "(add a line '分类：NAME' under it)",
            )
    return Item(raw.number, title, url, summary, item_categories)


def _headline(raw: RawItem, problems: ProblemCollector) -> tuple[str, str | None]:
    """The item's plain-text title and its link (if any), from the ``N.`` line."""
    nodes = parse_inline(raw.headline)
    if not raw.headline or not plain_text(nodes).strip():
        problems.error(raw.line, f"item {raw.number} has no headline")
        return "", None
    core = nodes
    while len(core) == 1 and isinstance(core[0], Span) and core[0].tag == "b":
        core = core[0].children
    if len(core) == 1 and isinstance(core[0], Span) and core[0].tag == "a":
        href = core[0].href or ""
        _check_url(href, raw.line, problems)
        return plain_text(core[0].children).strip(), href
    if any(True for _ in links(nodes)):
        problems.error(
            raw.line,
            f"item {raw.number}: the headline mixes a link with other text; write "
            "'N. [headline](url)' and put the rest in the summary",
        )
    elif len(nodes) > 1 and not all(isinstance(n, Text) for n in nodes):
        problems.warn(raw.line, f"item {raw.number}: formatting inside the headline is dropped")
    return plain_text(nodes).strip(), None


def _checked(paragraph: Paragraph, problems: ProblemCollector) -> tuple[str, tuple[Node, ...]]:
    """The paragraph's source text and its inline tree, after checking every link in it."""
    text = paragraph.text()
    nodes = parse_inline(text)
    for href in links(nodes):
        _check_url(href, paragraph.line, problems)
    return text, nodes


def _check_url(href: str, line: int, problems: ProblemCollector) -> None:
    shown = excerpt(href)
    try:
        parts = urlsplit(href)
    except ValueError as error:  # a bracketed host that is no IPv6 address, a bad netloc
        problems.error(line, f"link '{shown}' is not a valid URL ({excerpt(str(error))})")
        return
    if parts.scheme.lower() not in _SCHEMES:
        scheme = f"scheme '{excerpt(parts.scheme)}'" if parts.scheme else "no scheme"
        problems.error(line, f"link '{shown}' has {scheme}; only http and https links are allowed")
    elif not parts.netloc:
        problems.error(line, f"link '{shown}' has no host")
