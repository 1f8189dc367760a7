# syntax=docker/dockerfile:1
# One image recipe for every Bansō service; the service is a build argument.
#
# Build from the repository root (the uv workspace is the build context):
#   docker build --build-arg SERVICE=scoring --build-arg PORT=8002 -t banso/scoring:dev .
# SERVICE: ingest (8001; the image also carries the `banso` command-line tool, which the
# topic-creation job and operators use), scoring (8002), bridge (8003), notify (8004), console
# (8000; its front-end assets from npm and its message catalogues are built into the image, so
# it serves everything itself and needs nothing from a CDN). The ingest image also carries
# ingest's compiled pass (services/ingest_core, Rust), built here with maturin; INGEST_CORE=pure
# turns it off at run time.
# deploy/compose/docker-compose.yml builds all five this way.

ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9
ARG NODE_IMAGE=node:22-bookworm-slim
# Rust 1.85 or newer (the crates in Cargo.lock); bookworm, as the runtime, for the same glibc.
ARG RUST_IMAGE=rust:1.95.0-slim-bookworm
# The build backend that compiles the pass (`uv.lock` pins no build backend).
ARG MATURIN_VERSION=1.16.0

FROM ${UV_IMAGE} AS uv

# ---- assets: the console's htmx and Chart.js from package-lock.json (empty for the others) ----
FROM ${NODE_IMAGE} AS assets
ARG SERVICE
WORKDIR /assets
COPY services/console/package.json services/console/package-lock.json ./
RUN mkdir -p node_modules \
    && if [ "${SERVICE}" = console ]; then \
         npm ci --omit=dev --no-audit --no-fund --loglevel=error; \
       else \
         rm package.json package-lock.json; \
       fi

# ---- core: ingest's compiled pass as an abi3 wheel built with maturin (empty for the others) ----
FROM ${RUST_IMAGE} AS core
ARG SERVICE
ARG MATURIN_VERSION
COPY --from=uv /uv /usr/local/bin/uv
WORKDIR /core
COPY services/ingest_core/pyproject.toml services/ingest_core/Cargo.toml services/ingest_core/Cargo.lock ./
COPY services/ingest_core/src src
COPY services/ingest_core/banso_ingest_core banso_ingest_core
# Debian's python3 only runs the build backend (the wheel is abi3: any CPython >= 3.11); the
# image tag fixes the Debian release it comes from.
# hadolint ignore=DL3008
RUN mkdir -p /wheels \
    && if [ "${SERVICE}" = ingest ]; then \
         apt-get update \
         && apt-get install -y --no-install-recommends python3 \
         && rm -rf /var/lib/apt/lists/* \
         && echo "maturin==${MATURIN_VERSION}" > /tmp/build-constraints.txt \
         && UV_PYTHON_DOWNLOADS=never uv build --wheel --python python3 \
              --build-constraints /tmp/build-constraints.txt --out-dir /wheels .; \
       fi

# ---- builder: resolve from uv.lock only, install Bansō's packages as wheels ----
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ARG PORT
RUN case "${SERVICE}:${PORT}" in \
      ingest:8001|scoring:8002|bridge:8003|notify:8004|console:8000) ;; \
      *) echo "build with --build-arg SERVICE=ingest|scoring|bridge|notify|console and its" \
           "PORT (8001|8002|8003|8004|8000), not '${SERVICE}:${PORT}'" >&2; exit 1 ;; \
    esac
COPY --from=uv /uv /usr/local/bin/uv
# Bytecode is compiled here because the runtime filesystem is read-only; the interpreter is the
# base image's, never one uv downloads, so the venv works unchanged in the runtime stage.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src

# uv needs every workspace member's pyproject.toml to read the workspace, even the ones it does
# not install. Third-party dependencies get their own layer, rebuilt only when uv.lock changes.
# The ingest image also installs the CLI (which depends on banso-ingest anyway).
COPY pyproject.toml uv.lock ./
COPY contracts/pyproject.toml contracts/
COPY services/kit/pyproject.toml services/kit/
COPY services/ingest/pyproject.toml services/ingest/
COPY services/ingest_core/pyproject.toml services/ingest_core/
COPY services/scoring/pyproject.toml services/scoring/
COPY services/bridge/pyproject.toml services/bridge/
COPY services/notify/pyproject.toml services/notify/
COPY services/console/pyproject.toml services/console/
COPY cli/pyproject.toml cli/
COPY sim/pyproject.toml sim/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package banso-${SERVICE} \
      $([ "${SERVICE}" = ingest ] && echo --package banso-cli)

# Non-editable, so the runtime stage needs the virtual environment and nothing from /src.
COPY contracts/banso_contracts contracts/banso_contracts
COPY services/kit/banso_kit services/kit/banso_kit
COPY services/${SERVICE}/banso_${SERVICE} services/${SERVICE}/banso_${SERVICE}
COPY cli/banso_cli cli/banso_cli
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package banso-${SERVICE} \
      $([ "${SERVICE}" = ingest ] && echo --package banso-cli)
# Ingest's compiled pass, from the core stage (no dependencies of its own; nothing to fetch).
COPY --from=core /wheels /wheels
RUN if [ "${SERVICE}" = ingest ]; then \
      uv pip install --python /app/.venv/bin/python --no-deps --no-index /wheels/*.whl; \
    fi
# The console's message catalogues (the .po files in git), compiled into the installed package.
RUN if [ "${SERVICE}" = console ]; then \
      /app/.venv/bin/pybabel compile --statistics -d "$(/app/.venv/bin/python -c \
        'import banso_console.config as c; print(c.PACKAGE / "translations")')"; \
    fi

# ---- runtime: the interpreter, the virtual environment, an unprivileged user ----
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
RUN groupadd --system --gid 10001 banso \
    && useradd --system --uid 10001 --gid banso --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin banso \
    && mkdir -p /data \
    && chown banso:banso /data
# Owned by root and read-only for the service user: the code cannot be changed at run time.
COPY --from=builder /app/.venv /app/.venv
COPY --from=assets /assets /app/assets
# BANSO_HOST and BANSO_PORT stand in for <SERVICE>_HOST and <SERVICE>_PORT when those are not
# set (banso_kit.serve): reachable from outside the container, on the documented port.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BANSO_ENV=production \
    BANSO_DATA_DIR=/data \
    BANSO_SERVICE=${SERVICE} \
    BANSO_HOST=0.0.0.0 \
    BANSO_PORT=${PORT} \
    CONSOLE_ASSETS_DIR=/app/assets/node_modules
WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}
# /healthz only says the process is alive; Kafka or the database being away is /readyz's business.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; port = os.environ.get(os.environ['BANSO_SERVICE'].upper() + '_PORT', os.environ['BANSO_PORT']); urllib.request.urlopen('http://127.0.0.1:%s/healthz' % port, timeout=2)"
# exec: the service is PID 1 and gets the container's SIGTERM.
CMD ["sh", "-c", "exec banso-\"$BANSO_SERVICE\""]
