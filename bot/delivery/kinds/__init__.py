"""The kinds of delivery task the engine carries, each registered by name.

A kind says how its task is decoded from the outbox and what one step of it does, using
the engine's shared machinery (``bot.delivery.senders.deliverer.Deliverer``: claims,
send slots, sending, failure handling, dead letters). ``push`` is the first kind; the
admin side adds a broadcast and a correction (edit) kind with ``KINDS.register`` without
touching the engine.
"""
