"""Query parameters shared by every endpoint that filters interventions.

`InterventionQuery` is the single place where request parameters become an
`InterventionFilter`: list, GeoJSON, area counts, stats, exports and tiles all depend on it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import query_problem
from api.place_params import bbox_las, la_codes, point_las, region_las
from models.catalogue import AreaCatalogue, CatalogueCache
from models.errors import FieldProblem, InvalidInputError
from models.filters import MAX_WORDS, InterventionFilter
from models.typology import MULTI_VALUED, Dimension, normalise_value


def _values_param(dimension: Dimension) -> object:
    return Query(
        description=(
            f"Only interventions with any of these `{dimension}` values (comma-separated or "
            "repeated; slugs or labels, any case). See /api/v1/typology for the allowed slugs."
        )
    )


#: Place parameters narrow which interventions match and, on the area-by-area answers, which
#: areas are listed.
_PLACE_NOTE = (
    " On /api/v1/areas, /api/v1/stats and /api/v1/coverage only the areas inside it are listed."
)


def split_values(raw: list[str] | None) -> list[str]:
    """`a,b` and `?x=a&x=b` both mean [a, b]; blanks are dropped."""
    return [part.strip() for item in raw or [] for part in item.split(",") if part.strip()]


@dataclass(frozen=True)
class ResolvedQuery:
    filter: InterventionFilter
    warnings: tuple[str, ...]

    def warning_header(self) -> str | None:
        """The warnings as one HTTP `Warning` value (code 299, "persistent"), for formats
        with no place of their own for them (CSV); ASCII only, as header values must be."""
        if not self.warnings:
            return None
        return ", ".join(f'299 neetmap "{_header_text(w)}"' for w in self.warnings)


def _header_text(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.replace("\\", "\\\\").replace('"', '\\"').split())


def get_catalogue(request: Request, session: SessionDep) -> AreaCatalogue:
    """The loaded geography, or a 503 naming the command that loads boundaries."""
    cache: CatalogueCache = request.app.state.catalogue
    return cache.get(session)


CatalogueDep = Annotated[AreaCatalogue, Depends(get_catalogue)]


class InterventionQuery:
    """Filters on every typology dimension, age, place, text and time.

    Values within one parameter mean "any of"; different parameters must all hold. Unknown
    parameters are ignored.
    """

    def __init__(
        self,
        age_band: Annotated[list[str] | None, _values_param("age_band")] = None,
        transition_point: Annotated[list[str] | None, _values_param("transition_point")] = None,
        target_group: Annotated[list[str] | None, _values_param("target_group")] = None,
        funding_source: Annotated[list[str] | None, _values_param("funding_source")] = None,
        intervention_type: Annotated[list[str] | None, _values_param("intervention_type")] = None,
        delivery_model: Annotated[list[str] | None, _values_param("delivery_model")] = None,
        evidence_level: Annotated[list[str] | None, _values_param("evidence_level")] = None,
        status: Annotated[list[str] | None, _values_param("status")] = None,
        all_of: Annotated[
            list[str] | None,
            Query(
                description=(
                    "Dimensions whose listed values must ALL be present rather than any one, "
                    "e.g. `target_group=send,care_experienced&all_of=target_group`."
                )
            ),
        ] = None,
        age: Annotated[
            int | None,
            Query(
                ge=0,
                le=30,
                description=(
                    "An age in years the intervention serves: within age_min..age_max when "
                    "given, else within one of its age bands. Records stating neither do not "
                    "match."
                ),
            ),
        ] = None,
        la: Annotated[
            list[str] | None,
            Query(
                description=(
                    "LAs served: current or superseded GSS codes, DfE three-digit codes or "
                    "names (comma-separated or repeated; names with a comma such as "
                    "`Bristol, City of` are read whole)." + _PLACE_NOTE
                )
            ),
        ] = None,
        region: Annotated[
            list[str] | None,
            Query(
                description="English regions: E12 codes or names (comma-separated)." + _PLACE_NOTE
            ),
        ] = None,
        bbox: Annotated[
            str | None,
            Query(
                description=(
                    "minlon,minlat,maxlon,maxlat (WGS84): serving an LA touching the box. A box "
                    "touching no English LA matches nothing, with a warning in `warnings`."
                    + _PLACE_NOTE
                ),
                examples=["-1.8,53.6,-1.3,54.0"],
            ),
        ] = None,
        lat: Annotated[
            float | None,
            Query(
                ge=-90,
                le=90,
                allow_inf_nan=False,
                description=(
                    "Latitude (WGS84); with lon, serving the LA containing the point. A point "
                    "outside England matches nothing, with a warning in `warnings`." + _PLACE_NOTE
                ),
            ),
        ] = None,
        lon: Annotated[
            float | None,
            Query(
                ge=-180,
                le=180,
                allow_inf_nan=False,
                description="Longitude (WGS84); with lat, see `lat`.",
            ),
        ] = None,
        q: Annotated[
            str | None,
            Query(
                max_length=200,
                description=(
                    "Words that must all appear in the name, description or provider (at "
                    "most 10, more is a 422; parts of words match too). Case-insensitive for every alphabet, "
                    "and a straight ' matches a curly one."
                ),
            ),
        ] = None,
        active_on: Annotated[
            date | None,
            Query(
                description=(
                    "Running on this date (YYYY-MM-DD): started by then (or no start date) and "
                    "not ended before it (or no end date). By status: `active` records count "
                    "when their dates allow (an undated active record always counts); "
                    "`planned` records count once their start date has passed (an undated "
                    "planned record never does); `ended` and `not_stated` records count only "
                    "within their dates (one with no end date never does)."
                )
            ),
        ] = None,
        updated_since: Annotated[
            datetime | None,
            Query(description="Changed at or after this time (ISO 8601)."),
        ] = None,
    ) -> None:
        self.values: dict[Dimension, list[str]] = {
            "age_band": split_values(age_band),
            "transition_point": split_values(transition_point),
            "target_group": split_values(target_group),
            "funding_source": split_values(funding_source),
            "intervention_type": split_values(intervention_type),
            "delivery_model": split_values(delivery_model),
            "evidence_level": split_values(evidence_level),
            "status": split_values(status),
        }
        self.all_of = split_values(all_of)
        self.age = age
        self.la = [item for item in la or [] if item.strip()]  # split by `read_la_list`
        self.region = split_values(region)
        self.bbox = bbox
        self.lat = lat
        self.lon = lon
        self.q = q.strip() if q else None
        self.active_on = active_on
        self.updated_since = updated_since
        self._bad_since = False
        if updated_since is not None:
            try:
                self.updated_since = (
                    updated_since.astimezone(UTC)
                    if updated_since.tzinfo
                    else updated_since.replace(tzinfo=UTC)
                )
            except OverflowError:
                self._bad_since = True

    @property
    def needs_geography(self) -> bool:
        return bool(
            self.la or self.region or self.bbox or self.lat is not None or self.lon is not None
        )

    def resolve(
        self,
        session: Session,
        catalogue: AreaCatalogue | None,
        *,
        states: tuple[str, ...] | None = None,
    ) -> ResolvedQuery:
        """Validate every value and build the filter; all problems are reported together."""
        problems: list[FieldProblem] = []
        if self.q and any(ord(ch) < 32 for ch in self.q):
            problems.append(query_problem("q", "must not contain control characters"))
        if self.q and len(words := self.q.split()) > MAX_WORDS:
            problems.append(
                query_problem(
                    "q",
                    f"has {len(words)} words; give at most {MAX_WORDS}, all of which must match",
                )
            )
        if self._bad_since:
            problems.append(
                query_problem("updated_since", "is outside the range of dates this service handles")
            )
        any_of, all_of = self._terms(problems)
        statuses = self._slugs("status", problems)
        warnings: list[str] = []
        area_sets: list[tuple[str, ...]] = []
        if self.needs_geography:
            assert catalogue is not None
            area_sets = self._places(session, catalogue, problems, warnings)
        if problems:
            fields = ", ".join(dict.fromkeys(p.field for p in problems))
            raise InvalidInputError(f"Some filter values are not valid: {fields}.", problems)
        flt = InterventionFilter(
            any_of=any_of,
            all_of=all_of,
            statuses=statuses,
            area_sets=tuple(area_sets),
            age=self.age,
            text=self.q,
            active_on=self.active_on,
            updated_since=self.updated_since,
        )
        if states is not None:
            flt = replace(flt, states=states)
        return ResolvedQuery(filter=flt, warnings=tuple(warnings))

    def _terms(
        self, problems: list[FieldProblem]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """The multi-valued dimensions' slugs, split into "any of" and "all of"."""
        for name in self.all_of:
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
            if slugs := self._slugs(dimension, problems):
                target = all_of if dimension in self.all_of else any_of
                target[dimension] = slugs
        return any_of, all_of

    def _slugs(self, dimension: Dimension, problems: list[FieldProblem]) -> tuple[str, ...]:
        """One dimension's values as slugs (labels and any case accepted), each once."""
        slugs: list[str] = []
        for raw in self.values[dimension]:
            try:
                slugs.append(normalise_value(dimension, raw))
            except ValueError as exc:
                problems.append(query_problem(dimension, str(exc)))
        return tuple(dict.fromkeys(slugs))

    def _places(
        self,
        session: Session,
        catalogue: AreaCatalogue,
        problems: list[FieldProblem],
        warnings: list[str],
    ) -> list[tuple[str, ...]]:
        sets: list[tuple[str, ...]] = []
        if self.la:
            sets.append(la_codes(self.la, catalogue, problems, warnings))
        if self.region:
            sets.append(region_las(self.region, catalogue, problems))
        if self.bbox is not None:
            sets.append(bbox_las(session, catalogue, self.bbox, problems, warnings))
        if (self.lat is None) != (self.lon is None):
            missing = "lat" if self.lat is None else "lon"
            problems.append(query_problem(missing, "lat and lon must be given together"))
        elif self.lat is not None and self.lon is not None:
            sets.append(point_las(session, catalogue, self.lat, self.lon, warnings))
        return sets


def resolve_query(
    query: Annotated[InterventionQuery, Depends()], session: SessionDep, request: Request
) -> ResolvedQuery:
    """The public filter for this request (published records only)."""
    catalogue = get_catalogue(request, session) if query.needs_geography else None
    return query.resolve(session, catalogue)


FilterDep = Annotated[ResolvedQuery, Depends(resolve_query)]
