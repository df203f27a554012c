"""The ops endpoint of every long-running briefbot process: ``/healthz`` and ``/metrics``
on ``OPS_LISTEN:OPS_PORT`` (docs/operations.md)."""
