"""Engines built from a URL that is passed in; nothing here reads settings or connects at import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from models.textfold import SQLITE_FUNCTION, fold_text

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
    pool_size: int = 5,
    echo: bool = False,
) -> Engine:
    """An engine tuned per backend: SQLite in WAL with foreign keys, PostgreSQL pooled with
    timeouts. `statement_timeout_ms` bounds each PostgreSQL statement (the API sets it; the
    command line, which runs bulk loads and migrations, does not)."""
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
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=10,
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
