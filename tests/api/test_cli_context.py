"""`neetmap context load`, end to end on a SQLite file with the real boundaries and files."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from models.context.tables import AreaIndicator
from models.engine import create_db_engine

runner = CliRunner()
LA_2023 = "geodata/boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
CONTEXT = "geodata/context"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("BOUNDARIES", "REGIONS", "LA_CODES", "CONTEXT"):
        monkeypatch.delenv(f"NEETMAP_{name}", raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NEETMAP_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def _figures(url: str) -> int:
    engine = create_db_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(AreaIndicator)).one()  # type: ignore[call-overload]
    engine.dispose()
    return int(count[0])


def test_help() -> None:
    result = runner.invoke(app, ["context", "load", "--help"])
    assert result.exit_code == 0
    assert "NEETMAP_CONTEXT" in result.output


def test_load_needs_boundaries_and_files(env: str, shared_dir: Path) -> None:
    result = runner.invoke(app, ["context", "load"])
    assert result.exit_code == 1
    assert "NEETMAP_CONTEXT" in result.output
    result = runner.invoke(app, ["context", "load", str(shared_dir / CONTEXT)])
    assert result.exit_code == 1
    assert "boundaries load" in result.output
    assert _figures(env) == 0


def test_load_from_the_setting_then_reload(
    env: str, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = runner.invoke(app, ["boundaries", "load", str(shared_dir / LA_2023)])
    assert loaded.exit_code == 0, loaded.output
    monkeypatch.setenv("NEETMAP_CONTEXT", str(shared_dir / CONTEXT))
    get_settings.cache_clear()
    first = runner.invoke(app, ["context", "load"])
    assert first.exit_code == 0, first.output
    assert "Context version 1" in first.output
    count = _figures(env)
    assert count > 153 * 9
    second = runner.invoke(app, ["context", "load"])
    assert "Context version 2" in second.output
    assert _figures(env) == count
    bad = runner.invoke(app, ["context", "load", str(shared_dir / "geodata/lookups/dfe_las.csv")])
    assert bad.exit_code == 1
    assert "neither" in bad.output
    assert _figures(env) == count
