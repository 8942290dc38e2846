"""The one change stamp behind everything kept or labelled per version of the public data.

Rendered map layers, the facets of list pages and cross-tabs, and the version of an export
all depend on the published interventions, their LAs and regions, and the context figures.
The stamp is the public version (`models.interventions.public_version`: moved inside every write that
changes a published record), the newest context load and the newest boundary load (which
re-points records and regions). Three primary-key lookups, cheap enough for every request.
Drafts leave it alone, so a submission neither invalidates public caches nor shows in them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlmodel import Session

from models.base import table_of
from models.context.tables import ContextLoad
from models.geography.boundary import BoundaryLoad
from models.interventions.filters import PUBLIC_STATES
from models.interventions.public_version import PublicVersion
from models.interventions.tables import Intervention

ChangeStamp = tuple[object, ...]


def stamp_columns() -> list[ScalarSelect[Any]]:
    public = table_of(PublicVersion)
    return [
        select(public.c.version).where(public.c.id == 1).scalar_subquery(),
        select(func.max(table_of(ContextLoad).c.id)).scalar_subquery(),
        select(func.max(table_of(BoundaryLoad).c.id)).scalar_subquery(),
    ]


def change_stamp(session: Session) -> ChangeStamp:
    """Changes whenever any public count, facet, context figure or exported record can."""
    return tuple(session.connection().execute(select(*stamp_columns())).one())


def stamp_digest(stamp: ChangeStamp) -> str:
    """A short public name for a stamp: equal stamps, equal digests; nothing readable."""
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class PublishedState:
    """The published dataset as an export describes it."""

    digest: str
    published: int
    last_published_change_at: datetime | None
    boundary_version: int | None


def published_state(session: Session) -> PublishedState:
    """The stamp's digest, the number of published records and when the public data last
    changed (a withdrawal included), in one round trip."""
    intervention, public = table_of(Intervention), table_of(PublicVersion)
    published = intervention.c.publication_state.in_(PUBLIC_STATES)
    row = (
        session.connection()
        .execute(
            select(
                *stamp_columns(),
                select(func.count()).where(published).scalar_subquery(),
                select(public.c.changed_at).where(public.c.id == 1).scalar_subquery(),
            )
        )
        .one()
    )
    stamp, boundary = tuple(row[:3]), row[2]
    return PublishedState(
        digest=stamp_digest(stamp),
        published=int(row[3]),
        last_published_change_at=row[4] if row[3] else None,  # an empty dataset says so
        boundary_version=int(boundary) if boundary is not None else None,
    )
