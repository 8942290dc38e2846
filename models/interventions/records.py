"""Interventions as plain records, read with Core a page at a time, for whole-dataset exports.

An export of 100,000 records through the ORM builds some two million objects (record, terms,
areas, venues) and ran at about 800 records a second. Here a page is four queries: the
records (keyset, in id order) and then its terms, LAs and venues, each batched for the page,
turned into frozen dataclasses. The serialisers take any `InterventionView`, so the ORM rows
of the paged list and these records go through the same code and give the same output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, func, select
from sqlmodel import Session

from models.base import table_of
from models.geography.area import Area
from models.interventions.filters import InterventionFilter
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm, Venue


class AreaView(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class VenueView(Protocol):
    @property
    def name(self) -> str | None: ...
    @property
    def geom(self) -> Any: ...


class InterventionView(Protocol):
    """What serialisers read from an intervention: an ORM row or an `InterventionRecord`."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def provider(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...
    @property
    def contact_email(self) -> str | None: ...
    @property
    def age_min(self) -> int | None: ...
    @property
    def age_max(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def start_date(self) -> date | None: ...
    @property
    def end_date(self) -> date | None: ...
    @property
    def outcome_measures(self) -> Sequence[str]: ...
    @property
    def source_document(self) -> str | None: ...
    @property
    def source_quote(self) -> str | None: ...
    @property
    def source_url(self) -> str | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def provenance(self) -> Mapping[str, Any] | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def areas(self) -> Sequence[AreaView]: ...
    @property
    def venues(self) -> Sequence[VenueView]: ...
    def values(self, dimension: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class AreaRecord:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class VenueRecord:
    name: str | None
    geom: BaseGeometry


@dataclass(frozen=True, slots=True)
class InterventionRecord:
    """One intervention with its LAs, venues and classifications, detached from any session."""

    id: int
    name: str
    description: str | None
    provider: str | None
    website: str | None
    contact_email: str | None
    age_min: int | None
    age_max: int | None
    status: str
    start_date: date | None
    end_date: date | None
    outcome_measures: list[str]
    source_document: str | None
    source_quote: str | None
    source_url: str | None
    origin: str
    provenance: Mapping[str, Any] | None
    publication_state: str
    created_at: datetime
    updated_at: datetime
    areas: tuple[AreaRecord, ...]
    venues: tuple[VenueRecord, ...]
    terms: Mapping[str, tuple[str, ...]]

    def values(self, dimension: str) -> list[str]:
        """The slugs on one dimension (in slug order, as on the ORM row), status included."""
        if dimension == "status":
            return [self.status]
        return list(self.terms.get(dimension, ()))


_FIELDS = tuple(
    name
    for name in InterventionRecord.__dataclass_fields__
    if name not in {"areas", "venues", "terms"}
)


def record_pages(
    session: Session, flt: InterventionFilter, page_size: int
) -> Iterator[list[InterventionRecord]]:
    """Every record matching the filter in id order, a page at a time (keyset paging, so each
    page costs the same however deep). Reads on the session's connection: give it a snapshot
    for a consistent whole."""
    intervention = table_of(Intervention)
    columns = [intervention.c[name] for name in _FIELDS]
    connection = session.connection()
    after = 0
    while True:
        statement = (
            select(*columns)
            .where(flt.where(), intervention.c.id > after)
            .order_by(intervention.c.id)
            .limit(page_size)
        )
        rows = [row._asdict() for row in connection.execute(statement).all()]
        if not rows:
            return
        yield _with_links(connection, rows)
        if len(rows) < page_size:
            return
        after = rows[-1]["id"]


def count_matching(session: Session, flt: InterventionFilter) -> int:
    """How many records match the filter: asked before building an export whole (the
    GeoPackage), so one over its ceiling is refused before any work."""
    intervention = table_of(Intervention)
    statement = select(func.count()).select_from(intervention).where(flt.where())
    return int(session.connection().execute(statement).scalar_one())


def read_records(
    session: Session, ids: Sequence[int], states: Sequence[str], *, with_links: bool = True
) -> list[InterventionRecord]:
    """The records with these ids, in this order, leaving out any not in one of `states`
    (a page counted a moment ago must not show a record withdrawn since). Without
    `with_links` their areas, venues and terms are left empty, unread: for shapes of the
    one-to-one fields only (ORUK's lists), where those three queries were most of the cost."""
    if not ids:
        return []
    intervention = table_of(Intervention)
    statement = select(*(intervention.c[name] for name in _FIELDS)).where(
        intervention.c.id.in_(ids), intervention.c.publication_state.in_(states)
    )
    connection = session.connection()
    rows = {row.id: row._asdict() for row in connection.execute(statement).all()}
    ordered = [rows[i] for i in ids if i in rows]
    if not with_links:
        return [InterventionRecord(**row, areas=(), venues=(), terms={}) for row in ordered]
    return _with_links(connection, ordered)


def _with_links(connection: Connection, rows: list[dict[str, Any]]) -> list[InterventionRecord]:
    ids = [row["id"] for row in rows]
    terms = _terms(connection, ids)
    areas = _areas(connection, ids)
    venues = _venues(connection, ids)
    return [
        InterventionRecord(
            **row,
            areas=tuple(areas.get(row["id"], ())),
            venues=tuple(venues.get(row["id"], ())),
            terms=terms.get(row["id"], {}),
        )
        for row in rows
    ]


def _terms(connection: Connection, ids: list[int]) -> dict[int, dict[str, tuple[str, ...]]]:
    term = table_of(InterventionTerm).c
    statement = (
        select(term.intervention_id, term.dimension, term.slug)
        .where(term.intervention_id.in_(ids))
        .order_by(term.intervention_id, term.dimension, term.slug)
    )
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for intervention_id, dimension, slug in connection.execute(statement).all():
        found[intervention_id][dimension].append(slug)
    return {i: {d: tuple(s) for d, s in per.items()} for i, per in found.items()}


def _areas(connection: Connection, ids: list[int]) -> dict[int, list[AreaRecord]]:
    link, area = table_of(InterventionArea), table_of(Area)
    statement = (
        select(link.c.intervention_id, area.c.code, area.c.name)
        .select_from(link.join(area, area.c.code == link.c.area_code))
        .where(link.c.intervention_id.in_(ids))
        .order_by(link.c.intervention_id, area.c.code)
    )
    found: dict[int, list[AreaRecord]] = defaultdict(list)
    for intervention_id, code, name in connection.execute(statement).all():
        found[intervention_id].append(AreaRecord(code, name))
    return found


def _venues(connection: Connection, ids: list[int]) -> dict[int, list[VenueRecord]]:
    venue = table_of(Venue).c
    statement = (
        select(venue.intervention_id, venue.name, venue.geom)
        .where(venue.intervention_id.in_(ids))
        .order_by(venue.intervention_id, venue.id)
    )
    found: dict[int, list[VenueRecord]] = defaultdict(list)
    for intervention_id, name, geom in connection.execute(statement).all():
        found[intervention_id].append(VenueRecord(name, geom))
    return found
