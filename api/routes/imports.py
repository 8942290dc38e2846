"""Uploads for people with spreadsheets (CSV or an Excel/OpenDocument workbook): a dry run that
reports every problem, then the import; and the template to fill in.

The file is the request body (`Content-Type: text/csv`) or the one file of a form
(`multipart/form-data`); either way the body is bounded by `NEETMAP_MAX_UPLOAD_BYTES`
(`api.http.body_limit`), refused with 413 before it is all in memory.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from api.deps import SessionDep
from api.filtering.params import CatalogueDep
from api.http.error_shape import ErrorBody, ErrorDetail, ErrorResponse
from api.http.openapi_responses import responses
from api.routes import import_templates
from api.schemas.submissions import ImportReport
from api.services.imports import run_import
from api.writing.auth import PartnerDep
from api.writing.idempotency import (
    CREATED_ALREADY,
    IfNoneMatch,
    created_already,
    find_replay,
    remember,
    request_hash,
)
from api.writing.inputs import UploadDep
from models.partners.accounts import IdempotencyRecord

router = APIRouter(tags=["imports"])
router.include_router(import_templates.router)

_RESPONSES = {**responses(401, 403, 413, 415, 422, 503), 412: CREATED_ALREADY}
_RESPONSES[200] = {"model": ImportReport, "description": "Dry run: the report, nothing stored"}

_FILE = {"type": "string", "format": "binary"}
_CSV_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file itself: CSV (UTF-8 with or without BOM, Excel's CSV, or "
        "Excel's 'Unicode Text'), an Excel workbook (.xlsx, .xls) or an OpenDocument "
        "spreadsheet (.ods); or a form with that one file.",
        "content": {
            "text/csv": {"schema": _FILE},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": _FILE},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": _FILE}, "required": ["file"]}
            },
        },
    }
}


def replay(stored: IdempotencyRecord) -> JSONResponse:
    """The first answer to a request, again, marked as a replay."""
    return JSONResponse(
        stored.response,
        status_code=stored.status_code,
        headers={**stored.headers, "Idempotent-Replayed": "true"},
    )


@router.post(
    "/imports",
    status_code=201,
    response_model=ImportReport,
    responses=_RESPONSES,
    openapi_extra=_CSV_BODY,
)
def import_interventions(
    caller: PartnerDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    data: UploadDep,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="Check the file and report, storing nothing.")
    ] = False,
    sheet: Annotated[
        str | None,
        Query(max_length=100, description="The workbook sheet to read; the first by default."),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=200, description="Makes a retried import safe."),
    ] = None,
    if_none_match: IfNoneMatch = None,
) -> ImportReport | JSONResponse:
    """Import interventions from a CSV file or a workbook, all or nothing, as submissions for
    moderation.

    A workbook (`.xlsx`, `.xls`, `.ods`, told apart by its bytes, not its name) is read from
    its first sheet, or the one `sheet` names: date cells as dates, formulas as their last
    calculated values, and a cell showing a formula error (`#REF!`) is a problem. A PDF, an
    image or another non-spreadsheet is a 415. Every problem names its cell (`E3`) and quotes
    its value.

    Caps, for CSV files and workbooks alike: 10,000 rows below the header, 100 columns, 10
    sheets, 20 MB (and 30 MB unpacked, for a workbook). A file over one is a 413 before any row is
    checked, dry run or not, its one detail naming the cap (`rows`, `columns`, `sheets`,
    `file`); a cell over 10,000 characters is a problem on that cell. A report lists the
    first 200 problems in full and counts every problem by column and kind.

    Columns: `name, description, provider, la_codes, age_min, age_max, age_bands,
    target_groups, funding_sources, transition_points, intervention_types, delivery_model,
    evidence_level, status, start_date, end_date, website, contact_email, source_url`; only
    `name` and `la_codes` are required. Headers may be singular or plural, use spaces or
    capitals, the JSON field names, or common phrasings (`target_group`, `LA code`,
    `Funding source(s)`, `Type of intervention`). A header close to a column but not one
    (`target_grp`) is a problem naming the column; other unknown columns are warnings, with
    a "did you mean" for a word people use for one (`url`, `council`). Separate several
    values in one cell with `;`, line breaks or commas; an LA name with a comma
    (`Bristol, City of`) is read whole. Labels (e.g. "Year 11 to post-16") are accepted as
    well as slugs. Comma- or tab-separated, or as a `sep=` first line says. An unknown query
    parameter (`dryrun`), or `dry_run` given twice with different values, is a 422.

    With `dry_run=true` nothing is stored and the report (200) lists every problem by row
    (the header is row 1) and column. Otherwise either every row is stored (201) or none is,
    and the same report comes back inside the error (422, or 403 for LAs outside your key).
    """
    fingerprint = request_hash("POST /api/v1/imports", data, sheet or "")
    if not dry_run and idempotency_key:
        stored = find_replay(session, caller, idempotency_key, fingerprint)
        if stored is not None:
            return created_already(if_none_match, stored) or replay(stored)
    outcome = run_import(session, catalogue, caller, data, dry_run=dry_run, sheet=sheet)
    report = outcome.report
    if dry_run:
        response.status_code = 200
        return report
    if not report.stored:
        session.rollback()
        status, code = (403, "forbidden") if outcome.forbidden else (422, "invalid_file")
        problems = report.problems_total
        error = ErrorBody(
            code=code,
            message="Nothing was stored: the file has "
            + ("1 problem. Fix it" if problems == 1 else f"{problems} problems. Fix them")
            + " and upload the file again.",
            details=[
                ErrorDetail(field=p.column, message=p.message, location="file", row=p.row)
                for p in report.problems
            ],
        )
        content = ErrorResponse(error=error).model_dump(mode="json")
        return JSONResponse(content | {"report": report.model_dump(mode="json")}, status)
    if idempotency_key and not remember(
        session, caller, idempotency_key, fingerprint, 201, report.model_dump(mode="json"), {}
    ):
        session.rollback()
        twin = find_replay(session, caller, idempotency_key, fingerprint)
        assert twin is not None
        return replay(twin)
    session.commit()
    return report
