"""The one filter object behind every read: list, GeoJSON, area counts, stats, export, tiles.

Each endpoint turns its query parameters into an `InterventionFilter`; the filter turns itself
into SQL conditions on `intervention`. Nothing else builds a WHERE clause for interventions,
so a list total, a choropleth count and a cross-tab cannot disagree.

Most criteria (publication state, typology, status, LAs served, an age) are also set
memberships, so the filter can evaluate them on facets (`models.interventions.facets`: each
value's sorted ids; `AgeFacet` per age) in memory, which a worker keeps between writes:
`select_ids` gives exactly the ids `conditions()` would, and a test holds the two to that on
both backends. Text, dates and expressions need the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from typing import Final

import numpy as np
from sqlalchemy import ColumnElement, and_, func, literal, or_, select, true
from sqlmodel import col

from models.base import table_of
from models.interventions.cql.sql import to_sql
from models.interventions.cql.tree import Expr
from models.interventions.crosstab import Facet, Ids, union_of
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm
from models.text.fold import fold
from models.typology.vocabulary import AGE_BAND_RANGES, NOT_STATED

PUBLIC_STATES: tuple[str, ...] = ("published",)

#: Most words a free-text query may hold: each is a LIKE over three columns.
MAX_WORDS: Final = 10


@dataclass(frozen=True)
class InterventionFilter:
    """Typed, already-validated criteria; every field empty means "everything public".

    `area_sets` holds one tuple of LA codes per place criterion (la, region, bbox, point);
    a record must serve at least one LA of every set.
    """

    states: tuple[str, ...] = PUBLIC_STATES
    any_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    all_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    statuses: tuple[str, ...] = ()
    area_sets: tuple[tuple[str, ...], ...] = ()
    age: int | None = None
    #: Open Referral UK's age filters: a stated `age_min` at least this, a stated `age_max`
    #: at most this (records that state no such age do not match).
    min_age_at_least: float | None = None
    max_age_at_most: float | None = None
    text: str | None = None
    active_on: date | None = None
    updated_since: datetime | None = None
    #: A CQL2 filter (and an OGC `datetime`) as a typed tree (`models.interventions.cql`); run in SQL.
    expression: Expr | None = None

    def memberships(self) -> list[tuple[str, tuple[str, ...]]]:
        """The set-membership criteria, as (dimension, values): a record must carry one of the
        values in every pair. Dimensions are facet names ("publication_state", "status", "la"
        and the typology); this one list is what both `conditions()` (SQL) and `select_ids`
        (facets in memory) translate, so the two cannot drift apart."""
        pairs: list[tuple[str, tuple[str, ...]]] = [("publication_state", self.states)]
        pairs.extend((dimension, slugs) for dimension, slugs in self.any_of.items() if slugs)
        for dimension, slugs in self.all_of.items():
            pairs.extend((dimension, (slug,)) for slug in slugs)
        if self.statuses:
            pairs.append(("status", self.statuses))
        pairs.extend(("la", codes) for codes in self.area_sets)
        if self.age is not None:
            pairs.append(("age", (str(self.age),)))  # the "age" facet is keyed by each age
        return pairs

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on `intervention`, to be AND-ed by the caller."""
        clauses = [_member_sql(dimension, values) for dimension, values in self.memberships()]
        if self.min_age_at_least is not None:
            clauses.append(col(Intervention.age_min) >= self.min_age_at_least)
        if self.max_age_at_most is not None:
            clauses.append(col(Intervention.age_max) <= self.max_age_at_most)
        if self.text:
            clauses.append(_matches_text(self.text))
        if self.active_on is not None:
            clauses.append(_active_on(self.active_on))
        if self.updated_since is not None:
            clauses.append(col(Intervention.updated_at) >= self.updated_since)
        if self.expression is not None:
            clauses.append(to_sql(self.expression))
        return clauses

    def where(self) -> ColumnElement[bool]:
        return and_(true(), *self.conditions())

    @property
    def needs_database(self) -> bool:
        """Whether the database must evaluate this filter: for text, dates, an expression
        or ORUK's age bounds (the criteria `memberships()` leaves out), or for unpublished
        states (facets are kept per public version, which drafts do not move)."""
        return bool(
            self.min_age_at_least is not None
            or self.max_age_at_most is not None
            or self.text
            or self.active_on is not None
            or self.updated_since is not None
            or self.expression is not None
            or not set(self.states) <= set(PUBLIC_STATES)
        )

    def select_ids(self, facet: Callable[[str], Facet]) -> Ids:
        """The ids `conditions()` selects, ascending, from facets by dimension ("la",
        "status", "publication_state", "age" and the typology); only when not
        `needs_database`."""
        if self.needs_database:
            raise ValueError("text, date and unpublished-state criteria need the database")
        sets = [_any(facet(dimension), values) for dimension, values in self.memberships()]
        sets.sort(key=len)  # the smallest first keeps every intersection small
        return reduce(_both, sets)

    def ids_in_memory(self, facets: Callable[[str], Facet] | None) -> Ids | None:
        """The one choice between the two paths: the matching ids from the worker's facets
        when there are facets and this filter's criteria allow, else None (ask the database).
        Every reader that can take either path (list pages, counts, cross-tabs, tiles) asks
        this, so none answers from memory what only the database can."""
        if facets is None or self.needs_database:
            return None
        return self.select_ids(facets)

    def place_las(self) -> frozenset[str] | None:
        """The LAs every place criterion allows, or None when there is no place criterion:
        the areas a table by LA or region keeps, so it lists no LA outside the place."""
        if not self.area_sets:
            return None
        return frozenset.intersection(*(frozenset(codes) for codes in self.area_sets))


