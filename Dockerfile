# briefbot: one image for `briefbot run`, `briefbot worker` and `briefbot push`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BRIEFBOT_DATA_DIR=/data \
    DIGEST_DIR=/digests

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY sandbox ./sandbox
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 briefbot \
    && mkdir -p /data /digests \
    && chown briefbot /data
COPY examples/digests /digests

USER briefbot
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["briefbot"]
CMD ["run"]
