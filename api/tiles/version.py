"""The one place tiles read the data versions: every tile cache key starts with them.

They come from the worker's `DataVersions` (`models.freshness`), known in memory and checked
against the database at most every half second, so a cached tile costs no query.
"""

from __future__ import annotations

from fastapi import Request

from models.freshness import DataVersions, Versions


def public_data_version(request: Request) -> Versions:
    """Changes whenever a tile's geometry or properties can: new boundaries, a published
    change, a context load."""
    versions: DataVersions = request.app.state.versions
    return versions.current()
