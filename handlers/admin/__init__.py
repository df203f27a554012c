"""The admin side's commands and buttons: one module per job, merged into one ``AREA``.

Declare each admin command as ``Command(name, callback, audience=Audience.ADMINS)`` and
each admin button as ``Button(action, handler, audience=Audience.ADMINS)`` in the module's
own ``AREA``, and add that area to ``AREA`` below: the admin filter (``ADMIN_IDS``, in the
admin's private chat) is applied for you, a non-admin gets exactly the unknown-command
answer (or the invalid-button alert, audited), and the commands appear only in the
admins' own command menus and ``/help``.
"""

from __future__ import annotations

from handlers.admin import (
    audit,
    broadcast,
    channels,
    corrections,
    digests,
    preview,
    push,
    stats,
    whoami,
)
from handlers.declarations import merged

AREA = merged(
    broadcast.AREA,
    push.AREA,
    preview.AREA,
    corrections.AREA,
    stats.AREA,
    digests.AREA,
    channels.AREA,
    audit.AREA,
    whoami.AREA,
)
