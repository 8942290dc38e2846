"""`/livez` and `/readyz`: what a load balancer or orchestrator asks before sending traffic.

`/livez` answers from the process alone (restart me only if this fails); `/readyz` answers
200 only when this worker can serve every endpoint: the database answers, its schema is at
the migrations' head (a half-applied or pending migration is not ready) and boundaries are
loaded (else the map endpoints answer 503). `/healthz` (api/routes/meta.py) is unchanged.
"""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api import migrations
from api.errors import ERROR_RESPONSES
from api.http.error_shape import ErrorDetail, error_response
from models.geography.catalogue import boundary_version

router = APIRouter(tags=["meta"])


@cache
def head_revisions() -> frozenset[str]:
    """The migrations' head revisions in this installation (read once per process)."""
    config = migrations.alembic_config("sqlite://")
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness_problems(engine: Engine) -> list[ErrorDetail]:
    """What keeps this worker from serving, each as a named check; empty when ready."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return [ErrorDetail(field="database", message="does not answer", location="readiness")]
    heads = head_revisions()
    if current != heads:
        at = ", ".join(sorted(current)) or "no schema"
        return [
            ErrorDetail(
                field="schema",
                message=f"is at {at}, not the head {', '.join(sorted(heads))}: run "
                "`neetmap db upgrade`",
                location="readiness",
            )
        ]
    try:
        with Session(engine) as session:
            loaded = boundary_version(session) is not None
    except SQLAlchemyError:
        return [ErrorDetail(field="database", message="does not answer", location="readiness")]
    if not loaded:
        return [
            ErrorDetail(
                field="boundaries",
                message="are not loaded: run `neetmap boundaries load` or `download`",
                location="readiness",
            )
        ]
    return []


@router.get("/livez")
def read_liveness() -> JSONResponse:
    """Liveness: the process answers. It never touches the database."""
    return JSONResponse({"status": "alive"}, headers={"Cache-Control": "no-store"})


@router.get("/readyz", responses={503: ERROR_RESPONSES[503]})
def read_readiness(request: Request) -> JSONResponse:
    """Readiness: 200 when the database answers, the schema is at the head migration and
    boundaries are loaded; else 503 `not_ready` naming each failed check."""
    engine: Engine = request.app.state.engine
    problems = readiness_problems(engine)
    if problems:
        response = error_response(
            503,
            "not_ready",
            "Not ready: " + "; ".join(f"{p.field} {p.message}" for p in problems) + ".",
            problems,
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Retry-After"] = "5"
        return response
    return JSONResponse(
        {"status": "ready", "database": engine.dialect.name, "schema": sorted(head_revisions())},
        headers={"Cache-Control": "no-store"},
    )
