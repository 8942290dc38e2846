"""Research reads: cross-tabulations and coverage gaps, under the same filters as the list.

Both take `FilterDep`, so `/stats`, `/coverage`, `/areas` and `/interventions` always agree
on what matches, and both follow the counting rule of `models.research.areas`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.errors import ERROR_RESPONSES, query_problem
from api.filtering.params import CatalogueDep, FilterDep, get_catalogue, split_values
from api.filtering.resolved import ResolvedQuery
from api.http.responses import GeoJSONResponse
from api.schemas.areas import GeometryDetail, feature, feature_collection
from api.schemas.context import ContextSnapshot, context_snapshot
from api.schemas.research import (
    CoverageItem,
    CoverageReport,
    StatsTable,
    coverage_csv,
    stats_csv,
)
from api.services.research_tables import stats_rows, table_cells
from api.state import app_state
from models.errors import InvalidInputError
from models.freshness.caches import FacetCache
from models.research.areas import count_by_area
from models.research.stats import GROUP_DIMENSIONS, count_cells

router = APIRouter(prefix="/api/v1", tags=["research"])

CSV: dict[str, Any] = {
    "content": {"text/csv": {}},
    "description": "CSV with a header row (`format=csv`).",
}
GEOJSON: dict[str, Any] = {
    "content": {"application/geo+json": {}},
    "description": "GeoJSON (`format=geojson`).",
}
NO_CONTEXT = (
    "No context indicators are loaded yet, so every context is empty (null): run "
    "`neetmap context load` (or set NEETMAP_CONTEXT and run it) to fill them."
)
WithContextQuery = Annotated[
    bool,
    Query(
        description=(
            "Add each LA's (or region's) context indicators: NEET %, Not Known %, cohort, "
            "September Guarantee %, IMD 2019 score and rank, each with its year and source."
        )
    ),
]


def _group_by(raw: list[str]) -> list[str]:
    dimensions = split_values(raw)
    allowed = ", ".join(GROUP_DIMENSIONS)
    problem = None
    if not 1 <= len(dimensions) <= 2:
        problem = f"Give one or two dimensions, e.g. region,target_group. Allowed: {allowed}."
    elif unknown := [d for d in dimensions if d not in GROUP_DIMENSIONS]:
        problem = f"'{unknown[0]}' is not a dimension to group by. Allowed: {allowed}."
    elif len(set(dimensions)) != len(dimensions):
        problem = "Give two different dimensions."
    if problem:
        raise InvalidInputError(
            f"group_by is not valid: {problem}", [query_problem("group_by", problem)]
        )
    return dimensions


def _snapshot(request: Request, session: SessionDep, warnings: list[str]) -> ContextSnapshot:
    """The context to add; when none was ever loaded, the answer is still a 200, its context
    empty and a warning saying why (as every feature whose data is missing answers)."""
    snapshot = context_snapshot(request, session)
    if snapshot.version is None:
        warnings.append(NO_CONTEXT)
    return snapshot


def _facets(request: Request) -> FacetCache:
    cache = app_state(request.app).facet_cache
    return cache


def _csv(text: str, name: str, query: ResolvedQuery) -> Response:
    """A CSV answer; the filter warnings the JSON answer carries go in `Warning` headers, as
    on the CSV export, since a CSV has no place of its own for them."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    if warning := query.warning_header():
        headers["Warning"] = warning
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get(
    "/stats",
    response_model=StatsTable,
    responses={200: CSV, 422: ERROR_RESPONSES[422], 503: ERROR_RESPONSES[503]},
)
def read_stats(
    request: Request,
    session: SessionDep,
    query: FilterDep,
    group_by: Annotated[
        list[str],
        Query(
            description=(
                "One or two of `la`, `region` and the typology dimensions, comma-separated, "
                "e.g. `region,target_group`."
            ),
            examples=["region,target_group"],
        ),
    ],
    output_format: Annotated[
        Literal["json", "csv"], Query(alias="format", description="`json` or `csv`.")
    ] = "json",
    with_context: WithContextQuery = False,
) -> Any:
    """Counts of published interventions matching the filters by one or two dimensions, with
    every combination of values listed (zero cells included). An intervention counts once in
    each LA and each region it serves and once under each typology value it carries.

    With a place filter (`la`, `region`, `bbox`, `lat`+`lon`), rows by `la` or `region` are
    only the LAs inside it and their regions; `group_by=la,region` pairs each LA with its own
    region."""
    dimensions = _group_by(group_by)
    places = [d for d in dimensions if d in {"la", "region"}]
    if with_context and not places:
        message = "with_context needs group_by to include la or region."
        raise InvalidInputError(message, [query_problem("with_context", message)])
    catalogue = get_catalogue(request, session) if places else None
    warnings = list(query.warnings)
    snapshot = _snapshot(request, session, warnings) if with_context else None
    counts, total = count_cells(session, query.filter, dimensions, _facets(request))
    table = table_cells(dimensions, counts, catalogue, query.filter.place_las())
    rows = stats_rows(dimensions, table, catalogue)
    context, context_by = None, "la" if "la" in places else "region"  # the finer place
    if snapshot is not None:
        codes = dict.fromkeys(str(row[context_by]) for row in rows)
        context = {code: snapshot.for_area(code) for code in codes}
    result = StatsTable(
        group_by=dimensions,
        total=total,
        cells=len(rows),
        rows=rows,
        boundary_version=catalogue.version if catalogue else None,
        context_by=context_by if snapshot else None,
        context=context,
        context_version=snapshot.version if snapshot else None,
        warnings=warnings,
    )
    if output_format == "csv":
        return _csv(stats_csv(result), "neetmap-stats", query)
    return result


