"""The delivery engine: tasks in a Redis Stream, shared by a pool of senders per process.

Grouped by concern:
- ``queue/``: the outbox stream and what travels in it (tasks, their progress, dead
  letters, the audience of a push) and the tasks one process holds;
- ``senders/``: the sender pool, one delivery step (``Deliverer``), the Bot API calls,
  send failures, the rendered variants, admin alerts;
- ``limits/``: the global rate and per-chat pacing every process obeys.

``docs/delivery.md`` explains the whole path and its guarantees.
"""
