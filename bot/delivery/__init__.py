"""The delivery engine: tasks in a Redis Stream, shared by a pool of senders per process.

Grouped by concern:
- ``queue/``: the outbox as producers see it (``Outbox.enqueue``), the versioned task
  envelope, and the tasks one process holds;
- ``kinds/``: the task-kind registry and the kinds (``push`` first: its task, its step,
  its audience, ``enqueue_push``);
- ``senders/``: the sender pool, the ``Deliverer`` (what every kind shares: send slots,
  sending, failures, dead letters), the Bot API calls, the rendered variants, admin
  alerts, starting senders on their own ``Bot``;
- ``limits/``: the global rate and per-chat pacing every process obeys.

Their Redis side lives in ``bot/store/``. ``docs/delivery.md`` explains the whole path and
its guarantees.
"""
