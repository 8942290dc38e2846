"""The worker's caches of data that changes only with its version: the area catalogue and the
facets, each kept for the current version and dropped when it moves.

They sit here, above the rooms whose data they keep (geography, interventions), because they
ask `DataVersions` (this room) which version is current.
"""

from __future__ import annotations

from sqlmodel import Session

from models.cache import VersionedCache
from models.errors import ServiceUnavailableError
from models.freshness.stamp import change_stamp
from models.freshness.versions import DataVersions
from models.geography.catalogue import (
    NO_BOUNDARIES,
    AreaCatalogue,
    boundary_version,
    load_catalogue,
)
from models.interventions.facets import FacetReader, Facets


class CatalogueCache:
    """Hands out the current catalogue. With `versions` (the app's), the boundary version comes
    from memory (`models.freshness`: a reload shows in every worker within its bound); without,
    it is looked up on every call (one primary-key lookup), as the command line does."""

    def __init__(self, versions: DataVersions | None = None) -> None:
        self._kept: VersionedCache[None, AreaCatalogue] = VersionedCache()
        self._versions = versions

    def _version(self, session: Session) -> int | None:
        if self._versions is not None:
            return self._versions.current().boundary
        return boundary_version(session)

    def ready(self) -> AreaCatalogue | None:
        """The catalogue when it can be handed out without touching the database, else None
        (then call `get` with a session, off the event loop). Raises ServiceUnavailableError
        when the versions, known fresh, say no boundaries are loaded."""
        versions = self._versions.known() if self._versions is not None else None
        if versions is None:
            return None
        version = versions.boundary
        if version is None:
            raise ServiceUnavailableError(NO_BOUNDARIES)
        return self._kept.peek(version, None)

    def get(self, session: Session) -> AreaCatalogue:
        """The catalogue, or ServiceUnavailableError naming the command that loads boundaries;
        one worker thread loads a new one, the others wait for that one."""
        version = self._version(session)
        if version is None:
            raise ServiceUnavailableError(NO_BOUNDARIES)
        return self._kept.get_once(version, None, lambda: load_catalogue(session, version))


class FacetCache:
    """The facets of the current change stamp, for the whole worker; dropped when it changes.

    With `versions` (the app's) the stamp comes from memory (`models.freshness`); without,
    from the session (one lookup per call)."""

    def __init__(self, versions: DataVersions | None = None) -> None:
        self._kept: VersionedCache[None, Facets] = VersionedCache()
        self._versions = versions

    def current(self, session: Session) -> FacetReader:
        """Facets of the data at the current change stamp."""
        version = tuple(self._versions.current()) if self._versions else change_stamp(session)
        return FacetReader(self._kept.get_once(version, None, lambda: Facets(version)), session)
