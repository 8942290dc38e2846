"""`neetmap db backup` and `db restore`: the whole database to one file and back.

SQLite is copied with its online backup API (consistent while the service runs and writes);
PostgreSQL with `pg_dump --format=custom` and `pg_restore` in a single transaction. A backup
is written beside its destination and renamed when complete, so a file at PATH is always
whole. A restore first reads the whole file, checks it was made at this installation's
schema revision and that the target holds no data, and changes nothing unless all of it
can be restored.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import SQLModel

import models  # noqa: F401  (every table in the metadata)
from api import migrations
from api.observability.probes import head_revisions
from api.operations.files import (
    BackupError,
    Kind,
    kind_of,
    pgdump_revision,
    run_tool,
    sqlite_revision,
)
from models.engine import create_db_engine

#: Tables that hold bookkeeping, not data: a database with only these filled is empty.
BOOKKEEPING: Final = frozenset({"alembic_version", "public_version"})


def backend_of(url: str) -> Kind:
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"


def backup(url: str, path: Path) -> None:
    """Write the database at `url` to `path`, which must not exist yet."""
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if backend_of(url) == "sqlite":
            source = make_url(url).database
            with (
                closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
                closing(sqlite3.connect(partial)) as dst,
            ):
                src.backup(dst)
        else:
            address, env = _libpq(url)
            run_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    f"--dbname={address}",
                ],
                env=env,
            )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def check_backup(url: str, path: Path) -> Kind:
    """Read the whole backup without connecting: its kind must match the database's and its
    schema revision this installation's head. Returns its kind."""
    kind, target = kind_of(path), backend_of(url)
    if kind != target:
        raise BackupError(
            f"{path} is a {kind} backup and NEETMAP_DATABASE_URL is {target}: restore it "
            f"into a {kind} database."
        )
    revision = sqlite_revision(path) if kind == "sqlite" else pgdump_revision(path)
    heads = head_revisions()
    if {revision} != heads:
        raise BackupError(
            f"{path} was made at schema revision {revision}, and this neetmap is at "
            f"{', '.join(sorted(heads))}: restore it with the neetmap release that made it, "
            "then upgrade that database with `neetmap db upgrade`."
        )
    return kind


def restore(url: str, path: Path) -> str:
    """Restore `path` into the empty database at `url`; returns the schema revision."""
    kind = check_backup(url, path)
    engine = create_db_engine(url)
    try:
        filled = _filled_tables(engine)
        if filled:
            raise BackupError(
                f"The database at {make_url(url).render_as_string(hide_password=True)} "
                f"already holds data (in {', '.join(filled)}): restore into a new, empty "
                "database."
            )
        if kind == "postgresql":
            _drop_empty_schema(engine, url)
    finally:
        engine.dispose()
    if kind == "sqlite":
        with (
            closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as src,
            closing(sqlite3.connect(make_url(url).database or "")) as dst,
        ):
            src.backup(dst)
    else:
        address, env = _libpq(url)
        run_tool(
            [
                "pg_restore",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--no-comments",
                f"--dbname={address}",
                str(path),
            ],
            env=env,
        )
    return migrations.current(url)


def _filled_tables(engine: Engine) -> list[str]:
    """neetmap's tables in the target that hold rows, bookkeeping aside (none for a new or
    freshly migrated database)."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        filled = []
        ours = set(SQLModel.metadata.tables) - BOOKKEEPING  # not PostGIS's spatial_ref_sys
        for name in sorted(ours.intersection(names)):
            quoted = connection.dialect.identifier_preparer.quote(name)
            if connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:
                filled.append(name)
    return filled


def _drop_empty_schema(engine: Engine, url: str) -> None:
    """An empty but migrated PostgreSQL database (a `db upgrade` ran first) gives its empty
    tables up to the dump's: pg_restore creates every table itself."""
    with engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    if "alembic_version" not in names:
        return
    migrations.downgrade(url, "base")
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq address for the tools, with the password passed in the environment, not on
    the command line where `ps` would show it."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    address = parsed.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), env
