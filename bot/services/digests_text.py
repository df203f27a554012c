"""The admin's digest list as text in a language (``/digests``, ``briefbot digests list``)."""

from __future__ import annotations

from bot.i18n import t
from bot.services.digests_admin import DigestList


def digests_text(digests: DigestList, lang: str) -> str:
    """One line per current digest, then the removed ones."""
    if not digests.current and not digests.removed:
        return t(lang, "bot.digests.none")
    lines = [t(lang, "bot.digests.header")]
    lines += [
        t(
            lang,
            "bot.digests.row",
            date=row.date,
            title=row.title,
            items=row.items,
            versions=row.versions,
            delivered=row.delivered,
        )
        for row in digests.current
    ]
    if digests.removed:
        lines += ["", t(lang, "bot.digests.removed_header")]
        lines += [
            t(lang, "bot.digests.removed_row", date=r.date, version=r.content_hash[:12], who=r.who)
            for r in digests.removed
        ]
    return "\n".join(lines)
