"""Facets: for each value of a dimension, the (sorted) ids of the interventions carrying it.

Reading a facet costs tens of milliseconds at 100,000 interventions (one aggregated string
per value), most of a cross-tab's time, yet facets change only when an intervention does.
So a worker keeps them per change stamp (`models.freshness.stamp`, the one every cache of
the data uses), which the app knows in memory (`models.freshness`). The filter is evaluated on
the facets in memory when its criteria allow (`InterventionFilter.select_ids`), else in the
database, afresh each time either way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import numpy as np
from sqlalchemy import ColumnElement, Text, cast, func, select
from sqlmodel import Session

from models.base import table_of
from models.cache import VersionedCache
from models.geography.area import LEVEL_LA, Area
from models.interventions.crosstab import Facet, Ids, parse_ids, union_of
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm
from models.typology.vocabulary import AGE_BAND_RANGES, DIMENSIONS

T = TypeVar("T")


def id_list(session: Session, column: ColumnElement[Any]) -> ColumnElement[str]:
    """Comma-separated ids: string_agg on PostgreSQL, group_concat on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, Text), ",")
    return func.group_concat(column, ",")


def read_facet(session: Session, dimension: str, las: Facet | None = None) -> Facet:
    """Each value of a dimension -> the distinct ids of the interventions carrying it.

    The region facet is made from the LA facet (`las`, read when not given) and each LA's
    region: the union in memory is far cheaper than grouping the links by region in SQL."""
    link, term = table_of(InterventionArea), table_of(InterventionTerm)
    intervention = table_of(Intervention)
    if dimension == "region":
        return _regions(las if las is not None else read_facet(session, "la"), session)
    if dimension == "age":
        return AgeFacet.read(session)
    if dimension == "la":
        value, ids = link.c.area_code, link.c.intervention_id
        statement = select(value, id_list(session, ids)).group_by(value)
    elif dimension in ("status", "publication_state"):
        value = intervention.c[dimension]
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
    return {
        str(v): _sorted_distinct(parse_ids(text))
        for v, text in session.connection().execute(statement)
    }


def _regions(las: Facet, session: Session) -> Facet:
    """Each region -> the ids serving any of its LAs, once each."""
    area = table_of(Area)
    statement = select(area.c.region_code, area.c.code).where(
        area.c.level == LEVEL_LA, area.c.region_code.is_not(None)
    )
    members: dict[str, list[Ids]] = {}
    for region, code in session.connection().execute(statement):
        if code in las:
            members.setdefault(str(region), []).append(las[code])
    return {region: union_of(parts) for region, parts in members.items()}


class AgeFacet(Mapping[str, Ids]):
    """Each whole-number age (as a string) -> the ids of the interventions serving it, by
    `InterventionFilter`'s rule: within age_min..age_max (an open end open) when a record
    states either, else within one of its age bands; a record stating neither serves none.

    Worked out per age when first asked (a few milliseconds of numpy over the stated ages),
    not for every age at once: at a million records thirty ages' ids would be most of a
    worker's memory. Any whole number is a key; iteration gives 0 to the oldest band age."""

    OLDEST: Final = max(high for _, high in AGE_BAND_RANGES.values())

    def __init__(self, ids: Ids, low: Ids, high: Ids, bands: Facet) -> None:
        self._ids, self._low, self._high = ids, low, high
        #: Per band, its members that state no age (for them the band decides).
        self._bands = {band: np.setdiff1d(members, ids) for band, members in bands.items()}
        self._ages: dict[int, Ids] = {}

    @classmethod
    def read(cls, session: Session) -> AgeFacet:
        intervention = table_of(Intervention)
        low, high = intervention.c.age_min, intervention.c.age_max
        statement = (
            select(intervention.c.id, func.coalesce(low, 0), func.coalesce(high, 200))
            .where(low.is_not(None) | high.is_not(None))
            .order_by(intervention.c.id)
        )
        rows = np.array(session.connection().execute(statement).all(), dtype=np.int64)
        rows = rows.reshape(-1, 3)
        bands = read_facet(session, "age_band")
        return cls(rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy(), bands)

    def _serving(self, age: int) -> Ids:
        stated: Ids = self._ids[(self._low <= age) & (self._high >= age)]
        banded = [
            members
            for band, members in self._bands.items()
            if band in AGE_BAND_RANGES
            and AGE_BAND_RANGES[band][0] <= age <= AGE_BAND_RANGES[band][1]
        ]
        return union_of([stated, *banded])

    def __getitem__(self, key: str) -> Ids:
        if not (key.isascii() and key.lstrip("-").isdigit()):
            raise KeyError(key)
        age = int(key)
        found = self._ages.get(age)
        if found is None:
            found = self._ages.setdefault(age, self._serving(age))
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.isascii() and key.lstrip("-").isdigit()

    def __iter__(self) -> Iterator[str]:
        return iter(str(age) for age in range(self.OLDEST + 1))

    def __len__(self) -> int:
        return self.OLDEST + 1


def _sorted_distinct(ids: Ids) -> Ids:
    """The ids sorted and distinct, as `InterventionFilter.select_ids` and the counting expect
    (an intervention serving two LAs of a region counts once there). The aggregates mostly
    arrive in index order already, and checking that is linear where sorting a million ids is
    most of a second."""
    if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):
        return ids
    return np.unique(ids)


class Facets:
    """One change stamp's facets, and anything else derived from the data alone (such as sort
    orders), each read on first use and kept until the data changes."""

    def __init__(self, version: tuple[object, ...]) -> None:
        self.version = version
        self._memo: VersionedCache[Hashable, Any] = VersionedCache()

    def memo(self, key: Hashable, read: Callable[[], T]) -> T:
        """The value kept under `key`, read (outside the lock) when missing."""
        found: T = self._memo.get(self.version, key, read)
        return found


@dataclass(frozen=True)
class FacetReader:
    """The current facets, read with this request's session: call it with a dimension."""

    facets: Facets
    session: Session

    def __call__(self, dimension: str) -> Facet:
        def read() -> Facet:
            las = self("la") if dimension == "region" else None
            return read_facet(self.session, dimension, las)

        return self.facets.memo(("facet", dimension), read)

    def memo(self, key: Hashable, read: Callable[[Session], T]) -> T:
        return self.facets.memo(key, lambda: read(self.session))
