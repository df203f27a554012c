"""The delivery engine: tasks in a Redis Stream, shared by a pool of senders per process.

``Outbox`` enqueues (``outbox.py``), ``SenderPool`` sends (``sender.py``) under the global
token bucket and per-chat pacing (``ratelimit.py``), and every outcome is counted per push
(``progress.py``). ``docs/delivery.md`` explains the whole path and its guarantees.
"""
