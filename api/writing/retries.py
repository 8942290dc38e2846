"""Writes that lost a race on the server are run again, a few times, with jittered backoff.

A client that sent `If-Match: *` (or none, where that is allowed) asked for no particular
version, so losing to a simultaneous writer is the server's business, not a failed
precondition: the work is rolled back, the record read again and the step run again after a
short random pause (so that the losers do not collide again in step). The same holds for a
lock that outlasted `lock_timeout` and for PostgreSQL's serialization failures and
deadlocks. Only when a record keeps changing under every attempt is the answer a 409 with
`Retry-After`, nothing stored.
"""

from __future__ import annotations

import random
import time
from typing import Final

from sqlalchemy.exc import DBAPIError

from models.partners.record_versions import StateConflictError

#: Attempts of one write, the first included.
RACE_ATTEMPTS: Final = 6
#: First pause between attempts (seconds); it doubles each time, each pause drawn from
#: [0, bound] ("full jitter"). The pauses of six attempts add up to at most about 0.8 s.
FIRST_PAUSE_S: Final = 0.025
#: Seconds a client should wait before sending a write that lost every attempt again.
RETRY_AFTER_S: Final = 1
#: SQLSTATEs of a database-side loss: lock_not_available, serialization failure, deadlock.
RETRIED_SQLSTATES: Final = frozenset({"55P03", "40001", "40P01"})


class LostRaceError(StateConflictError):
    """Every attempt met a simultaneous write: a 409 with `Retry-After`."""

    retry_after_s = RETRY_AFTER_S


def lost_on_the_database(exc: DBAPIError) -> bool:
    """Whether the database stopped this write in favour of another one (worth retrying)."""
    return getattr(exc.orig, "sqlstate", None) in RETRIED_SQLSTATES


def pause_before(attempt: int) -> None:
    """Sleep a random part of the backoff bound before attempt number `attempt` (1-based)."""
    time.sleep(random.uniform(0, FIRST_PAUSE_S * 2 ** (attempt - 1)))  # noqa: S311
