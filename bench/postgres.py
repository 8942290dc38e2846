"""The query benchmark on PostgreSQL/PostGIS with 1,000,000 interventions (issue 7, item 4).

Creates the database `neetmap_bench` (dropped at the end unless --keep), fills it by COPY,
serves it with `neetmap serve --workers 2` and times the same requests as bench.query_api,
with one client and with two. --explain prints EXPLAIN ANALYZE of the SQL behind each kind.
Targets: p95 < 100 ms for filtered list pages, < 200 ms for the filtered choropleth.

    python -m bench.postgres [-n 1000000] [--workers 2] [--keep] [--reuse] [--explain]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from api.filtering.params import InterventionQuery
from bench.harness import machine, prepare, rss_mb, serve, table
from bench.point_lookup import catalogue_of, random_points
from bench.queries import workload
from bench.query_api import COUNTS, latency_rows, run_queries, targets_for
from bench.synthetic import generate
from models.engine import create_db_engine
from models.geography.catalogue import AreaCatalogue
from models.interventions.queries import list_interventions
from models.research.areas import count_by_area

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_LIST_MS = 100.0
TARGET_CHOROPLETH_MS = 200.0


def database_url(admin_url: str, name: str) -> str:
    host = admin_url.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgresql+psycopg://{host}/{name}"


def interventions_in(url: str) -> int:
    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM intervention").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return -1


def recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and parameters) an engine runs inside the block."""
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(url: str, catalogue: AreaCatalogue) -> None:
    """EXPLAIN ANALYZE of the statements behind a filtered list page and a filtered choropleth."""
    engine = create_db_engine(url)
    kinds: dict[str, tuple[InterventionQuery, Callable[[Session, Any], object]]] = {
        "list, 3 filters": (
            InterventionQuery(target_group=["send"], intervention_type=["mentoring"], region=["E12000003"]),
            lambda s, f: list_interventions(s, f, limit=50, offset=0),
        ),
        "list, bbox": (
            InterventionQuery(bbox="-2.0,52.3,-1.5,52.6"),
            lambda s, f: list_interventions(s, f, limit=50, offset=0),
        ),
        "areas level=la + filter": (
            InterventionQuery(target_group=["send"]),
            lambda s, f: count_by_area(s, f, "la"),
        ),
    }  # fmt: skip
    try:
        for kind, (query, run) in kinds.items():
            with Session(engine) as session:
                flt = query.resolve(session, catalogue).filter
                with captured(engine) as statements:
                    run(session, flt)
                for statement, params in statements:
                    if not statement.lstrip().upper().startswith("SELECT"):
                        continue
                    plan = session.connection().exec_driver_sql(
                        f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params
                    )
                    lines = [row[0] for row in plan]
                    print(f"\n--- {kind}: {' '.join(statement.split())[:160]}...")
                    print(
                        "\n".join(lines[:25] + (["  ..."] if len(lines) > 27 else []) + lines[-2:])
                    )
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="synthetic interventions")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="a database to connect to first")
    parser.add_argument("--db", default="neetmap_bench", help="the benchmark database's name")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse", action="store_true", help="keep a database that has >= n rows")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()
    url = database_url(args.admin_url, args.db)
    try:
        if not (args.reuse and interventions_in(url) >= args.n):
            recreate(args.admin_url, args.db)
            prepare(url)
            start = time.perf_counter()
            generate(create_db_engine(url), args.n)
            print(
                f"generated {args.n:,} interventions by COPY in {time.perf_counter() - start:.0f} s"
            )
        prepare(url)  # a reused database is brought to the newest migration
        catalogue = catalogue_of(url)
        if args.explain:
            explain(url, catalogue)
        paths = workload(random_points(catalogue, 2000), COUNTS)
        targets = targets_for(list(COUNTS), TARGET_LIST_MS, TARGET_CHOROPLETH_MS)
        rows: list[list[object]] = []
        with serve(url, workers=args.workers) as server:
            for clients in (1, args.workers):
                for row in latency_rows(args.n, run_queries(server.base, paths, clients), targets):
                    rows.append([f"{clients}", *row[1:]])
            rss = rss_mb(server.process.pid)
    finally:
        if not args.keep:
            recreate(args.admin_url, args.db, drop_only=True)
    print(
        f"\nPostgreSQL 15 + PostGIS, {args.n:,} interventions, `neetmap serve --workers {args.workers}`"
    )
    print(f"Measured on {machine()}")
    print(table(["clients", "query", "n", "p50 ms", "p95 ms", "max ms", "KB", "p95 target", "met"], rows))  # fmt: skip
    print(
        "\nServer memory (MB), supervisor and workers: "
        + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
    )
    with psycopg.connect(args.admin_url) as conn:
        shared = conn.execute(text("SHOW shared_buffers").text).fetchone()
    print(f"PostgreSQL shared_buffers: {shared[0] if shared else '?'} (server defaults, not tuned)")


if __name__ == "__main__":
    main()
