"""Engines built from a URL that is passed in; nothing here reads settings or connects at import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from models.text.fold import SQLITE_FUNCTION, fold_text

#: Execution option marking an engine whose transactions write (see `for_writing`).
WRITE_OPTION = "neetmap_write"

#: URL schemes for PostgreSQL that mean the psycopg 3 driver neetmap ships. psycopg2 URLs are
#: common in existing deployments (and `postgres://` in hosting dashboards); psycopg 3 speaks
#: the same protocol with the same connection options, so they are rewritten, not refused.
_POSTGRES_SCHEMES = frozenset(
    {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}
)
_SQLITE_SCHEMES = frozenset({"sqlite", "sqlite+pysqlite"})
_HOW_TO_WRITE = "write postgresql+psycopg://… (or postgresql://…) or sqlite:///path"


class UnsupportedDatabaseUrl(ArgumentError):
    """A database URL naming a driver or database neetmap does not ship; `reason` says which,
    so the caller can name the setting it came from without a traceback from a missing module."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}: {_HOW_TO_WRITE}")
        self.reason = reason
        self.fix = _HOW_TO_WRITE


def usable_url(url: str) -> str:
    """`url` with neetmap's own PostgreSQL driver (psycopg 3) in place of the aliases people
    paste; UnsupportedDatabaseUrl for any other driver or database, ArgumentError for text
    that is not a URL. Checked before an engine exists, because SQLAlchemy only notices a
    driver that is not installed when it imports it, deep in a traceback."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in _POSTGRES_SCHEMES:
        return "postgresql+psycopg://" + rest
    if separator and scheme.lower() in _SQLITE_SCHEMES:
        return url
    make_url(url)  # raises ArgumentError when this is not a URL at all
    backend, _, driver = scheme.lower().partition("+")
    if backend in {"postgres", "postgresql", "sqlite"} and driver:
        raise UnsupportedDatabaseUrl(f"uses the driver {driver}, which neetmap does not use")
    raise UnsupportedDatabaseUrl(f"is for {backend}, which neetmap does not use")


def create_db_engine(
    url: str,
    *,
    statement_timeout_ms: int | None = None,
    stall_bounds: StallBounds | None = None,
    pool_size: int = 5,
    echo: bool = False,
) -> Engine:
    """An engine tuned per backend: SQLite in WAL with foreign keys, PostgreSQL pooled with
    timeouts. `statement_timeout_ms` bounds each PostgreSQL statement and `stall_bounds` how
    long a request waits for a lock, a pooled connection or a client (the API sets both; the
    command line, which runs bulk loads and migrations, sets neither)."""
    url = usable_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    options = "-c jit=off"  # JIT costs more than it saves on these short queries (measured ~90 ms)
    if statement_timeout_ms is not None:
        options += f" -c statement_timeout={statement_timeout_ms}"
    pool_timeout_s = 10.0
    if stall_bounds is not None:
        options += stall_bounds.options()
        pool_timeout_s = stall_bounds.pool_timeout_s
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=pool_timeout_s,
        connect_args={
            "connect_timeout": 5,
            "options": options,
            # A database host that vanishes (no FIN, no RST) is noticed within about half a
            # minute instead of the kernel's many minutes, so requests answer 503, not hang.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 30_000,
        },
    )


@dataclass(frozen=True)
class StallBounds:
    """How long a request may wait on a stalled PostgreSQL before it is answered 503.

    A table lock held elsewhere (a migration, a long `LOCK`, a stuck transaction) used to hold
    every request until `statement_timeout`, and the requests queued behind them for a pooled
    connection until `pool_timeout` after that: clients gave up first and the backlog kept
    the service unusable well after the lock was gone. With these bounds a request waits at
    most `lock_timeout_ms` for a lock and `pool_timeout_s` for a connection (so at most their
    sum in all), and a session the application left idle inside a transaction is ended by the
    server after `idle_in_transaction_ms`, so it can never hold locks or a snapshot for long.
    """

    lock_timeout_ms: int = 2000
    pool_timeout_s: float = 5.0
    idle_in_transaction_ms: int = 10_000

    def options(self) -> str:
        return (
            f" -c lock_timeout={self.lock_timeout_ms}"
            f" -c idle_in_transaction_session_timeout={self.idle_in_transaction_ms}"
        )


def for_writing(engine: Engine) -> Engine:
    """The same engine (and pool) for sessions that write.

    On SQLite their transactions begin with `BEGIN IMMEDIATE`: the write lock is taken before
    the first read, so concurrent writers queue (busy timeout) instead of failing when their
    snapshot goes stale, and a check-then-write sequence sees no other writer in between.
    Reads keep plain `BEGIN` and never wait for writers (WAL). PostgreSQL is unaffected.
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # pysqlite's own transaction handling starts transactions late (at the first INSERT) and
    # lets a SAVEPOINT open and RELEASE commit a transaction of its own, which breaks
    # all-or-nothing writes. SQLAlchemy emits BEGIN itself instead (`_sqlite_begin`), as its
    # documentation recommends for pysqlite.
    dbapi_connection.isolation_level = None
    # Free-text search folds case for every alphabet, as PostgreSQL's lower() does.
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold_text, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
