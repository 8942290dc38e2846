"""Reading and writing interventions. Functions flush; the caller commits once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from models.base import utcnow
from models.errors import NotFoundError
from models.geography.area import LEVEL_LA, Area
from models.interventions.crosstab import Ids
from models.interventions.drafts import InterventionDraft
from models.interventions.facets import FacetReader
from models.interventions.filters import InterventionFilter
from models.interventions.records import InterventionRecord, read_records
from models.interventions.tables import Intervention, InterventionTerm, Venue
from models.typology.vocabulary import MULTI_VALUED

SortKey = Literal[
    "id",
    "-id",
    "name",
    "-name",
    "updated_at",
    "-updated_at",
    "created_at",
    "-created_at",
    "start_date",
    "-start_date",
    "status",
    "-status",
]
_NULLABLE_KEYS = frozenset({"start_date"})


@dataclass(frozen=True)
class Page:
    items: Sequence[InterventionRecord]
    total: int


def _eager() -> tuple[object, ...]:
    return (
        selectinload(Intervention.areas),  # type: ignore[arg-type]
        selectinload(Intervention.terms),  # type: ignore[arg-type]
        selectinload(Intervention.venues),  # type: ignore[arg-type]
    )


def _order_by(sort: str) -> list[object]:
    """A documented sort key plus the id, so that pages never shuffle ties.

    Records without a start date come last either way, on both backends (SQLite and
    PostgreSQL put NULLs at opposite ends by default). Only that column is nullable, and only
    there is NULLS LAST spelt out, so the other keys keep their index order on PostgreSQL."""
    descending = sort.startswith("-")
    column = getattr(Intervention, sort.lstrip("-"))
    primary = column.desc() if descending else column.asc()
    if sort.lstrip("-") in _NULLABLE_KEYS:
        primary = primary.nulls_last()
    tie = Intervention.id.desc() if descending else Intervention.id.asc()  # type: ignore[union-attr]
    return [tie] if sort.lstrip("-") == "id" else [primary, tie]


def list_interventions(
    session: Session,
    flt: InterventionFilter,
    *,
    limit: int,
    offset: int,
    sort: str = "id",
    facets: FacetReader | None = None,
    with_links: bool = True,
) -> Page:
    """One page of matching interventions and the total number matching.

    With `facets` (the worker's, for the data this session sees) and a filter they can answer,
    the matching ids and their order come from memory and the database reads only the page:
    counting and ordering every match in SQL cost 50-300 ms at 100,000 records on SQLite
    and seconds at a million on PostgreSQL. Otherwise the database does it all. Either way
    the page is read as plain records (`models.interventions.records`), not ORM objects; without
    `with_links`, their areas, venues and terms are not read.
    """
    matching = flt.ids_in_memory(facets)
    if facets is not None and matching is not None:
        order = None if sort.lstrip("-") == "id" else facets.memo(("order", sort), _order_of(sort))
        chosen = _page_ids(matching, order, descending=sort == "-id", offset=offset, limit=limit)
        total = len(matching)
    else:
        where = flt.where()
        total = int(session.connection().execute(select(func.count()).where(where)).scalar_one())
        statement = (
            select(Intervention.id)  # type: ignore[call-overload]
            .where(where)
            .order_by(*_order_by(sort))
            .limit(limit)
            .offset(offset)
        )
        chosen = list(session.connection().execute(statement).scalars().all())
    items = read_records(session, chosen, flt.states, with_links=with_links)
    return Page(items=items, total=total)


def _order_of(sort: str) -> Callable[[Session], Ids]:
    """Every intervention's id in `sort` order, as the SQL path orders them."""

    def read(session: Session) -> Ids:
        statement = select(Intervention.id).order_by(*_order_by(sort))  # type: ignore[call-overload]
        ids = session.connection().execute(statement).scalars().all()
        return np.asarray(ids, dtype=np.int64)

    return read


def _page_ids(
    matching: Ids, order: Ids | None, *, descending: bool, offset: int, limit: int
) -> list[int]:
    """The ids on one page of `matching` (ascending ids), in `order` when given (a
    permutation of every id), else by id."""
    if order is None:
        ranked = matching[::-1] if descending else matching
    else:
        member = np.zeros(max(int(order.max(initial=0)), int(matching.max(initial=0))) + 1, bool)
        member[matching] = True
        ranked = order[member[order]]
    return [int(i) for i in ranked[offset : offset + limit]]


def get_intervention(
    session: Session, intervention_id: int, flt: InterventionFilter
) -> Intervention:
    """One intervention visible under the filter's publication states, or NotFoundError."""
    statement = (
        select(Intervention)
        .where(col(Intervention.id) == intervention_id, flt.where())
        .options(*_eager())  # type: ignore[arg-type]
    )
    found = session.exec(statement).first()  # type: ignore[call-overload]
    if found is None:
        raise NotFoundError(f"There is no intervention with id {intervention_id}.")
    intervention: Intervention = found[0]
    return intervention


def ensure_areas(session: Session, codes: Iterable[str]) -> list[Area]:
    """The Area rows for codes, adding bare LA rows for codes not yet known (boundaries fill them)."""
    wanted = list(dict.fromkeys(codes))
    known = {a.code: a for a in session.exec(select(Area).where(Area.code.in_(wanted))).scalars()}  # type: ignore[attr-defined,call-overload]
    for code in wanted:
        if code not in known:
            known[code] = Area(code=code, name=code, level=LEVEL_LA, type=_la_type(code))
            session.add(known[code])
    return [known[code] for code in wanted]


def _la_type(code: str) -> str:
    return {
        "E06": "unitary",
        "E08": "metropolitan",
        "E09": "london_borough",
        "E10": "county",
    }.get(code[:3], "unknown")


def create_intervention(
    session: Session,
    draft: InterventionDraft,
    areas: Sequence[Area],
    *,
    state: str,
    external_id: str | None = None,
    origin: str = "submission",
    provenance: dict[str, Any] | None = None,
) -> Intervention:
    """A new intervention from a validated draft whose LA codes are already resolved to areas."""
    source = draft.source
    now = utcnow()
    intervention = Intervention(
        external_id=external_id,
        name=draft.name,
        description=draft.description,
        provider=draft.provider,
        website=draft.website,
        contact_email=draft.contact_email,
        age_min=draft.age_min,
        age_max=draft.age_max,
        status=draft.status,
        start_date=draft.start_date,
        end_date=draft.end_date,
        outcome_measures=list(draft.outcome_measures),
        source_document=source.document if source else None,
        source_quote=source.quote if source else None,
        source_url=source.url if source else None,
        publication_state=state,
        origin=origin,
        provenance=provenance,
        created_at=now,
        updated_at=now,
    )
    intervention.areas = list(areas)
    intervention.terms = [
        InterventionTerm(dimension=dimension, slug=slug)
        for dimension in MULTI_VALUED
        for slug in getattr(draft, dimension)
    ]
    intervention.venues = [
        Venue(name=v.name, geom=shapely.Point(v.lon, v.lat)) for v in draft.venues
    ]
    session.add(intervention)
    session.flush()
    return intervention


def existing_external_ids(session: Session, external_ids: Iterable[str]) -> set[str]:
    """Which of these external ids are already stored, for idempotent loads."""
    ids = list(external_ids)
    rows = session.exec(
        select(Intervention.external_id).where(Intervention.external_id.in_(ids))  # type: ignore[union-attr,call-overload]
    ).all()
    return {row[0] for row in rows}
