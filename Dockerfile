# briefbot: one image for every role (`briefbot run`, `worker`, `push`, `migrate-keys`).
# docs/docker.md explains it, and what of it was and was not run on the build machine.
#
# Stage 1 builds briefbot's wheel and collects the wheels of its dependencies, all from
# pyproject.toml: the same package and dependency ranges that `pip install .` installs in
# the README and CI. The final stage installs only those wheels, offline (--no-index), so
# it holds no build backend, no compiler and no source tree.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY sandbox ./sandbox
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BRIEFBOT_DATA_DIR=/data \
    DIGEST_DIR=/digests \
    OPS_PORT=8080
RUN useradd --create-home --uid 10001 --user-group briefbot \
    && mkdir -p /data /digests \
    && chown briefbot:briefbot /data
# The wheels are mounted, not copied: no layer of the final image keeps them.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/briefbot-*.whl
COPY examples/digests /digests

USER 10001:10001
WORKDIR /home/briefbot
# The embedded Redis's append-only file when REDIS_URL is unset (one process per volume).
VOLUME ["/data"]
# The ops endpoint (OPS_PORT: /healthz, /metrics) and, in webhook mode, WEBHOOK_PORT.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
ENTRYPOINT ["briefbot"]
CMD ["run"]
