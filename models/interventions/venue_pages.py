"""Venues of the interventions a filter selects, a page at a time (ORUK's services at locations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from models.interventions.filters import InterventionFilter
from models.interventions.tables import Intervention, Venue


@dataclass(frozen=True)
class VenuePage:
    venues: Sequence[Venue]
    total: int


def _of_matching(flt: InterventionFilter) -> ColumnElement[bool]:
    return col(Venue.intervention_id).in_(select(col(Intervention.id)).where(flt.where()))


def venue_page(session: Session, flt: InterventionFilter, *, limit: int, offset: int) -> VenuePage:
    """The venues of matching interventions in venue id order, and how many there are."""
    total = session.exec(select(func.count()).select_from(Venue).where(_of_matching(flt))).one()
    statement = (
        select(Venue).where(_of_matching(flt)).order_by(col(Venue.id)).limit(limit).offset(offset)
    )
    return VenuePage(venues=session.exec(statement).all(), total=int(total))


def venue_by_id(session: Session, venue_id: int, flt: InterventionFilter) -> Venue | None:
    """One venue, if its intervention is one the filter selects."""
    statement = select(Venue).where(col(Venue.id) == venue_id, _of_matching(flt))
    return session.exec(statement).first()


def all_venue_ids(session: Session) -> list[int]:
    """Every venue's id, whatever its intervention's state (callers check that)."""
    return [int(i) for i in session.exec(select(col(Venue.id))).all() if i is not None]
