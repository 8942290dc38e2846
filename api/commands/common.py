"""What every `neetmap` command shares: one way to open the database, one way to fail.

An expected failure (no database, no schema, a bad URL, a bad file, a domain rule) ends as one
red sentence on stderr and exit code 1: the sentence says what to do, and a traceback would
bury it. Commands open the database with `database_session` (or `writing_engine`) and wrap
other work in `reported_errors`; anything else escaping is a bug, and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final, NoReturn

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError
from sqlmodel import Session

from api import migrations
from api.settings import Settings, get_settings
from geodata.errors import GeodataError
from models.engine import UnsupportedDatabaseUrl, create_db_engine, for_writing
from models.errors import DomainError

console = Console(stderr=True)

SCHEMA_MISSING: Final = (
    "The database schema is missing or out of date: run `neetmap db upgrade` first."
)


def fail(message: str) -> NoReturn:
    """Print `message` as one red line on stderr and exit with code 1."""
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def warn(message: str) -> None:
    """Print `message` in yellow on stderr; the command goes on."""
    console.print(message, style="yellow", markup=False, highlight=False, soft_wrap=True)


def say(message: str) -> None:
    """Print `message` plainly on stderr (stdout is kept for output meant for pipes)."""
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def settings() -> Settings:
    """The settings, or one red line naming the environment variable that is wrong."""
    try:
        return get_settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = "NEETMAP_" + "_".join(str(part) for part in problem["loc"]).upper()
        fail(f"{name} is not valid: {problem['msg']}.")


def _database_problem(url: str, exc: OperationalError) -> str:
    """One sentence for a database that could not be used, naming it (never its password)."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else ""
    if "no such table" in reason:
        return SCHEMA_MISSING
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if "unable to open database file" in reason:
            return (
                f"Could not open the SQLite database {parsed.database}: does its folder exist, "
                "and may neetmap write there?"
            )
        return f"The SQLite database {parsed.database} failed: {reason}."
    if "password authentication failed" in reason or (
        "role" in reason and "does not exist" in reason
    ):
        return (
            f"The database at {safe_url(url)} refused the user or password: check "
            "NEETMAP_DATABASE_URL (with compose, POSTGRES_PASSWORD in .env: the data volume "
            "keeps the password of its first start)."
        )
    if exc.connection_invalidated or "connect" in reason.lower() or "timeout" in reason.lower():
        return (
            f"Could not connect to the database at {safe_url(url)}: is the server running, "
            "and are the host, port and name right?"
        )
    return f"The database at {safe_url(url)} failed: {reason}."


@contextmanager
def reported_errors(url: str | None = None) -> Iterator[None]:
    """Turn the expected failures of the block into one red sentence and exit code 1.

    `url` is the database URL the block uses, to name it in database failures.
    """
    shown = safe_url(url) if url is not None else "the configured database"
    try:
        yield
    except (GeodataError, DomainError) as exc:
        fail(exc.message)
    except CommandError as exc:  # alembic: e.g. a revision that does not exist
        fail(f"{str(exc).strip().rstrip('.')}.")
    except UnsupportedDatabaseUrl as exc:
        fail(f"NEETMAP_DATABASE_URL {exc.reason}: {exc.fix}.")
    except (NoSuchModuleError, ArgumentError):
        fail(
            f"NEETMAP_DATABASE_URL {shown} is not a database URL neetmap can use: give "
            "sqlite:///PATH or postgresql://USER@HOST/NAME."
        )
    except OperationalError as exc:
        fail(_database_problem(url, exc) if url is not None else str(exc.orig))
    except ProgrammingError as exc:
        # PostgreSQL's "relation ... does not exist": a table the migrations would create.
        if "does not exist" in str(exc.orig):
            fail(SCHEMA_MISSING)
        raise


def _require_head(engine: Engine, url: str) -> None:
    """Exit with the fix unless the schema is at the migrations' head."""
    heads = set(ScriptDirectory.from_config(migrations.alembic_config(url)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        fail(SCHEMA_MISSING)


@contextmanager
def writing_engine(*, migrated: bool = True) -> Iterator[Engine]:
    """An engine for writing on NEETMAP_DATABASE_URL, disposed after the block.

    It has connected once already, so an unreachable database fails here, in one line. With
    `migrated` (every command but `db`), the schema must be at the migrations' head. Expected
    failures inside the block are reported as by `reported_errors`.
    """
    url = settings().database_url
    with reported_errors(url):
        engine = for_writing(create_db_engine(url))
        try:
            if migrated:
                _require_head(engine, url)
            else:
                with engine.connect():
                    pass
            yield engine
        finally:
            engine.dispose()


@contextmanager
def database_session(*, migrated: bool = True) -> Iterator[Session]:
    """A session on a `writing_engine`; the block commits what it wants kept."""
    with writing_engine(migrated=migrated) as engine, Session(engine) as session:
        yield session
