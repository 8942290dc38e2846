"""The one change stamp behind everything kept or labelled per data version.

Rendered map layers, the facets of cross-tabs and the version of an export all depend on
the interventions, their LAs and regions, and the context figures. The stamp changes
whenever any of these can: the newest write to any intervention (every write path bumps
`updated_at`, withdrawals and moderation included; records are withdrawn, never deleted),
the newest id (so a bulk load of back-dated records counts too), the newest context load and
the newest boundary load (which re-points records and regions). Four index lookups, cheap
enough to check on every request.

It covers unpublished records too, so it is never shown as it is: what the public sees is a
digest of it, which says that something changed but not what, or when.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlmodel import Session

from models.base import table_of
from models.boundary import BoundaryLoad
from models.context import ContextLoad
from models.filters import PUBLIC_STATES
from models.intervention import Intervention

ChangeStamp = tuple[object, ...]


def _stamp_columns() -> list[ScalarSelect[Any]]:
    intervention = table_of(Intervention)
    return [
        select(func.max(intervention.c.updated_at)).scalar_subquery(),
        select(func.max(intervention.c.id)).scalar_subquery(),
        select(func.max(table_of(ContextLoad).c.id)).scalar_subquery(),
        select(func.max(table_of(BoundaryLoad).c.id)).scalar_subquery(),
    ]


def change_stamp(session: Session) -> ChangeStamp:
    """Changes whenever any count, facet, context figure or exported record can."""
    return tuple(session.connection().execute(select(*_stamp_columns())).one())


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
    """The change stamp's digest, the published records' number and their newest change
    (only published records, so no draft's time shows), in one round trip."""
    intervention = table_of(Intervention)
    public = intervention.c.publication_state.in_(PUBLIC_STATES)
    row = (
        session.connection()
        .execute(
            select(
                *_stamp_columns(),
                select(func.count()).where(public).scalar_subquery(),
                select(func.max(intervention.c.updated_at)).where(public).scalar_subquery(),
            )
        )
        .one()
    )
    stamp = tuple(row[:4])
    boundary = row[3]
    return PublishedState(
        digest=stamp_digest(stamp),
        published=int(row[4]),
        last_published_change_at=row[5],
        boundary_version=int(boundary) if boundary is not None else None,
    )
