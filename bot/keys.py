"""Every Redis key briefbot uses is built here, and only here.

All keys live under one configurable prefix (``BRIEFBOT_PREFIX``) so that several bots,
or a test run, can share one Redis server without touching each other. The prefix is
written in braces, ``{briefbot}:sub:42``: Redis Cluster hashes only the part in braces (a
hash tag), so every key of one bot lands in one slot and every multi-key script and
transaction works there, while bots with other prefixes spread over the nodes. The table
in ``docs/redis.md`` lists each key, its type and its meaning; keep the two in step.

Parts are validated when a key is packed: a part that contains the separator would make
two different keys collide, so it is refused instead of silently accepted.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

SEPARATOR = ":"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMBIGUOUS = re.compile(rf"[\s{re.escape(SEPARATOR)}]")
# A brace in the prefix would move the hash tag (Redis hashes from the first "{" to the
# first "}" after it), so two prefixes could share a slot or one bot's keys split.
_BRACES = re.compile(r"[{}]")


class InvalidKeyPart(ValueError):
    """A key part that would make the key ambiguous (contains the separator, or is empty)."""


def _part(value: str | int) -> str:
    if type(value) is int:  # digits and a sign, never ambiguous: the senders' hot path
        return str(value)
    return _text_part(str(value))


# A sender packs about seven keys per delivery from the same few texts ("sub", "sent", a
# date, a push id): each is checked once. A refused part raises, and is never cached.
@functools.lru_cache(maxsize=4096)
def _text_part(text: str) -> str:
    # One precompiled search instead of a per-character loop: imports and reschedules
    # pack hundreds of thousands of keys.
    if not text or _AMBIGUOUS.search(text):
        raise InvalidKeyPart(f"invalid key part {text!r}")
    return text


@functools.lru_cache(maxsize=64)  # a sender checks the same few dates per delivery
def _date(value: str) -> str:
    if not _DATE.match(value):
        raise InvalidKeyPart(f"invalid digest date {value!r}, expected YYYY-MM-DD")
    return value


@dataclass(frozen=True)
class Keys:
    """Builds key names under ``prefix``. One instance per store; cheap to copy."""

    prefix: str

    def __post_init__(self) -> None:
        if _BRACES.search(_part(self.prefix)):
            raise InvalidKeyPart(f"invalid key prefix {self.prefix!r}: no braces")

    @functools.cached_property
    def tag(self) -> str:
        """The hash tag every key starts with: the prefix in braces."""
        return f"{{{self.prefix}}}"

    def pattern(self) -> str:
        """The SCAN ``MATCH`` pattern of every key of this bot (braces are literal there)."""
        return f"{self.tag}{SEPARATOR}*"

    def _key(self, *parts: str | int) -> str:
        return SEPARATOR.join([self.tag, *map(_part, parts)])

    # --- subscribers -------------------------------------------------------------------
    def subscriber(self, chat_id: int) -> str:
        """hash: one subscriber's status and settings."""
        return self._key("sub", int(chat_id))

    def subscribers(self) -> str:
        """sorted set: every known chat id, all with score 0, so ZRANGEBYLEX pages through
        them in a stable order (no duplicates, unlike ZSCAN); the index that export,
        broadcast and statistics iterate instead of KEYS."""
        return self._key("subs")

    def due(self) -> str:
        """sorted set: active chat id -> next push instant (UTC epoch seconds)."""
        return self._key("due")

    # --- digests -----------------------------------------------------------------------
    def digest(self, date: str) -> str:
        """hash: the parsed digest of one date (JSON), its content hash and version."""
        return self._key("digest", _date(date))

    def digest_versions(self, date: str) -> str:
        """hash: content hash -> digest JSON of every version ever stored for a date, so
        what was delivered stays identifiable after a correction."""
        return self._key("digest", _date(date), "versions")

    def corrections(self, date: str) -> str:
        """hash: content hash -> state (``pending`` / ``applied`` / ``ignored``) of each
        changed version of an already delivered date that waited for an admin."""
        return self._key("digest", _date(date), "corrections")

    def digests_removed(self) -> str:
        """hash: digest date -> JSON {hash, at, who} of a digest an admin removed (its
        versions stay in ``digest_versions`` for the audit); the same file is not stored
        again, a changed one is."""
        return self._key("digests", "removed")

    def digest_dates(self) -> str:
        """sorted set: every stored digest date (score = days since 1970-01-01)."""
        return self._key("digests")

    # --- read state --------------------------------------------------------------------
    def read(self, chat_id: int, date: str) -> str:
        """set: item numbers this chat has opened in the digest of ``date``."""
        return self._key("read", int(chat_id), _date(date))

    def read_counts(self, date: str) -> str:
        """hash: item number -> how many distinct readers opened it (statistics)."""
        return self._key("readcount", _date(date))

    # --- delivery ----------------------------------------------------------------------
    def sent(self, date: str) -> str:
        """hash: chat id -> JSON {message ids, content hash}: the idempotency ledger of a
        push and what a correction edits."""
        return self._key("sent", _date(date))

    def edits(self, date: str, content_hash: str) -> str:
        """hash: chat id -> JSON entry (claimed, then sent) of the correction of ``date`` to
        the version ``content_hash``: the idempotency ledger of its message edits."""
        return self._key("edits", _date(date), _part(content_hash))

    def outbox(self) -> str:
        """stream (consumer group ``senders``): delivery tasks shared by every process."""
        return self._key("outbox")

    def dead_letters(self) -> str:
        """stream: tasks that failed after every retry, kept for the admins."""
        return self._key("deadletter")

    def bucket(self) -> str:
        """string with expiry: the global send schedule of the Lua rate limiter (the next
        free slot, Redis clock in microseconds), shared by every process."""
        return self._key("bucket")

    def sends(self) -> str:
        """sorted set with expiry: the send slots of the last two seconds (member: the
        slot's instant) scored by when each was sent, so a late send moves the slots a
        second after it; shared by every process."""
        return self._key("sends")

    def send_rate(self) -> str:
        """hash with expiry: the shared send rate after a 429 lowered it (rate, knee, at);
        absent while every process sends at the configured rate."""
        return self._key("sendrate")

    def flood_pause(self) -> str:
        """string with expiry: set on a 429; every sender waits until it expires."""
        return self._key("floodpause")

    def chat_pace(self, chat_id: int) -> str:
        """string with expiry: the earliest instant (Redis clock, microseconds) the next
        message to a chat may go; per-chat pacing shared by every process."""
        return self._key("pace", int(chat_id))

    def push_progress(self, push_id: str) -> str:
        """hash with expiry: counters of one push (enqueued, sent, failed, blocked,
        skipped), so ``briefbot push --wait`` and any process can report its progress."""
        return self._key("push", _part(push_id))

    def alert_once(self, dedupe_key: str) -> str:
        """string with expiry: set (NX) by the first process that alerts the admins about
        ``dedupe_key`` (any text; the key holds its SHA-256), so an alert goes out once
        however many processes hit the problem."""
        return self._key("alerted", hashlib.sha256(dedupe_key.encode()).hexdigest())

    def scheduler_lease(self) -> str:
        """string with expiry: the id of the one process that schedules pushes."""
        return self._key("lease", "scheduler")

    # --- the admin side ------------------------------------------------------------------
    def audit(self) -> str:
        """stream (capped): the audit log of admin actions and refused admin attempts."""
        return self._key("audit")

    def broadcast(self, broadcast_id: str) -> str:
        """hash with expiry: one broadcast: its HTML text, audience filters, state
        (draft, sending, cancelled), who made it, the admin's status message."""
        return self._key("broadcast", _part(broadcast_id))

    def broadcast_sent(self, broadcast_id: str) -> str:
        """hash with expiry: chat id -> JSON ledger entry (claimed, then sent) of one
        broadcast: at most one copy per reader, across every sender process."""
        return self._key("broadcast", _part(broadcast_id), "sent")

    def admin_languages(self) -> str:
        """hash: admin user id -> the Telegram ``language_code`` their app sent last, the
        language of their alerts when they have no subscriber record of their own."""
        return self._key("adminlang")

    def confirmation(self, token: str) -> str:
        """string with expiry: JSON {action, date, who} of an admin action waiting for
        its confirm button; taken (deleted) by the first press, so a replayed button finds
        nothing."""
        return self._key("confirm", _part(token))

    def broadcasts(self) -> str:
        """sorted set: broadcast id -> creation instant (epoch seconds): the newest one is
        what ``/broadcast status`` and ``/broadcast cancel`` act on."""
        return self._key("broadcasts")

    # --- channels and groups the digest is posted to ---------------------------------
    def channel(self, chat_id: int) -> str:
        """hash: one connected channel or group: title, @username, posting time, zone,
        format, language, status (active, paused), who connected it, the last post."""
        return self._key("channel", int(chat_id))

    def channels(self) -> str:
        """sorted set: chat id -> when it was connected (epoch seconds): the list
        ``/channels`` shows and the scheduler plans posts from."""
        return self._key("channels")

    def channel_planned(self, chat_id: int) -> str:
        """string: the last digest date whose post to this channel was enqueued (``SET
        ... GET`` swaps it, so each date is planned once whatever the ticks)."""
        return self._key("channel", int(chat_id), "planned")

    # --- scheduling and digest sources -------------------------------------------------
    def waiting(self, date: str) -> str:
        """sorted set: chat id -> give-up instant (UTC epoch seconds) of readers whose push
        time came before the digest of ``date`` did; they get it as soon as it is stored."""
        return self._key("waiting", _date(date))

    def waiting_dates(self) -> str:
        """sorted set: digest date -> latest give-up instant of its waiters; the index the
        scheduler and the URL poller read instead of scanning for ``waiting`` keys."""
        return self._key("waiting")

    def url_validators(self) -> str:
        """hash: digest date -> JSON {etag, last_modified} of the last good fetch of
        ``DIGEST_URL``, so conditional GETs survive a restart."""
        return self._key("urlcache")


# Checks a task's key parts (a date, a batch id) before any key of it is touched, without
# naming a real bot's keys: one instance, not one per task.
CHECK = Keys("check")
