"""Storing new submissions, one from the JSON API or ten thousand from a spreadsheet, alike.

Rows go in as multi-row INSERTs a chunk at a time (ids come back in order through RETURNING),
because one ORM flush per record would put a 10,000-row file far past ten seconds. Nothing
commits here: the caller commits once, so a failure part-way leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
import psycopg
import shapely
from sqlalchemy import Table, func, insert
from sqlmodel import Session, select

from models.base import table_of, utcnow
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import ensure_areas
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm, Venue
from models.partners.record_versions import (
    Actor,
    InterventionHead,
    InterventionVersion,
    changed_fields,
    snapshot_of,
    with_submitted,
)
from models.typology.vocabulary import MULTI_VALUED

CHUNK_SIZE = 500


def insert_submissions(
    session: Session,
    drafts: Sequence[InterventionDraft],
    actor: Actor,
    *,
    on_progress: Callable[[int], None] | None = None,
    submitted_as: Sequence[Sequence[str]] = (),
) -> list[int]:
    """Store drafts (LA codes already current GSS codes) as `submitted`, each with version 1.

    `submitted_as`, when given, holds each draft's LA references as sent; a version keeps them
    where they were read as other codes (`models.partners.record_versions.with_submitted`).
    """
    ensure_areas(session, (code for draft in drafts for code in draft.la_codes))
    session.flush()
    now = utcnow()
    ids: list[int] = []
    for start in range(0, len(drafts), CHUNK_SIZE):
        chunk = drafts[start : start + CHUNK_SIZE]
        sent = submitted_as[start : start + CHUNK_SIZE] if submitted_as else ()
        ids.extend(insert_chunk(session, chunk, actor, now, sent))
        if on_progress is not None:
            on_progress(len(ids))
    return ids


def insert_chunk(
    session: Session,
    drafts: Sequence[InterventionDraft],
    actor: Actor,
    now: datetime,
    submitted_as: Sequence[Sequence[str]] = (),
) -> list[int]:
    """One multi-row INSERT per table for a chunk of drafts; returns the new ids in order."""
    ids = _insert_interventions(session, [_row(d, now) for d in drafts])
    links: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    venues: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for index, (new_id, draft) in enumerate(zip(ids, drafts, strict=True)):
        links += [{"intervention_id": new_id, "area_code": code} for code in draft.la_codes]
        terms += [
            {"intervention_id": new_id, "dimension": dimension, "slug": slug}
            for dimension in MULTI_VALUED
            for slug in getattr(draft, dimension)
        ]
        venues += [
            {"intervention_id": new_id, "name": v.name, "geom": shapely.Point(v.lon, v.lat)}
            for v in draft.venues
        ]
        heads.append(
            {
                "intervention_id": new_id,
                "version": 1,
                "pending_version": None,
                "created_by": actor.key_id,
                "submitted_at": now,
            }
        )
        snapshot = snapshot_of(draft)
        if submitted_as:
            snapshot = with_submitted(snapshot, submitted_as[index])
        versions.append(
            {
                "intervention_id": new_id,
                "number": 1,
                "action": "created",
                "state": "submitted",
                "snapshot": snapshot,
                "changed": changed_fields(None, snapshot),
                "reason": None,
                "key_id": actor.key_id,
                "key_name": actor.name,
                "created_at": now,
            }
        )
    for model, rows in (
        (InterventionArea, links),
        (InterventionTerm, terms),
        (Venue, venues),
        (InterventionHead, heads),
        (InterventionVersion, versions),
    ):
        if rows:
            _insert_many(session, table_of(model), rows)
    return ids


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """A bulk INSERT: COPY on PostgreSQL (psycopg would otherwise send one pipelined INSERT
    per row), one executemany on SQLite. Geometry goes through SQLAlchemy's type either way."""
    if session.get_bind().dialect.name != "postgresql" or table.name == "venue":
        session.exec(insert(table), params=rows)
        return
    columns = list(rows[0])
    raw = session.connection().connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([_copyable(row[column]) for column in columns])


def _copyable(value: Any) -> Any:
    """JSON columns travel as JSON text; everything else as psycopg adapts it."""
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


def _insert_interventions(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids in the order given.

    PostgreSQL: ids are drawn from the table's sequence first, then the rows are copied in.
    SQLite cannot promise the order of INSERT .. RETURNING (SQLAlchemy would fall back to one
    INSERT per row), so the rows go in as one executemany and, since SQLite gives each new row
    the largest rowid plus one and this transaction holds the only write lock, they take the
    last ids, in order. Their names are checked, so a surprise fails loudly, never mislinks.
    """
    table = table_of(Intervention)
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.nextval(func.pg_get_serial_sequence("intervention", "id"))
        series = func.generate_series(1, len(rows))
        ids = [int(i) for i in session.exec(select(sequence).select_from(series)).all()]
        _insert_many(session, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
        return ids
    session.exec(insert(table), params=rows)
    last = int(session.exec(select(func.max(table.c.id))).one())
    ids = list(range(last - len(rows) + 1, last + 1))
    stored = session.exec(
        select(table.c.name).where(table.c.id.between(ids[0], last)).order_by(table.c.id)
    ).all()
    if list(stored) != [row["name"] for row in rows]:
        raise RuntimeError("New intervention rows did not take consecutive ids.")
    return ids


def _row(draft: InterventionDraft, now: datetime) -> dict[str, Any]:
    source = draft.source
    return {
        "external_id": None,
        "name": draft.name,
        "description": draft.description,
        "provider": draft.provider,
        "website": draft.website,
        "contact_email": draft.contact_email,
        "age_min": draft.age_min,
        "age_max": draft.age_max,
        "status": draft.status,
        "start_date": draft.start_date,
        "end_date": draft.end_date,
        "outcome_measures": list(draft.outcome_measures),
        "source_document": source.document if source else None,
        "source_quote": source.quote if source else None,
        "source_url": source.url if source else None,
        "publication_state": "submitted",
        "created_at": now,
        "updated_at": now,
    }
