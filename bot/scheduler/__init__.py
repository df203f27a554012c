"""The scheduler: one leader process at a time decides who is due and enqueues their push."""
