"""Service health and the typology."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.schemas.typology import TypologyPublic

router = APIRouter()


@router.get("/healthz", tags=["meta"], responses={503: ERROR_RESPONSES[503]})
def read_health(engine: EngineDep) -> JSONResponse:
    """Liveness and readiness: answers 200 only when the database answers a query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return JSONResponse(
        {"status": "ok", "database": {"status": "ok", "backend": engine.dialect.name}}
    )


@router.get("/api/v1/typology", tags=["typology"], response_model=TypologyPublic)
def read_typology() -> TypologyPublic:
    """The controlled vocabularies (version 1): every dimension's slugs, labels and descriptions."""
    return TypologyPublic.current()