@router.get(
    "/coverage",
    response_model=CoverageReport,
    responses={200: {"content": {**CSV["content"], **GEOJSON["content"]}}, **ERROR_RESPONSES},
)
def read_coverage(
    request: Request,
    session: SessionDep,
    catalogue: CatalogueDep,
    query: FilterDep,
    gaps_only: Annotated[
        bool, Query(description="List only the LAs with no matching intervention.")
    ] = False,
    output_format: Annotated[
        Literal["json", "csv", "geojson"],
        Query(alias="format", description="`json`, `csv`, or `geojson` for a map of gaps."),
    ] = "json",
    with_context: WithContextQuery = False,
    geometry: Annotated[
        GeometryDetail,
        Query(
            description="With `format=geojson`: boundary detail, `full`, `simplified` or `none`."
        ),
    ] = "full",
    precision: Annotated[
        int, Query(ge=1, le=6, description="With `format=geojson`: decimal places (5 ≈ 1 m).")
    ] = 5,
) -> Any:
    """Every LA and whether any published intervention matching the filters serves it, with
    the count; `gaps_only=true` keeps only the LAs with none (e.g. no provision for
    `target_group=care_experienced` at `transition_point=year_11_post_16`). With a place
    filter (`la`, `region`, `bbox`, `lat`+`lon`) only the LAs inside it are listed and
    totalled, e.g. the gaps of one region."""
    warnings = list(query.warnings)
    snapshot = _snapshot(request, session, warnings) if with_context else None
    counts = count_by_area(session, query.filter, "la", _facets(request))
    places = query.filter.place_las()
    las = catalogue.codes_within("la", places)
    items = []
    for code in las:
        info = catalogue.las[code]
        count = counts.get(code, 0)
        if gaps_only and count:
            continue
        region = catalogue.region_of(code)
        items.append(
            CoverageItem(
                code=code,
                name=info.name,
                region_code=region.code if region else info.region_code,
                region_name=region.name if region else None,
                count=count,
                covered=count > 0,
                context=snapshot.for_area(code) if snapshot else None,
            )
        )
    covered = sum(1 for code in las if counts.get(code, 0))
    report = CoverageReport(
        total_las=len(las),
        covered_las=covered,
        gap_las=len(las) - covered,
        gaps_only=gaps_only,
        items=items,
        boundary_version=catalogue.version,
        context_version=snapshot.version if snapshot else None,
        warnings=warnings,
    )
    if output_format == "csv":
        return _csv(coverage_csv(report, with_context), "neetmap-coverage", query)
    if output_format == "geojson":
        cache = app_state(request.app).geometry_cache
        features = [
            feature(
                item.model_dump(exclude_none=not with_context),
                cache.fragment(catalogue, item.code, geometry, precision),
                catalogue.las[item.code].bbox,
                precision,
            )
            for item in report.items
        ]
        members = report.model_dump(exclude={"items"})
        return GeoJSONResponse(feature_collection(features, **members))
    return report
