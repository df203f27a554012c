"""Corrections: a digest already delivered changed; what readers see differs (``diff``),
which delivered messages show a changed part and what they become (``plan``; posts in
connected channels: ``channel_plan``), and
applying it (``service``): the corrected version stored, one edit task per affected
chat (``bot.delivery.kinds.edit``)."""
