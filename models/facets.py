"""Facets: for each value of a dimension, the ids of the interventions that carry it.

Reading a facet costs tens of milliseconds at 100,000 interventions (one aggregated string
per value), most of a cross-tab's time, yet facets change only when an intervention does.
So a worker keeps them per change stamp (`models.queries.versions`, the one every cache of
the data uses). Checking it is four index lookups per request; the filter itself is always
evaluated afresh.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Text, cast, func, select
from sqlmodel import Session

from models.area import LEVEL_LA, Area
from models.base import table_of
from models.crosstab import Facet, Ids, parse_ids
from models.intervention import Intervention, InterventionArea, InterventionTerm
from models.queries.versions import ChangeStamp, change_stamp
from models.typology import DIMENSIONS


def id_list(session: Session, column: ColumnElement[Any]) -> ColumnElement[str]:
    """Comma-separated ids: string_agg on PostgreSQL, group_concat on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, Text), ",")
    return func.group_concat(column, ",")


def read_facet(session: Session, dimension: str) -> Facet:
    """Each value of a dimension -> the distinct ids of the interventions carrying it."""
    link, term, area = table_of(InterventionArea), table_of(InterventionTerm), table_of(Area)
    intervention = table_of(Intervention)
    if dimension == "la":
        value, ids = link.c.area_code, link.c.intervention_id
        statement = select(value, id_list(session, ids)).group_by(value)
    elif dimension == "region":
        value, ids = area.c.region_code, link.c.intervention_id
        statement = (  # area first, in (level, region_code) index order: no sort to group
            select(value, id_list(session, ids))
            .select_from(area.join(link, area.c.code == link.c.area_code))
            .where(area.c.level == LEVEL_LA, value.is_not(None))
            .group_by(value)
        )
    elif dimension == "status":
        value = intervention.c.status
        statement = select(value, id_list(session, intervention.c.id)).group_by(value)
    elif dimension in DIMENSIONS:
        value, ids = term.c.slug, term.c.intervention_id
        statement = (
            select(value, id_list(session, ids))
            .where(term.c.dimension == dimension)
            .group_by(value)
        )
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    members: dict[str, Ids] = {
        str(v): parse_ids(text) for v, text in session.connection().execute(statement)
    }
    if dimension == "region":  # an intervention serving two LAs of a region counts once there
        members = {v: np.unique(ids) for v, ids in members.items()}
    return members


class FacetCache:
    """Facets of the current change stamp, read on first use and dropped when it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: ChangeStamp | None = None
        self._facets: dict[str, Facet] = {}

    def get(self, session: Session, dimension: str) -> Facet:
        version = change_stamp(session)
        with self._lock:
            if version != self._version:
                self._facets = {}
                self._version = version
            found = self._facets.get(dimension)
        if found is not None:
            return found
        facet = read_facet(session, dimension)
        with self._lock:
            if version == self._version:
                self._facets[dimension] = facet
        return facet
