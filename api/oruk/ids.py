"""Stable ORUK identifiers: UUID5 names over one fixed namespace, derived from our own ids.

ORUK ids must be UUIDs. Deriving them (never storing them) makes them the same on SQLite and
PostgreSQL, across restarts and in every worker, and lets a harvester tell our records apart
from everyone else's. The namespace must never change: every published id depends on it.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Final

#: uuid5(NAMESPACE_URL, "https://neetmap.org/oruk") (a name, not an address), written out so
#: it cannot drift.
NAMESPACE: Final = uuid.UUID("a9f522c3-313e-5173-9f18-a006fc872dc7")


def oruk_id(kind: str, *parts: object) -> str:
    """The UUID of one object: `kind` names the ORUK table, `parts` our key of the object."""
    return str(uuid.uuid5(NAMESPACE, "/".join((kind, *(str(p) for p in parts)))))


@lru_cache(maxsize=65_536)
def service_id(intervention_id: int) -> str:
    return oruk_id("service", intervention_id)


@lru_cache(maxsize=16_384)
def organization_id(provider: str) -> str:
    """Organisations are named by their text: the same provider is one organisation."""
    return oruk_id("organization", " ".join(provider.casefold().split()))


def taxonomy_id(dimension: str) -> str:
    return oruk_id("taxonomy", dimension)


def term_id(dimension: str, slug: str) -> str:
    return oruk_id("taxonomy_term", dimension, slug)


def parse_uuid(text: str) -> str | None:
    """The canonical form of a UUID, or None when the text is not one."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return None
