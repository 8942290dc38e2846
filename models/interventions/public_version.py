"""The version of what the public sees: one counter, moved by every write that can change a
public answer, in the same transaction as the write.

Every cache of public data (map layers, facets, the export's version and ETag) is keyed by
it. A stamp made of the newest `updated_at` could miss a write: `updated_at` comes from the
writer's clock before its commit, so a write committed after a later-stamped one (two
moderators at once, or hosts whose clocks differ) left the stamp unchanged and the caches
stale. A counter bumped inside the transaction cannot: PostgreSQL holds the row until the
commit, so bumps land in commit order.

Writes through the ORM bump it by themselves (`watch_public_writes`): a commit whose flushes
inserted, changed or removed an intervention that is or was published. Drafts, pending edits and
rejections do not move it, so they neither invalidate public caches nor show in a public
version. Bulk writes in Core (boundary and context loads, benchmark loaders) call
`bump_public_version` themselves.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import Connection, event, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction, UOWTransaction
from sqlalchemy.orm.attributes import get_history
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, table_of, utcnow
from models.interventions.tables import Intervention, InterventionTerm, Venue

PUBLISHED = "published"


class PublicVersion(SQLModel, table=True):
    """The single row (id 1) holding the public version and when it last moved."""

    __tablename__ = "public_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def bump_public_version(connection: Connection) -> None:
    """Move the public version on, inside the caller's transaction."""
    table = table_of(PublicVersion)
    connection.execute(
        update(table)
        .where(table.c.id == 1)
        .values(version=table.c.version + 1, changed_at=utcnow())
    )


def _touches_public(obj: Any) -> bool:
    """Whether a flushed object is, or was until this flush, part of a published record."""
    if isinstance(obj, (InterventionTerm, Venue)):
        obj = obj.intervention
    if not isinstance(obj, Intervention):
        return False
    if obj.publication_state == PUBLISHED:
        return True
    return PUBLISHED in (get_history(obj, "publication_state").deleted or ())


_PENDING = "neetmap.public_version_pending"


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    if any(_touches_public(o) for o in chain(session.new, session.dirty, session.deleted)):
        session.info[_PENDING] = True


def _before_commit(session: OrmSession) -> None:
    """Bump once, as the transaction's last statement, so the row lock is held only for the
    commit itself: taken earlier, two writers touching the same records in different orders
    could deadlock on it."""
    session.flush()
    if session.info.pop(_PENDING, False):
        bump_public_version(session.connection())


def _after_transaction_end(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # a rolled-back write leaves nothing to announce
        session.info.pop(_PENDING, None)


def _keep_old_state(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


def watch_public_writes() -> None:
    """Bump the public version when a transaction whose flushes touched published content
    commits."""
    if not event.contains(Intervention.publication_state, "set", _keep_old_state):
        # Loads the old state before a change even when the row had expired, so a record
        # that leaves publication is seen to have been published.
        event.listen(
            Intervention.publication_state, "set", _keep_old_state, active_history=True, retval=True
        )
    for name, listener in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)
