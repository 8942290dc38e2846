"""The data versions an `/ogc` page is rendered under, read in a route (on the thread pool)."""

from __future__ import annotations

from fastapi import Request

from models.freshness import DataVersions, Versions


def route_stamp(request: Request) -> Versions:
    """The worker's current data versions (`models.freshness`), the key of every kept page."""
    versions: DataVersions = request.app.state.versions
    return versions.current()
