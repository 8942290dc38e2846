# syntax=docker/dockerfile:1
# Production image: the API and the `neetmap` command line. Configure with NEETMAP_* variables
# (NEETMAP_DATABASE_URL=postgresql+psycopg://... for PostGIS). compose.yaml runs
# `neetmap db prepare` once as its own service and the API with several workers; run alone,
# the image prepares the database, then serves.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/neetmap
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY models ./models
COPY geodata ./geodata
COPY alembic ./alembic
RUN /opt/neetmap/bin/pip install .

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/neetmap/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEETMAP_DATABASE_URL=sqlite:////data/neetmap.db \
    NEETMAP_CACHE_DIR=/data/cache
# pg_dump and pg_restore for `neetmap db backup|restore`: bookworm's 15, the major version of
# the compose file's PostGIS server (pg_dump must not be older than the server). Unpinned:
# Debian stable only ships security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
# /data/cache exists and is the user's, so a named volume mounted there starts writable.
RUN useradd --system --uid 10001 --home-dir /data --create-home neetmap \
    && mkdir /data/cache && chown 10001:10001 /data/cache
COPY --from=build /opt/neetmap /opt/neetmap
USER 10001:10001
WORKDIR /data
EXPOSE 8000
# Healthy means ready: database reachable, schema at head, boundaries loaded (/readyz).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
CMD ["sh", "-c", "neetmap db prepare && exec neetmap serve --host 0.0.0.0 --port 8000 --workers ${NEETMAP_WORKERS:-2}"]
