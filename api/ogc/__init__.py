"""OGC API - Features (Parts 1 and 3) under `/ogc`, so GIS clients connect with no glue.

`router` holds every route; `install_problem_handlers` gives them OGC's error shape.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.ogc import items, routes
from api.ogc.problems import install_problem_handlers

router = APIRouter()
router.include_router(routes.router)
router.include_router(items.router)

__all__ = ["install_problem_handlers", "router"]
