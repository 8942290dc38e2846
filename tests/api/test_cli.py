"""The `neetmap` command line: help, migrations, the sample, and how every command fails."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from api.migrations import alembic_config
from api.settings import get_settings
from models.engine import create_db_engine
from models.interventions.tables import Intervention

runner = CliRunner()
LA_2023 = "geodata/boundaries/ctyua_2023_buc"
CONTEXT = "geodata/context"


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NEETMAP_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.mark.parametrize("command", [[], ["serve"], ["db", "upgrade"], ["seed"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_upgrade_then_seed_twice(sqlite_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["seed"])
    second = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "0 added" in second.output
    engine = create_db_engine(sqlite_env)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Intervention)).one()  # type: ignore[call-overload]
    engine.dispose()
    assert count[0] >= 8


def test_downgrade_takes_a_relative_revision(sqlite_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "downgrade", "-1"])
    assert result.exit_code == 0, result.output
    scripts = ScriptDirectory.from_config(alembic_config(sqlite_env))
    head = scripts.get_revision("head")
    below = head.down_revision
    assert f"Database at {below}:" in result.output  # the revision reached, not "-1"
    too_far = runner.invoke(app, ["db", "downgrade", "-9"])
    assert too_far.exit_code == 1
    assert _one_red_line(too_far.output) == (
        f"The database is at {below}: there are not 9 migrations below it to step back."
    )
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0
    at_base = runner.invoke(app, ["db", "downgrade", "-1"])
    assert at_base.exit_code == 1
    assert _one_red_line(at_base.output) == (
        "The database is already at the base: nothing to downgrade."
    )
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert f"Database at {head.revision}:" in upgraded.output
    unknown = runner.invoke(app, ["db", "downgrade", "nonsense"])
    assert unknown.exit_code == 1
    assert "nonsense" in _one_red_line(unknown.output)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _one_red_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_serve_on_a_taken_port_says_so_in_one_line(
    sqlite_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("must not serve"))
    runner.invoke(app, ["db", "upgrade"])
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    *_, last = result.output.strip().splitlines()  # after the note that no boundaries are loaded
    assert last.startswith(f"Cannot listen on 127.0.0.1:{port}")


COMMANDS = {
    "db upgrade": ["db", "upgrade"],
    "seed": ["seed"],
    "keys list": ["keys", "list"],
    "keys create": ["keys", "create", "--name", "x", "--la", "202"],
    "context load": ["context", "load", CONTEXT],
    "boundaries load": ["boundaries", "load", LA_2023],
    "serve": ["serve"],
}
FAILURES = {
    "unmigrated": ("sqlite:///{tmp}/empty.db", "run `neetmap db upgrade` first"),
    "bad scheme": ("foo://bar", "NEETMAP_DATABASE_URL is for foo, which neetmap does not use"),
    "not a url": ("not a url", "is not a database URL neetmap can use"),
    "asyncpg": ("postgresql+asyncpg://u@h/x", "uses the driver asyncpg, which neetmap does not"),
    "mysql": ("mysql://x@y/z", "is for mysql, which neetmap does not use"),
    "oracle": ("oracle://u@h/x", "is for oracle, which neetmap does not use"),
    # psycopg2 URLs are rewritten to psycopg 3: they get as far as connecting.
    "psycopg2": ("postgresql+psycopg2://postgres@127.0.0.1:{port}/x", "Could not connect"),
    "no folder": ("sqlite:////nonexistent/dir/x.db", "Could not open the SQLite database"),
    "no server": ("postgresql://postgres@127.0.0.1:{port}/x", "Could not connect to the database"),
}


@pytest.mark.parametrize(
    ("command", "failure"),
    # Upgrading an empty database is what `db upgrade` is for.
    [(c, f) for c in COMMANDS for f in FAILURES if (c, f) != ("db upgrade", "unmigrated")],
)
def test_every_command_fails_in_one_sentence(
    command: str,
    failure: str,
    tmp_path: Path,
    shared_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("must not serve"))
    template, expected = FAILURES[failure]
    url = template.format(tmp=tmp_path, port=_free_port())
    monkeypatch.setenv("NEETMAP_DATABASE_URL", url)
    for name in ("BOUNDARIES", "REGIONS", "LA_CODES", "CONTEXT"):
        monkeypatch.delenv(f"NEETMAP_{name}", raising=False)
    get_settings.cache_clear()
    args = [
        str(shared_dir / arg) if arg in (LA_2023, CONTEXT) else arg for arg in COMMANDS[command]
    ]
    try:
        result = runner.invoke(app, args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert expected in _one_red_line(result.output)
