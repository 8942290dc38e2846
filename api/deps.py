"""Injected things, each named once as an `Annotated` alias."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api.state import app_state
from models.interventions.facets import FacetReader

log = logging.getLogger("neetmap.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_engine(request: Request) -> Engine:
    engine = app_state(request.app).engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; it only opens, rolls back on error and closes (handlers commit).

    Requests that may write get the writing engine (see `models.engine.for_writing`), public
    reads the replica's when one is configured. Closing
    runs after the response has started, so a connection lost by then (a restarted database)
    is logged, not raised into the server.
    """
    state = app_state(request.app)
    engine: Engine = state.engine if request.method in SAFE_METHODS else state.write_engine
    if request.method in SAFE_METHODS and "authorization" not in request.headers:
        # Public reads may come from the replica (NEETMAP_READ_DATABASE_URL); a keyed read
        # stays on the primary, so a partner sees its own writes at once.
        engine = getattr(state, "read_engine", engine)
    session = Session(engine)
    try:
        yield session
    except Exception:
        _quietly(session.rollback)
        raise
    finally:
        _quietly(session.close)


def _quietly(step: Callable[[], None]) -> None:
    try:
        step()
    except SQLAlchemyError as exc:
        log.warning("database connection lost while ending a request: %s", exc.__class__.__name__)


def get_facets(request: Request, session: Annotated[Session, Depends(get_session)]) -> FacetReader:
    """The worker's facets for the data this request's session sees (`models.interventions.facets`)."""
    cache = app_state(request.app).facet_cache
    return cache.current(session)


EngineDep = Annotated[Engine, Depends(get_engine)]
FacetsDep = Annotated[FacetReader, Depends(get_facets)]
SessionDep = Annotated[Session, Depends(get_session)]


class PageParams:
    """Offset paging: `limit` (1-500, default 50) and `offset` (0 or more)."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=500, description="Items per page, 1 to 500.")] = 50,
        offset: Annotated[
            int, Query(ge=0, le=2**31 - 1, description="Number of matching items to skip.")
        ] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


PageDep = Annotated[PageParams, Depends()]
