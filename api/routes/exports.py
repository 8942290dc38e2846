"""Whole-dataset downloads for researchers: CSV, GeoJSON and GeoPackage under the list's filters.

An export is every record the list would page through, read in one database snapshot (its
version, its records and, for a GeoPackage, its LA counts agree) as plain rows a page at a
time, and streamed: CSV and GeoJSON are written a page of 500 at a time as they are sent, and
a GeoPackage is built page by page in a temporary file and then streamed from it. Each file
names the dataset version it was made from, its licence, attribution and filter warnings.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session

from api.deps import EngineDep, SessionDep
from api.errors import ERROR_RESPONSES, query_problem
from api.filtering.params import FilterDep, get_catalogue
from api.http.caching import matching_tag, version_etag
from api.http.encoding import accepts_gzip
from api.schemas.export_metadata import (
    CSVW_MEDIA_TYPE,
    DatasetVersion,
    csvw_sidecar,
    export_metadata,
)
from api.schemas.intervention_csv import CSV_MEDIA_TYPE, csv_chunks
from api.schemas.intervention_geojson import (
    GEOMETRY_HELP,
    AreaUnionCache,
    GeometryChoice,
    catalogue_for,
    feature_collection_chunks,
    features,
)
from api.settings import Settings
from api.state import app_state
from models.errors import InvalidInputError
from models.freshness.caches import FacetCache
from models.freshness.stamp import published_state
from models.geography.catalogue import AreaCatalogue
from models.interventions.filters import InterventionFilter
from models.interventions.records import InterventionRecord, count_matching, record_pages
from models.research.areas import count_by_area

router = APIRouter(prefix="/api/v1/export", tags=["exports"])

ExportFormat = Literal["csv", "geojson", "gpkg"]
PAGE_SIZE = 500
FILE_CHUNK = 256 * 1024
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": CSV_MEDIA_TYPE,
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, streamed, as an attachment.",
        "content": {
            # GeoJSON is a JSON document (a FeatureCollection); the others are files.
            media.split(";")[0]: {
                "schema": {"type": "object"}
                if format == "geojson"
                else {"type": "string", "format": "binary"}
            }
            for format, media in MEDIA_TYPES.items()
        },
    },
    304: {"description": "Not modified: the dataset is unchanged since the ETag you sent."},
    422: ERROR_RESPONSES[422],
    503: ERROR_RESPONSES[503],
}


@router.get("", response_class=Response, responses=EXPORT_RESPONSES)
def export_interventions(
    request: Request,
    engine: EngineDep,
    query: FilterDep,
    format: Annotated[
        ExportFormat,
        Query(
            description=(
                "`csv` (the partner import's columns plus `id`; licence, attribution, version "
                "and warnings in the CSVW sidecar named by the `Link` header, warnings also in "
                "`Warning` headers), `geojson` (one Feature per intervention; version, licence "
                "and attribution in the top-level `metadata` member) or `gpkg` (GeoPackage: "
                "layers `interventions`, `las` with `intervention_count`, and a `metadata` "
                "table)."
            )
        ),
    ] = "csv",
    geometry: Annotated[GeometryChoice, Query(description=GEOMETRY_HELP)] = "areas",
) -> Response:
    """Every published intervention matching the filters (the same records as
    `/api/v1/interventions`), as one file, read in one database snapshot.

    Records are always in id order: `sort` (of `/api/v1/interventions`) is not applied here,
    because the file is read from the snapshot in pages keyed on id, which keeps it
    consistent however large it is. Sort the file afterwards if you need another order.

    The file carries the dataset version (`<newest change to a published record>.<digest of
    the data's change stamp>.typology-<n>`: it changes whenever the exported content can,
    withdrawals included), the licence (Open Government Licence v3.0), the attribution and
    any warnings about the filters. The strong ETag names that version and the request, so
    an unchanged dataset answers a conditional request with 304 without building the file.
    """
    canonical = _canonical_query(request)
    with ExitStack() as owned:
        snapshot = owned.enter_context(_snapshot(engine))
        version = dataset_version(snapshot)
        etag = version_etag(
            request.app.version,
            version.label,
            version.published,
            version.boundary_version,
            canonical,
        )
        inm, coding = request.headers.get("if-none-match"), request.headers.get("accept-encoding")
        if held := matching_tag(inm, etag, prefer_gzip=accepts_gzip(coding)):
            return Response(status_code=304, headers={"ETag": held})
        filename = f"neetmap-interventions-{version.label}.{format}"
        headers = {"ETag": etag, "Content-Disposition": f'attachment; filename="{filename}"'}
        metadata = export_metadata(version, canonical, query.warnings)
        unions = app_state(request.app).union_cache
        if format == "gpkg":
            _within_gpkg_ceiling(snapshot, query.filter, app_state(request.app).settings)
            handle = _geopackage(
                snapshot,
                query.filter,
                geometry,
                get_catalogue(request, snapshot),
                unions,
                app_state(request.app).facet_cache,
                metadata,
                version.gpkg_stamp,
            )
            return StreamingResponse(
                _file_chunks(handle), media_type=MEDIA_TYPES[format], headers=headers
            )
        catalogue = None
        if format == "geojson":
            warnings = metadata["warnings"]
            catalogue = catalogue_for(geometry, lambda: get_catalogue(request, snapshot), warnings)
        pages = _started(_owning(owned.pop_all(), record_pages(snapshot, query.filter, PAGE_SIZE)))
        _without_statement_timeout(snapshot)
    if format == "csv":
        sidecar = request.url_for("read_export_metadata").replace(query=request.url.query)
        headers["Link"] = f'<{sidecar}>; rel="describedby"; type="{CSVW_MEDIA_TYPE}"'
        if warning := query.warning_header():
            headers["Warning"] = warning
        return StreamingResponse(csv_chunks(pages), media_type=CSV_MEDIA_TYPE, headers=headers)
    members = {"name": "interventions", "metadata": metadata, "warnings": metadata["warnings"]}
    chunks = (features(page, geometry, catalogue, unions) for page in pages)
    return StreamingResponse(
        feature_collection_chunks(members, chunks), media_type=MEDIA_TYPES[format], headers=headers
    )


@router.get(
    "/metadata",
    response_class=JSONResponse,
    responses={
        200: {"content": {CSVW_MEDIA_TYPE: {}}, "description": "CSVW metadata"},
        422: ERROR_RESPONSES[422],
    },
)
def read_export_metadata(request: Request, session: SessionDep, query: FilterDep) -> JSONResponse:
    """The CSV export's sidecar (W3C CSVW metadata): dataset version, licence, attribution,
    warnings about the filters and the type of every column. Takes the same filters as the
    export it describes."""
    version = dataset_version(session)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    query_string = urlencode([*params, ("format", "csv")])
    csv_url = str(request.url_for("export_interventions").replace(query=query_string))
    canonical = _canonical_query(request)
    return JSONResponse(
        csvw_sidecar(version, csv_url, canonical, query.warnings), media_type=CSVW_MEDIA_TYPE
    )


def _canonical_query(request: Request) -> str:
    """The query string with its parameters sorted: the same request spelt in another order
    names the same file."""
    return "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))


def dataset_version(session: Session) -> DatasetVersion:
    """The dataset's version as exports name it (one round trip)."""
    return DatasetVersion.of(published_state(session))


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Session]:
    """A session whose reads are one consistent snapshot: repeatable read on PostgreSQL; on
    SQLite every transaction is already one WAL snapshot (which does not block writers)."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            session.connection()
        yield session


def _without_statement_timeout(snapshot: Session) -> None:
    """Once the first page is read and the 200 is about to go, a statement timeout could only
    cut the download short (a truncated file that looks whole), so the rest of the snapshot
    runs without one. The first page, read under the timeout, still fails as a 503."""
    if snapshot.get_bind().dialect.name == "postgresql":
        snapshot.connection().exec_driver_sql("SET LOCAL statement_timeout = 0")


def _owning(
    owned: ExitStack, pages: Iterator[list[InterventionRecord]]
) -> Iterator[list[InterventionRecord]]:
    """The pages, closing the snapshot when they end, fail or are abandoned mid-stream."""
    with owned:
        yield from pages


def _started(pages: Iterator[list[InterventionRecord]]) -> Iterator[list[InterventionRecord]]:
    """Read the first page now, so that a query that fails is an error response rather than
    a download cut short after its 200 has gone (and the snapshot is held from now on)."""
    first = next(pages, None)
    return itertools.chain([first] if first is not None else [], pages)


def _within_gpkg_ceiling(snapshot: Session, flt: InterventionFilter, settings: Settings) -> None:
    """Refuse a GeoPackage over its ceiling before building it: it is written whole to disk
    on the server (GDAL writes no stream), so its cost grows with the records, unlike the
    CSV and GeoJSON exports, which stream a page at a time."""
    ceiling = settings.export_gpkg_max_records
    if (found := count_matching(snapshot, flt)) > ceiling:
        problem = (
            f"{found:,} records match, and a GeoPackage export holds up to {ceiling:,}. Narrow "
            "the filters (a region, a typology value), or ask format=csv or format=geojson, "
            "which stream any number of records."
        )
        raise InvalidInputError(problem, [query_problem("format", problem)])


def _geopackage(
    snapshot: Session,
    flt: InterventionFilter,
    geometry: GeometryChoice,
    catalogue: AreaCatalogue,
    unions: AreaUnionCache,
    facets: FacetCache,
    metadata: dict[str, Any],
    stamp: str,
) -> IO[bytes]:
    """Build the GeoPackage from one snapshot (the `las` counts and the records agree) in a
    private temporary folder and return it open for reading.

    The folder is removed at once: the open handle keeps the file readable until the stream
    closes it, and nothing is left behind however the download ends.
    """
    # Imported here: geopandas and GDAL cost about 80 MB of RSS, which a server that never
    # writes a GeoPackage should not carry.
    from api.services.gpkg_export import write_geopackage

    folder = Path(tempfile.mkdtemp(prefix="neetmap-export-"))
    try:
        path = folder / "interventions.gpkg"
        write_geopackage(
            path,
            record_pages(snapshot, flt, PAGE_SIZE),
            geometry=geometry,
            catalogue=catalogue,
            unions=unions,
            counts=count_by_area(snapshot, flt, "la", facets),
            metadata=metadata,
            stamp=stamp,
        )
        return path.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk
