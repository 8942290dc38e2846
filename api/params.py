"""Query parameters shared by every endpoint that filters interventions.

`InterventionQuery` is the single place where request parameters become an
`InterventionFilter`: list, GeoJSON, area counts, stats, exports and tiles all depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from api.deps import SessionDep
from geodata.errors import GeodataError
from models.catalogue import AreaCatalogue, CatalogueCache
from models.errors import FieldProblem, InvalidInputError
from models.filters import InterventionFilter
from models.queries.spatial import las_containing, las_intersecting
from models.typology import DIMENSIONS, MULTI_VALUED, Dimension, normalise_value

Values = Annotated[list[str] | None, Query()]


def _values_param(dimension: Dimension) -> object:
    return Query(
        description=(
            f"Only interventions with any of these `{dimension}` values (comma-separated or "
            "repeated). See /api/v1/typology for the allowed slugs."
        )
    )


def split_values(raw: list[str] | None) -> list[str]:
    """`a,b` and `?x=a&x=b` both mean [a, b]; blanks are dropped."""
    return [part.strip() for item in raw or [] for part in item.split(",") if part.strip()]


@dataclass(frozen=True)
class ResolvedQuery:
    filter: InterventionFilter
    warnings: tuple[str, ...]


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
            Query(ge=0, le=30, description="An age in years the intervention serves."),
        ] = None,
        la: Annotated[
            list[str] | None,
            Query(
                description=(
                    "LAs served: current or superseded GSS codes, DfE three-digit codes or "
                    "names (comma-separated or repeated)."
                )
            ),
        ] = None,
        region: Annotated[
            list[str] | None,
            Query(description="English regions: E12 codes or names (comma-separated)."),
        ] = None,
        bbox: Annotated[
            str | None,
            Query(
                description="minlon,minlat,maxlon,maxlat (WGS84): serving an LA touching it.",
                examples=["-1.8,53.6,-1.3,54.0"],
            ),
        ] = None,
        lat: Annotated[
            float | None,
            Query(ge=-90, le=90, description="Latitude; with lon, serving the LA there."),
        ] = None,
        lon: Annotated[
            float | None,
            Query(ge=-180, le=180, description="Longitude; with lat, serving the LA there."),
        ] = None,
        q: Annotated[
            str | None,
            Query(max_length=200, description="Words to find in name, description, provider."),
        ] = None,
        active_on: Annotated[
            date | None,
            Query(description="Running on this date (YYYY-MM-DD), by status and dates."),
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
        self.la = split_values(la)
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
            problems.append(FieldProblem("q", "must not contain control characters"))
        if self._bad_since:
            problems.append(
                FieldProblem("updated_since", "is outside the range of dates this service handles")
            )
        any_of, all_of = self._terms(problems)
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
            statuses=tuple(self.values["status"]),
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
        for name in self.all_of:
            if name not in MULTI_VALUED:
                allowed = ", ".join(MULTI_VALUED)
                problems.append(
                    FieldProblem(
                        "all_of", f"'{name}' is not a multi-valued dimension. Allowed: {allowed}."
                    )
                )
        any_of: dict[str, tuple[str, ...]] = {}
        all_of: dict[str, tuple[str, ...]] = {}
        for dimension in DIMENSIONS:
            slugs: list[str] = []
            for raw in self.values[dimension]:
                try:
                    slugs.append(normalise_value(dimension, raw))
                except ValueError as exc:
                    problems.append(FieldProblem(dimension, str(exc)))
            if slugs and dimension != "status":
                target = all_of if dimension in self.all_of else any_of
                target[dimension] = tuple(dict.fromkeys(slugs))
        return any_of, all_of

    def _places(
        self,
        session: Session,
        catalogue: AreaCatalogue,
        problems: list[FieldProblem],
        warnings: list[str],
    ) -> list[tuple[str, ...]]:
        sets: list[tuple[str, ...]] = []
        if self.la:
            codes: list[str] = []
            for text in self.la:
                try:
                    resolution = catalogue.resolve_la(text)
                except GeodataError as exc:
                    problems.append(FieldProblem("la", exc.message))
                    continue
                codes.extend(resolution.codes)
                if resolution.warning:
                    warnings.append(resolution.warning)
            sets.append(tuple(dict.fromkeys(codes)))
        if self.region:
            region_las: list[str] = []
            for text in self.region:
                try:
                    region_las.extend(catalogue.las_in_region(catalogue.resolve_region(text)))
                except GeodataError as exc:
                    problems.append(FieldProblem("region", exc.message))
            sets.append(tuple(region_las))
        if self.bbox is not None:
            try:
                sets.append(tuple(las_intersecting(session, catalogue, parse_bbox(self.bbox))))
            except ValueError as exc:
                problems.append(FieldProblem("bbox", str(exc)))
        if (self.lat is None) != (self.lon is None):
            problems.append(
                FieldProblem(
                    "lat" if self.lat is None else "lon", "lat and lon must be given together"
                )
            )
        elif self.lat is not None and self.lon is not None:
            sets.append(tuple(las_containing(session, catalogue, self.lon, self.lat)))
        return sets


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """`minlon,minlat,maxlon,maxlat` in WGS84 degrees, corners in order."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
    if not all(abs(v) != float("inf") and v == v for v in (minlon, minlat, maxlon, maxlat)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise ValueError("bbox longitudes must be between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ValueError("bbox latitudes must be between -90 and 90")
    if minlon > maxlon or minlat > maxlat:
        raise ValueError("bbox corners are reversed: give minlon,minlat,maxlon,maxlat")
    return minlon, minlat, maxlon, maxlat


def resolve_query(
    query: Annotated[InterventionQuery, Depends()], session: SessionDep, request: Request
) -> ResolvedQuery:
    """The public filter for this request (published records only)."""
    catalogue = get_catalogue(request, session) if query.needs_geography else None
    return query.resolve(session, catalogue)


FilterDep = Annotated[ResolvedQuery, Depends(resolve_query)]
