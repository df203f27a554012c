"""``Stats`` as text in a language: what ``/stats`` answers and ``briefbot stats`` prints
(plain text; Telegram shows it escaped)."""

from __future__ import annotations

from bot.i18n import t
from bot.services.stats import Stats


def stats_text(stats: Stats, lang: str) -> str:
    """Subscribers, the push, reads per item and the trend, one block each."""
    subs, push = stats.subscribers, stats.push
    languages = " · ".join(f"{name} {count}" for name, count in stats.languages.items()) or "-"
    lines = [
        t(lang, "bot.stats.header", date=stats.date),
        t(lang, "bot.stats.subscribers", **subs),
        t(lang, "bot.stats.languages", languages=languages),
        t(
            lang,
            "bot.stats.push",
            delivered=push.delivered,
            failed=push.failed,
            blocked=push.blocked,
            pending=push.pending,
        ),
        "",
        t(lang, "bot.stats.items"),
    ]
    lines += [
        t(
            lang,
            "bot.stats.item",
            number=item.number,
            title=item.title,
            reads=item.reads,
            percent=f"{item.rate:.0%}",
        )
        for item in stats.items
    ]
    lines += ["", t(lang, "bot.stats.trend")]
    lines += [
        t(lang, "bot.stats.day", date=day.date, delivered=day.delivered, reads=day.reads)
        for day in stats.trend
    ]
    return "\n".join(lines)
