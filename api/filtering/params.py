"""Query parameters shared by every endpoint that filters interventions.

`InterventionQuery` is the single place where request parameters become an
`InterventionFilter`: list, GeoJSON, area counts, stats, exports and tiles all depend on it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import query_problem
from api.filtering.resolved import ResolvedQuery, resolve
from api.schemas.typology import (
    LA_VALUES_SCHEMA,
    REGION_VALUES_SCHEMA,
    typology_values_schema,
)
from api.state import app_state
from models.errors import InvalidInputError
from models.geography.catalogue import AreaCatalogue
from models.interventions.tables import PUBLICATION_STATES
from models.typology.vocabulary import Dimension


def _values_param(dimension: Dimension) -> object:
    return Query(
        description=(
            f"Only interventions with any of these `{dimension}` values (comma-separated or "
            "repeated; slugs or labels, any case). See /api/v1/typology for the allowed slugs."
        ),
        json_schema_extra=typology_values_schema(dimension),
    )


#: Place parameters narrow which interventions match and, on the area-by-area answers, which
#: areas are listed.
_PLACE_NOTE = (
    " On /api/v1/areas, /api/v1/stats and /api/v1/coverage only the areas inside it are listed."
)


def split_values(raw: list[str] | None) -> list[str]:
    """`a,b` and `?x=a&x=b` both mean [a, b]; blanks are dropped."""
    return [part.strip() for item in raw or [] for part in item.split(",") if part.strip()]


def publication_states(raw: list[str] | None) -> tuple[str, ...]:
    """The publication states asked for, any case, comma-separated or repeated; 422 naming
    any other value."""
    asked = [value.lower() for value in split_values(raw)]
    if unknown := [value for value in asked if value not in PUBLICATION_STATES]:
        allowed = ", ".join(PUBLICATION_STATES)
        message = f"'{unknown[0]}' is not a publication state. Allowed: {allowed}."
        raise InvalidInputError(message, [query_problem("publication_state", message)])
    return tuple(dict.fromkeys(asked)) or tuple(PUBLICATION_STATES)


def get_catalogue(request: Request, session: SessionDep) -> AreaCatalogue:
    """The loaded geography, or a 503 naming the command that loads boundaries."""
    cache = app_state(request.app).catalogue
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
                ),
                examples=[["E08000035"]],
                json_schema_extra=LA_VALUES_SCHEMA,
            ),
        ] = None,
        region: Annotated[
            list[str] | None,
            Query(
                description="English regions: E12 codes or names (comma-separated)." + _PLACE_NOTE,
                examples=[["E12000003"]],
                json_schema_extra=REGION_VALUES_SCHEMA,
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
        self.bad_since = False
        if updated_since is not None:
            try:
                self.updated_since = (
                    updated_since.astimezone(UTC)
                    if updated_since.tzinfo
                    else updated_since.replace(tzinfo=UTC)
                )
            except OverflowError:
                self.bad_since = True

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
        """Validate every value and build the filter; all problems are reported together
        (`api.filtering.resolved`)."""
        return resolve(self, session, catalogue, states=states)


def resolve_query(
    query: Annotated[InterventionQuery, Depends()], session: SessionDep, request: Request
) -> ResolvedQuery:
    """The public filter for this request (published records only)."""
    catalogue = get_catalogue(request, session) if query.needs_geography else None
    return query.resolve(session, catalogue)


FilterDep = Annotated[ResolvedQuery, Depends(resolve_query)]
