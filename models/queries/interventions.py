"""Reading and writing interventions. Functions flush; the caller commits once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from models.area import LEVEL_LA, Area
from models.base import utcnow
from models.drafts import InterventionDraft
from models.errors import NotFoundError
from models.filters import InterventionFilter
from models.intervention import Intervention, InterventionTerm, Venue
from models.typology import MULTI_VALUED

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
SORT_KEYS: tuple[str, ...] = SortKey.__args__  # type: ignore[attr-defined]
_NULLABLE_KEYS = frozenset({"start_date"})


@dataclass(frozen=True)
class Page:
    items: Sequence[Intervention]
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
    session: Session, flt: InterventionFilter, *, limit: int, offset: int, sort: str = "id"
) -> Page:
    """One page of matching interventions and the total number matching."""
    where = flt.where()
    total = session.exec(select(func.count()).select_from(Intervention).where(where)).one()  # type: ignore[call-overload]
    statement = (
        select(Intervention)
        .where(where)
        .order_by(*_order_by(sort))  # type: ignore[arg-type]
        .limit(limit)
        .offset(offset)
        .options(*_eager())  # type: ignore[arg-type]
    )
    items = session.exec(statement).all()  # type: ignore[call-overload]
    return Page(items=[row[0] for row in items], total=int(total[0]))


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
