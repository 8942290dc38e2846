"""The one place tiles read the public data version: every tile cache key starts with it.

Today it is the boundary version and `change_stamp` (three primary-key lookups); when the
public version is read in-process, only this function changes.
"""

from __future__ import annotations

from collections.abc import Hashable

from sqlmodel import Session

from models.catalogue import AreaCatalogue
from models.queries.versions import change_stamp


def public_data_version(session: Session, catalogue: AreaCatalogue) -> Hashable:
    """Changes whenever a tile's geometry or properties can: new boundaries, a published
    change, a context load."""
    return (catalogue.version, change_stamp(session))
