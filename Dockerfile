# syntax=docker/dockerfile:1
# Production image: migrations then the API. Configure with NEETMAP_* variables
# (NEETMAP_DATABASE_URL=postgresql+psycopg://... for PostGIS).

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/neetmap
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY models ./models
COPY geodata ./geodata
COPY alembic ./alembic
RUN /opt/neetmap/bin/pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/neetmap/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEETMAP_DATABASE_URL=sqlite:////data/neetmap.db \
    NEETMAP_CACHE_DIR=/data/cache
RUN useradd --system --uid 10001 --home-dir /data --create-home neetmap
COPY --from=build /opt/neetmap /opt/neetmap
USER 10001:10001
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["sh", "-c", "neetmap db upgrade && exec neetmap serve --host 0.0.0.0 --port 8000 --workers ${NEETMAP_WORKERS:-2}"]
