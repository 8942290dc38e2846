"""Synthetic interventions for benchmarks: N realistic records over the loaded LAs, in bulk.

Records are drawn a batch at a time (bench/records.py) and written with
SQLAlchemy Core executemany on SQLite, or COPY on PostgreSQL; never one ORM object at a time.
It expects a migrated database with boundaries loaded (`prepare` does both).

    python -m bench.synthetic --url sqlite:///bench.db -n 100000
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, Engine, func, insert, select, text

from bench.harness import prepare
from bench.records import Batch, make_batch, read_geography
from models.base import table_of
from models.engine import create_db_engine
from models.interventions.public_version import bump_public_version
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm, Venue

INTERVENTION_COLUMNS = (
    "id", "external_id", "name", "description", "provider", "website", "contact_email",
    "age_min", "age_max", "status", "start_date", "end_date", "outcome_measures",
    "source_document", "source_quote", "source_url", "publication_state", "created_at",
    "updated_at",
)  # fmt: skip


def generate(engine: Engine, n: int, *, seed: int = 0, batch_size: int = 20_000) -> None:
    """Add `n` synthetic interventions (ids after the current maximum), in one transaction."""
    rng = np.random.default_rng(seed)
    geo = read_geography(engine, rng)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        first = int(conn.execute(select(func.coalesce(func.max(table_of(Intervention).c.id), 0))).scalar_one()) + 1  # fmt: skip
        if postgres:
            _skip_foreign_key_triggers(conn)
        for start in range(0, n, batch_size):
            batch = make_batch(rng, geo, first + start, min(batch_size, n - start))
            (_copy if postgres else _insert)(conn, batch)
        bump_public_version(conn)  # Core bulk writes move the public version themselves
        if postgres:
            for table in ("intervention", "venue"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
    # Planner statistics (and on PostgreSQL the visibility map that index-only scans need),
    # as autovacuum would set them a little later on a live database.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))


def _skip_foreign_key_triggers(conn: Connection) -> None:
    """Rows are consistent by construction; skipping 10 M FK checks halves the load time."""
    superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if superuser.scalar_one():
        conn.execute(text("SET LOCAL session_replication_role = replica"))


def _insert(conn: Connection, batch: Batch) -> None:
    conn.execute(insert(table_of(Intervention)), batch.interventions)
    link, term, venue = table_of(InterventionArea), table_of(InterventionTerm), table_of(Venue)
    conn.execute(insert(link), [{"intervention_id": i, "area_code": c} for i, c in batch.areas])
    conn.execute(
        insert(term), [{"intervention_id": i, "dimension": d, "slug": s} for i, d, s in batch.terms]
    )
    if batch.venues:
        conn.execute(
            insert(venue),
            [
                {"intervention_id": i, "name": name, "geom": shapely.Point(xy)}
                for i, name, xy in batch.venues
            ],
        )


def _copy(conn: Connection, batch: Batch) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        columns = ", ".join(INTERVENTION_COLUMNS)
        with cursor.copy(f"COPY intervention ({columns}) FROM STDIN") as copy:
            for row in batch.interventions:
                values = dict(row, outcome_measures=json.dumps(row["outcome_measures"]))
                copy.write_row([values[c] for c in INTERVENTION_COLUMNS])
        _copy_rows(cursor, "intervention_area (intervention_id, area_code)", iter(batch.areas))
        _copy_rows(
            cursor, "intervention_term (intervention_id, dimension, slug)", iter(batch.terms)
        )
        if batch.venues:
            points = shapely.set_srid(shapely.points([xy for *_, xy in batch.venues]), 4326)
            ewkb = shapely.to_wkb(points, hex=True, include_srid=True).tolist()
            rows = ((i, name, g) for (i, name, _), g in zip(batch.venues, ewkb, strict=True))
            _copy_rows(cursor, "venue (intervention_id, name, geom)", rows)


def _copy_rows(cursor: Any, target: str, rows: Iterator[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy database URL")
    parser.add_argument("-n", type=int, required=True, help="interventions to add")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    prepare(args.url)
    engine = create_db_engine(args.url)
    start = time.perf_counter()
    generate(engine, args.n, seed=args.seed)
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("intervention", "intervention_area", "intervention_term", "venue")
        }
    engine.dispose()
    print(f"added {args.n:,} interventions in {elapsed:.1f} s ({args.n / elapsed:,.0f}/s)")
    print("rows now: " + ", ".join(f"{t} {c:,}" for t, c in counts.items()))


if __name__ == "__main__":
    main()