def _any(members: Facet, values: Iterable[str]) -> Ids:
    """The sorted ids carrying any of the values."""
    return union_of([members[v] for v in values if v in members])


def _both(small: Ids, large: Ids) -> Ids:
    """The sorted ids in both sorted sets, in time linear in the smaller one (a binary search
    of each in the larger): a million-id facet costs nothing to intersect with."""
    if not len(small) or not len(large):
        return np.empty(0, dtype=np.int64)
    at = np.minimum(np.searchsorted(large, small), len(large) - 1)
    both: Ids = small[large[at] == small]
    return both


def _member_sql(dimension: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    """One membership criterion in SQL: a column of `intervention`, the area links or the
    typology terms, by dimension (the facet names `models.interventions.facets` reads)."""
    if dimension == "publication_state":
        return col(Intervention.publication_state).in_(values)
    if dimension == "status":
        return col(Intervention.status).in_(values)
    if dimension == "la":
        return _serves_any(values)
    if dimension == "age":
        return or_(*(_serves_age(int(age)) for age in values))
    return _has_term(dimension, values)


def _has_term(dimension: str, slugs: tuple[str, ...]) -> ColumnElement[bool]:
    """Criteria are uncorrelated `id IN (SELECT ...)` subqueries on Core tables: they use the
    (dimension, slug, id) and (area_code, id) indexes on SQLite, and cannot be correlated by
    mistake to an outer query (area counts, stats) that joins the same tables."""
    term = table_of(InterventionTerm).c
    return col(Intervention.id).in_(
        select(term.intervention_id).where(term.dimension == dimension, term.slug.in_(slugs))
    )


def _serves_any(codes: tuple[str, ...]) -> ColumnElement[bool]:
    link = table_of(InterventionArea).c
    return col(Intervention.id).in_(select(link.intervention_id).where(link.area_code.in_(codes)))


def _serves_age(age: int) -> ColumnElement[bool]:
    """Ages decide when given; otherwise the age bands do. A record stating neither is not
    known to serve the age, so it does not match: a researcher asking who serves 17 year-olds
    must not count records that say nothing about age."""
    bands = tuple(b for b, (low, high) in AGE_BAND_RANGES.items() if low <= age <= high)
    has_ages = or_(col(Intervention.age_min).is_not(None), col(Intervention.age_max).is_not(None))
    in_ages = and_(
        func.coalesce(col(Intervention.age_min), 0) <= age,
        func.coalesce(col(Intervention.age_max), 200) >= age,
    )
    return or_(and_(has_ages, in_ages), and_(~has_ages, _has_term("age_band", bands)))


def _matches_text(text: str) -> ColumnElement[bool]:
    """Every word inside the name, description or provider, compared by `fold` on both sides
    so that case and apostrophes match alike on SQLite and PostgreSQL. The query layer refuses
    more than MAX_WORDS words, so none is ever dropped unseen."""
    words = text.split()[:MAX_WORDS]
    haystack = fold(
        func.coalesce(col(Intervention.name), "")
        + " "
        + func.coalesce(col(Intervention.description), "")
        + " "
        + func.coalesce(col(Intervention.provider), "")
    )
    return and_(
        *(
            haystack.contains(fold(literal(_escape_like(w))), autoescape=False, escape="\\")
            for w in words
        )
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _active_on(day: date) -> ColumnElement[bool]:
    """Running on a day: started by then (or undated), not ended before it, and not planned-only.

    A record whose status is not stated counts only within dates that close it (an end date),
    as an ended one does: nobody said it runs, so an open span would be a guess."""
    started = or_(col(Intervention.start_date).is_(None), col(Intervention.start_date) <= day)
    not_ended = or_(col(Intervention.end_date).is_(None), col(Intervention.end_date) >= day)
    undated_status = or_(
        col(Intervention.status) == "active",
        and_(
            col(Intervention.status).in_(("ended", NOT_STATED)),
            col(Intervention.end_date).is_not(None),
        ),
        and_(col(Intervention.status) == "planned", col(Intervention.start_date).is_not(None)),
    )
    return and_(started, not_ended, undated_status)
