"""Whole-dataset downloads for researchers: CSV, GeoJSON and GeoPackage under the list's filters.

An export is every record the list would page through, read in one database snapshot so the
pages agree, and streamed: CSV and GeoJSON are written a page of 500 at a time as they are
sent, and a GeoPackage is built page by page in a temporary file and then streamed from it.
Each file names the dataset version it was made from, its licence and attribution.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session

from api.caching import etag_matches, version_etag
from api.deps import EngineDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.params import FilterDep, get_catalogue
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
from api.services.gpkg_export import GPKG_MEDIA_TYPE, write_geopackage
from models.catalogue import AreaCatalogue, boundary_version
from models.filters import InterventionFilter
from models.intervention import Intervention
from models.queries.areas import count_by_area
from models.queries.interventions import list_interventions

router = APIRouter(prefix="/api/v1/export", tags=["exports"])

ExportFormat = Literal["csv", "geojson", "gpkg"]
PAGE_SIZE = 500
FILE_CHUNK = 256 * 1024
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": CSV_MEDIA_TYPE,
    "geojson": "application/geo+json",
    "gpkg": GPKG_MEDIA_TYPE,
}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, streamed, as an attachment.",
        "content": {
            media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for media in MEDIA_TYPES.values()
        },
    },
    304: {"description": "Not modified: the dataset is unchanged since the ETag you sent."},
    422: ERROR_RESPONSES[422],
    503: ERROR_RESPONSES[503],
}


@router.get("", response_class=Response, responses=EXPORT_RESPONSES)
def export_interventions(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    query: FilterDep,
    format: Annotated[
        ExportFormat,
        Query(
            description=(
                "`csv` (the partner import's columns plus `id`; licence, attribution and "
                "version in the CSVW sidecar named by the `Link` header), `geojson` (one "
                "Feature per intervention; version, licence and attribution in the top-level "
                "`metadata` member) or `gpkg` (GeoPackage: layers `interventions`, `las` with "
                "`intervention_count`, and a `metadata` table)."
            )
        ),
    ] = "csv",
    geometry: Annotated[GeometryChoice, Query(description=GEOMETRY_HELP)] = "areas",
) -> Response:
    """Every published intervention matching the filters (the same records as
    `/api/v1/interventions`, in id order), as one file.

    The file carries the dataset version (the time of the last change to any record, and the
    typology version), the licence (Open Government Licence v3.0) and the attribution. The
    strong ETag names that version and the request, so an unchanged dataset answers a
    conditional request with 304 without building the file.
    """
    version = dataset_version(session)
    canonical = _canonical_query(request)
    etag = version_etag(
        request.app.version,
        version.label,
        version.published,
        version.boundary_version,
        canonical,
    )
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    filename = f"neetmap-interventions-{version.label}.{format}"
    headers = {"ETag": etag, "Content-Disposition": f'attachment; filename="{filename}"'}
    unions: AreaUnionCache = request.app.state.union_cache
    if format == "gpkg":
        catalogue = get_catalogue(request, session)
        counts = count_by_area(session, query.filter, "la")
        metadata = export_metadata(version, canonical, None)
        handle = _geopackage(
            engine, query.filter, geometry, catalogue, unions, counts, metadata, version.gpkg_stamp
        )
        return StreamingResponse(
            _file_chunks(handle), media_type=MEDIA_TYPES[format], headers=headers
        )
    if format == "csv":
        sidecar = request.url_for("read_export_metadata").replace(query=request.url.query)
        headers["Link"] = f'<{sidecar}>; rel="describedby"; type="{CSVW_MEDIA_TYPE}"'
        return StreamingResponse(
            csv_chunks(_started(_pages(engine, query.filter))),
            media_type=CSV_MEDIA_TYPE,
            headers=headers,
        )
    warnings = list(query.warnings)
    catalogue_or_none = catalogue_for(geometry, lambda: get_catalogue(request, session), warnings)
    members = {
        "name": "interventions",
        "metadata": export_metadata(version, canonical, None),
        "warnings": warnings,
    }
    pages = (
        features(page, geometry, catalogue_or_none, unions)
        for page in _started(_pages(engine, query.filter))
    )
    return StreamingResponse(
        feature_collection_chunks(members, pages), media_type=MEDIA_TYPES[format], headers=headers
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
    """The CSV export's sidecar (W3C CSVW metadata): dataset version, licence, attribution
    and the type of every column. Takes the same filters as the export it describes."""
    del query  # validated like the export's, so a sidecar never describes an invalid request
    version = dataset_version(session)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    query_string = urlencode([*params, ("format", "csv")])
    csv_url = str(request.url_for("export_interventions").replace(query=query_string))
    canonical = _canonical_query(request)
    return JSONResponse(csvw_sidecar(version, csv_url, canonical), media_type=CSVW_MEDIA_TYPE)


def _canonical_query(request: Request) -> str:
    """The query string with its parameters sorted: the same request spelt in another order
    names the same file."""
    return "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))


def dataset_version(session: Session) -> DatasetVersion:
    """The newest change to a published record and how many there are (one indexed query).

    Only published records count, so a draft's submission time never shows in public."""
    newest = list_interventions(
        session, InterventionFilter(), limit=1, offset=0, sort="-updated_at"
    )
    return DatasetVersion(
        last_changed_at=newest.items[0].updated_at if newest.items else None,
        published=newest.total,
        boundary_version=boundary_version(session),
    )


def _pages(engine: Engine, flt: InterventionFilter) -> Iterator[Sequence[Intervention]]:
    """Every matching record in id order, a page at a time, all read in one snapshot."""
    with Session(engine) as session:
        _begin_snapshot(session)
        offset = 0
        while True:
            page = list_interventions(session, flt, limit=PAGE_SIZE, offset=offset, sort="id")
            if page.items:
                yield page.items
            session.expunge_all()  # memory stays at one page however large the export
            offset += PAGE_SIZE
            if offset >= page.total or not page.items:
                return


def _started(pages: Iterator[Sequence[Intervention]]) -> Iterator[Sequence[Intervention]]:
    """Read the first page now, so that a query that fails is an error response rather than
    a download cut short after its 200 has gone."""
    first = next(pages, None)
    return itertools.chain([first] if first is not None else [], pages)


def _begin_snapshot(session: Session) -> None:
    """Make the pages one consistent read: repeatable read on PostgreSQL; on SQLite every
    transaction is already one WAL snapshot (which does not block writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection()


def _geopackage(
    engine: Engine,
    flt: InterventionFilter,
    geometry: GeometryChoice,
    catalogue: AreaCatalogue,
    unions: AreaUnionCache,
    counts: dict[str, int],
    metadata: dict[str, Any],
    stamp: str,
) -> IO[bytes]:
    """Build the GeoPackage in a private temporary folder and return it open for reading.

    The folder is removed at once: the open handle keeps the file readable until the stream
    closes it, and nothing is left behind however the download ends.
    """
    folder = Path(tempfile.mkdtemp(prefix="neetmap-export-"))
    try:
        path = folder / "interventions.gpkg"
        write_geopackage(
            path,
            _pages(engine, flt),
            geometry=geometry,
            catalogue=catalogue,
            unions=unions,
            counts=counts,
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
