"""Counting interventions per area with the shared filter.

The counting rule: an intervention serving several LAs counts once in each LA it serves,
once in each region it serves (however many of that region's LAs it serves), and once in
a list total.
"""

from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlmodel import Session

from models.area import LEVEL_REGION, Area
from models.base import table_of
from models.context import ContextLoad
from models.filters import InterventionFilter
from models.intervention import Intervention, InterventionArea


def count_by_area(session: Session, flt: InterventionFilter, level: str) -> dict[str, int]:
    """Matching interventions per LA code, or per region code for level 'region'."""
    link = table_of(InterventionArea)
    intervention = table_of(Intervention)
    joined = link.join(intervention, intervention.c.id == link.c.intervention_id)
    if level == LEVEL_REGION:
        area = table_of(Area)
        statement = (
            select(area.c.region_code, func.count(distinct(intervention.c.id)))
            .select_from(joined.join(area, area.c.code == link.c.area_code))
            .where(flt.where(), area.c.region_code.is_not(None))
            .group_by(area.c.region_code)
        )
    else:
        statement = (
            select(link.c.area_code, func.count())
            .select_from(joined)
            .where(flt.where())
            .group_by(link.c.area_code)
        )
    return {str(code): int(count) for code, count in session.connection().execute(statement)}


def change_stamp(session: Session) -> tuple[object, ...]:
    """Changes whenever any area count or context figure can: the newest intervention write
    (every write path bumps `updated_at`; records are withdrawn, never deleted), the newest id,
    and the newest context load. Three index lookups, so a layer cache can check it per request."""
    intervention, context = table_of(Intervention), table_of(ContextLoad)
    statement = select(
        select(func.max(intervention.c.updated_at)).scalar_subquery(),
        select(func.max(intervention.c.id)).scalar_subquery(),
        select(func.max(context.c.id)).scalar_subquery(),
    )
    return tuple(session.connection().execute(statement).one())
