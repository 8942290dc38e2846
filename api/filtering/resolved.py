"""From the request's parameters to the one `InterventionFilter`: every value checked (all
problems reported together), places resolved to LA code sets, and what a route adds of its own.

`api.filtering.params` declares the parameters (`InterventionQuery`); this module reads them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlmodel import Session

from api.errors import query_problem
from api.filtering.places import bbox_las, la_codes, point_las, region_codes, region_las
from models.errors import FieldProblem, InvalidInputError
from models.geography.catalogue import AreaCatalogue
from models.interventions.cql.tree import And, Expr
from models.interventions.filters import MAX_WORDS, PUBLIC_STATES, InterventionFilter
from models.typology.values import normalise_value
from models.typology.vocabulary import MULTI_VALUED, Dimension

if TYPE_CHECKING:
    from api.filtering.params import InterventionQuery


@dataclass(frozen=True)
class ResolvedQuery:
    """The request's filter, its warnings, and the areas its `la` and `region` values named
    (LA codes, region codes), read once here so no route reads them from the query again."""

    filter: InterventionFilter
    warnings: tuple[str, ...]
    named: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def narrowed(
        self, *, within: tuple[str, ...] | None = None, expression: Expr | None = None
    ) -> InterventionFilter:
        """This request's filter, further limited to records serving one of the LAs `within`
        and matching `expression` (AND-ed with any the filter has): what a route adds of its
        own (an area's page, a partner's scope, an OGC `datetime` or CQL2 filter)."""
        flt = self.filter
        if within is not None:
            flt = replace(flt, area_sets=(*flt.area_sets, within))
        if expression is not None:
            combined = expression if flt.expression is None else And((flt.expression, expression))
            flt = replace(flt, expression=combined)
        return flt

    def warning_header(self) -> str | None:
        """The warnings as one HTTP `Warning` value (code 299, "persistent"), for formats
        with no place of their own for them (CSV); ASCII only, as header values must be."""
        if not self.warnings:
            return None
        return ", ".join(f'299 neetmap "{_header_text(w)}"' for w in self.warnings)


def _header_text(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.replace("\\", "\\\\").replace('"', '\\"').split())


def resolve(
    query: InterventionQuery,
    session: Session,
    catalogue: AreaCatalogue | None,
    *,
    states: tuple[str, ...] | None = None,
) -> ResolvedQuery:
    """Validate every value and build the filter; all problems are reported together."""
    problems: list[FieldProblem] = []
    if query.q and any(ord(ch) < 32 for ch in query.q):
        problems.append(query_problem("q", "must not contain control characters"))
    if query.q and len(words := query.q.split()) > MAX_WORDS:
        problems.append(
            query_problem(
                "q",
                f"has {len(words)} words; give at most {MAX_WORDS}, all of which must match",
            )
        )
    if query.bad_since:
        problems.append(
            query_problem("updated_since", "is outside the range of dates this service handles")
        )
    any_of, all_of = _terms(query, problems)
    statuses = _slugs(query, "status", problems)
    warnings: list[str] = []
    area_sets: list[tuple[str, ...]] = []
    named: dict[str, frozenset[str]] = {}
    if query.needs_geography:
        assert catalogue is not None
        area_sets = _places(query, session, catalogue, problems, warnings, named)
    if problems:
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Some filter values are not valid: {fields}.", problems)
    flt = InterventionFilter(
        any_of=any_of,
        all_of=all_of,
        statuses=statuses,
        area_sets=tuple(area_sets),
        age=query.age,
        text=query.q,
        active_on=query.active_on,
        updated_since=query.updated_since,
        states=PUBLIC_STATES if states is None else states,
    )
    return ResolvedQuery(filter=flt, warnings=tuple(warnings), named=named)


def _terms(
    query: InterventionQuery, problems: list[FieldProblem]
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The multi-valued dimensions' slugs, split into "any of" and "all of"."""
    for name in query.all_of:
        if name not in MULTI_VALUED:
            allowed = ", ".join(MULTI_VALUED)
            problems.append(
                query_problem(
                    "all_of", f"'{name}' is not a multi-valued dimension. Allowed: {allowed}."
                )
            )
    any_of: dict[str, tuple[str, ...]] = {}
    all_of: dict[str, tuple[str, ...]] = {}
    for dimension in MULTI_VALUED:
        if slugs := _slugs(query, dimension, problems):
            target = all_of if dimension in query.all_of else any_of
            target[dimension] = slugs
    return any_of, all_of


def _slugs(
    query: InterventionQuery, dimension: Dimension, problems: list[FieldProblem]
) -> tuple[str, ...]:
    """One dimension's values as slugs (labels and any case accepted), each once."""
    slugs: list[str] = []
    for raw in query.values[dimension]:
        try:
            slugs.append(normalise_value(dimension, raw))
        except ValueError as exc:
            problems.append(query_problem(dimension, str(exc)))
    return tuple(dict.fromkeys(slugs))


def _places(
    query: InterventionQuery,
    session: Session,
    catalogue: AreaCatalogue,
    problems: list[FieldProblem],
    warnings: list[str],
    named: dict[str, frozenset[str]],
) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = []
    if query.la:
        sets.append(la_codes(query.la, catalogue, problems, warnings))
        named["la"] = frozenset(sets[-1])
    if query.region:
        regions = region_codes(query.region, catalogue, problems)
        named["region"] = frozenset(regions)
        sets.append(region_las(regions, catalogue))
    if query.bbox is not None:
        sets.append(bbox_las(session, catalogue, query.bbox, problems, warnings))
    if (query.lat is None) != (query.lon is None):
        missing = "lat" if query.lat is None else "lon"
        problems.append(query_problem(missing, "lat and lon must be given together"))
    elif query.lat is not None and query.lon is not None:
        sets.append(point_las(session, catalogue, query.lat, query.lon, warnings))
    return sets
