"""The import template, to download and fill in: a workbook with drop-down lists, or a CSV header.

Public, as the typology is; with a partner's key the LA list is that key's own LAs, so an
officer picks only what the import will accept from them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import Session

from api.deps import SessionDep
from api.filtering.params import get_catalogue
from api.http.openapi_responses import responses
from api.writing.auth import bearer, get_caller
from models.errors import ServiceUnavailableError
from models.intake.workbooks.template import template_csv, template_xlsx

router = APIRouter(tags=["imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _las(
    request: Request, session: Session, key: HTTPAuthorizationCredentials | None
) -> dict[str, str]:
    """The LAs to offer: the key's own (a partner), else every LA loaded (none if no boundaries)."""
    caller = get_caller(session, key) if key is not None else None
    try:
        catalogue = get_catalogue(request, session)
    except ServiceUnavailableError:
        return {}
    scope = caller.scope(catalogue) if caller is not None else None
    return {
        code: info.name for code, info in catalogue.las.items() if scope is None or code in scope
    }


@router.get(
    "/imports/template.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {}}, "description": "The template workbook."},
        **responses(401, 503),
    },
)
def download_template_workbook(
    request: Request,
    session: SessionDep,
    key: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Response:
    """The import template as an Excel workbook: the columns with a note each, drop-down lists
    of the allowed values (the `Allowed values` sheet lists them with labels and
    descriptions), and the LA list limited to your key's LAs when you send one."""
    body = template_xlsx(_las(request, session, key))
    return Response(
        body,
        media_type=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="neetmap-template.xlsx"',
            "Cache-Control": "private, no-store" if key else "public, max-age=300",
        },
    )


@router.get(
    "/imports/template.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The header row."}},
)
def download_template_csv() -> Response:
    """The import template as CSV: the header row (UTF-8, for Excel)."""
    return Response(
        template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="neetmap-template.csv"'},
    )
