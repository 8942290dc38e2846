"""The `neetmap` command line: help, migrations and the sample, end to end on a SQLite file."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from models.engine import create_db_engine
from models.intervention import Intervention

runner = CliRunner()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
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
