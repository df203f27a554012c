"""The digest: its model, the Markdown parser, inline markup and per-item categories."""
