"""Async dependencies for reads whose work is in memory.

A sync dependency (or a class used as one) runs on the thread pool: a hop of tens of
microseconds per dependency per request, more than the work of a point lookup. These run on
the event loop, and go to the thread pool, with one session, only when the database is
needed (stale versions, a catalogue to load, a layer to render, a PostGIS query).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import get_session
from api.filtering.params import InterventionQuery
from models.freshness import DataVersions, Versions
from models.freshness.caches import CatalogueCache
from models.geography.catalogue import AreaCatalogue

T = TypeVar("T")
_request_session = contextmanager(get_session)


def data_versions(request: Request) -> DataVersions:
    """The app's data versions: what any per-version cache (layers, areas, tiles) keys by."""
    versions: DataVersions = request.app.state.versions
    return versions


def versions_now(request: Request) -> Versions:
    """The current versions from a sync route (on the thread pool, so a due check may block):
    the key of every per-version cache (layers, areas, tiles, OGC pages)."""
    return data_versions(request).current()


async def current_versions(request: Request) -> Versions:
    """The current versions; read off the event loop when they are due for a check."""
    versions = data_versions(request)
    known = versions.known()
    return known if known is not None else await run_in_threadpool(versions.current)


async def with_session(request: Request, work: Callable[[Session], T]) -> T:
    """`work` on the thread pool with one session of this request (the same rules as
    `api.deps.get_session`: rolled back on error, always closed)."""

    def run() -> T:
        with _request_session(request) as session:
            return work(session)

    return await run_in_threadpool(run)


async def current_catalogue(request: Request) -> AreaCatalogue:
    """The loaded geography from memory, or a 503 naming the command that loads boundaries;
    loaded with one session off the event loop when the boundaries changed."""
    cache: CatalogueCache = request.app.state.catalogue
    found = cache.ready()
    if found is not None:
        return found
    return await with_session(request, cache.get)


def uses_postgis(request: Request) -> bool:
    engine: Engine = request.app.state.engine
    return engine.dialect.name == "postgresql"


async def read_query(**values: Any) -> InterventionQuery:
    """`InterventionQuery` built on the event loop: FastAPI runs a class dependency on the
    thread pool, a function with the same signature it calls directly."""
    return InterventionQuery(**values)


# Evaluated here: the annotations are strings naming things in `api.filtering.params`.
setattr(read_query, "__signature__", inspect.signature(InterventionQuery, eval_str=True))  # noqa: B010

CatalogueNowDep = Annotated[AreaCatalogue, Depends(current_catalogue)]
QueryDep = Annotated[InterventionQuery, Depends(read_query)]
