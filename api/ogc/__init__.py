"""OGC API - Features (Parts 1 and 3) under `/ogc`, so GIS clients connect with no glue.

`router` holds every route; `install_ogc` mounts it with OGC's error shape, the page cache
and its fast path.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api.ogc import items, routes
from api.ogc.pages import OGCFastPath, PageCache
from api.ogc.problems import install_problem_handlers
from api.state import app_state

router = APIRouter()
router.include_router(routes.router)
router.include_router(items.router)


def install_ogc(app: FastAPI) -> None:
    """Mount the routes. Call after the error handlers are installed (these wrap them) and
    before any other middleware is added, so the fast path sits innermost."""
    pages = app_state(app).ogc_pages = PageCache()
    install_problem_handlers(app)
    app.add_middleware(OGCFastPath, pages=pages)
    app.include_router(router)


__all__ = ["install_ogc", "router"]
