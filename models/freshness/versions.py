"""The versions a worker serves, checked against the database at most every `MAX_AGE_S`.

Every in-process cache of public data (catalogue, facets, context, rendered layers and
areas, and any later one such as map tiles) is keyed by three numbers: the public version
(`models.interventions.public_version`), the newest context load and the newest boundary load. Reading
them was three primary-key lookups on every request, about half of a cached read's cost.

`DataVersions.current()` returns them from memory. They are read again (one small query on a
pooled connection) when either
- `max_age_s` has passed since the last read: a commit made by another worker or host is
  served here at most `max_age_s` (0.5 s) plus one check's duration after it, and at most
  `2 * max_age_s` (1 s) in every case (the bound `tests/api/test_freshness_workers.py` checks
  with two servers). The check runs in the background while the versions it replaces are
  still served, up to that bound: a busy worker no longer sends every request that arrives
  during the check to the database (about one in a hundred, each waiting for the thread
  pool); past the bound a request waits for the read as before;
- or any commit was made through SQLAlchemy in this process since the last read (an engine
  `commit` or an ORM `after_commit` event moves a process-wide counter): a worker's own
  writes, the command line's loads and the tests' fixtures are seen by its next request.

Polling was chosen over LISTEN/NOTIFY or `PRAGMA data_version` because it works the same on
both backends, through PgBouncer in transaction mode, and costs two tiny queries a second
per busy worker (none when idle).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import NamedTuple

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session as OrmSession

from models.freshness.stamp import stamp_columns

log = logging.getLogger(__name__)

#: Longest time a worker serves versions without checking them (seconds).
MAX_AGE_S = 0.5

_counter = itertools.count(1)
_latest_commit = 0


class Versions(NamedTuple):
    """The public version, the newest context load and the newest boundary load (None when
    there was never one)."""

    public: int
    context: int | None
    boundary: int | None


def note_local_commit(*_args: object) -> None:
    """Mark that this process committed something: every `DataVersions` re-reads next time."""
    global _latest_commit
    _latest_commit = next(_counter)


def _watch_local_commits() -> None:
    # The engine event fires just before the database commits (Core writes such as the
    # loaders' and the test fixtures'); the ORM one just after (every API write), which
    # closes the gap in which a concurrent read could re-read the old versions.
    if not event.contains(Engine, "commit", note_local_commit):
        event.listen(Engine, "commit", note_local_commit)
    if not event.contains(OrmSession, "after_commit", note_local_commit):
        event.listen(OrmSession, "after_commit", note_local_commit)


class DataVersions:
    """This worker's view of the data versions. Attach the engine before the first read."""

    def __init__(self, engine: Engine | None = None, *, max_age_s: float = MAX_AGE_S) -> None:
        _watch_local_commits()
        self.max_age_s = max_age_s
        self._engine = engine
        self._lock = threading.Lock()
        self._versions: Versions | None = None
        self._read_at = float("-inf")
        self._seen_commit = -1
        self._checking = False
        self._flag_lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        """Read from `engine` from now on (the app's lifespan builds it after the app)."""
        with self._lock:
            self._engine = engine
            self._versions = None

    def fresh(self) -> bool:
        """Whether `current()` would answer from memory (it never waits for the database);
        past `max_age_s` this starts the background check (see the module)."""
        if self._versions is None or self._seen_commit != _latest_commit:
            return False
        age = time.monotonic() - self._read_at
        if age < self.max_age_s:
            return True
        if age < 2 * self.max_age_s:
            self._check_in_background()
            return True
        return False

    def _check_in_background(self) -> None:
        # Not `_lock`: a reader may hold that through a query, and this runs on the event loop.
        with self._flag_lock:
            if self._checking:
                return
            self._checking = True
        threading.Thread(target=self._check, name="neetmap-versions", daemon=True).start()

    def _check(self) -> None:
        try:
            with self._lock:
                seen, started = _latest_commit, time.monotonic()
                versions = self._read()
                self._versions, self._seen_commit, self._read_at = versions, seen, started
        except Exception:  # a failed check is retried; past the bound a request reads itself
            log.warning("background check of the data versions failed", exc_info=True)
        finally:
            self._checking = False

    def known(self) -> Versions | None:
        """The versions if they can be answered from memory, else None; never waits for the
        database. For the event loop: `fresh()` then `current()` is a race there, since a
        commit on another thread between the two makes `current()` read, and a read that waits
        for a pooled connection on the event loop waits for connections that only the event
        loop can hand back (a 30 s stall and a 500, seen in the soak)."""
        versions = self._versions
        return versions if versions is not None and self.fresh() else None

    def current(self) -> Versions:
        """The versions, read again first when they may be stale (see the module)."""
        versions = self._versions
        if versions is not None and self.fresh():
            return versions
        with self._lock:  # one thread reads; the others take what it read
            if self._versions is None or not self.fresh():
                seen, started = _latest_commit, time.monotonic()
                self._versions = self._read()
                self._seen_commit, self._read_at = seen, started
            return self._versions

    def _read(self) -> Versions:
        if self._engine is None:
            raise RuntimeError("DataVersions has no engine: call attach(engine) first")
        with self._engine.connect() as connection:
            public, context, boundary = connection.execute(select(*stamp_columns())).one()
        return Versions(
            int(public or 0),
            int(context) if context is not None else None,
            int(boundary) if boundary is not None else None,
        )
