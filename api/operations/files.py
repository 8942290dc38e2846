"""What a backup file is, read without trusting it: its kind, whether it is whole, and the
schema revision it holds. A restore reads all of this before it touches the database."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Final, Literal

from models.errors import DomainError

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
PGDUMP_MAGIC: Final = b"PGDMP"
Kind = Literal["sqlite", "postgresql"]


class BackupError(DomainError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def kind_of(path: Path) -> Kind:
    """The backend a backup file was made from, by its first bytes."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as handle:
        start = handle.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a neetmap backup: it is neither a SQLite database nor a pg_dump "
        "custom-format file."
    )


def run_tool(arguments: list[str], *, env: dict[str, str] | None = None) -> str:
    """Run pg_dump or pg_restore; its first error line becomes the message on failure."""
    try:
        done = subprocess.run(arguments, capture_output=True, text=True, env=env, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{arguments[0]} is not installed: install the PostgreSQL client tools "
            "(the same major version as the server, or newer)."
        ) from None
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{arguments[0]} failed: {errors[0] if errors else 'no message'}")
    return done.stdout


def sqlite_revision(path: Path) -> str:
    """The schema revision in a SQLite backup, after checking the file is whole."""
    with path.open("rb") as handle:
        header = handle.read(100)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if len(header) < 100 or path.stat().st_size < pages * page_size:
        raise BackupError(
            f"{path} is truncated ({path.stat().st_size} bytes of {pages * page_size}): "
            "nothing was restored. Use a complete copy of the backup."
        )
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as connection:
            check = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged ({check}): nothing was restored.")
            return _revision([row[0] for row in connection.execute(_REVISION_SQL)], path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"{path} cannot be read as a backup ({exc}): nothing was restored."
        ) from None


_REVISION_SQL: Final = "SELECT version_num FROM alembic_version"


def pgdump_revision(path: Path) -> str:
    """The schema revision in a pg_dump backup, after reading the whole file through once."""
    try:
        run_tool(["pg_restore", "--list", str(path)])
        run_tool(["pg_restore", "--file=/dev/null", str(path)])
    except BackupError as exc:
        raise BackupError(
            f"{path} is truncated or damaged ({exc.message}): nothing was restored."
        ) from None
    data = run_tool(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)])
    lines = data.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("COPY "))
    except StopIteration:
        return _revision([], path)
    rows = []
    for line in lines[start + 1 :]:
        if line == "\\.":
            break
        rows.append(line.strip())
    return _revision(rows, path)


def _revision(rows: list[str], path: Path) -> str:
    if len(rows) != 1:
        raise BackupError(f"{path} holds no neetmap schema revision: it is not a neetmap backup.")
    return rows[0]
