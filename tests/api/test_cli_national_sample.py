"""`neetmap seed` and the national sample: loaded by default, once, only with boundaries."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from models.engine import create_db_engine
from models.intake.national_sample import sample_files
from models.intake.seed import load_samples
from models.interventions.tables import Intervention

runner = CliRunner()
LA_2023 = "geodata/boundaries/ctyua_2023_buc/CTYUA_MAY_2023_UK_BUC.shp"
_SETTINGS = ("BOUNDARIES", "REGIONS", "LA_CODES", "CACHE_DIR", "DATABASE_URL")


@pytest.fixture
def migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A migrated SQLite file and no boundary settings (make exports some)."""
    for name in _SETTINGS:
        monkeypatch.delenv(f"NEETMAP_{name}", raising=False)
    monkeypatch.setenv("NEETMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("NEETMAP_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield monkeypatch
    get_settings.cache_clear()


def _origins() -> dict[str, int]:
    engine = create_db_engine(get_settings().database_url)
    with Session(engine) as session:
        rows = session.exec(  # type: ignore[call-overload]
            select(Intervention.origin, func.count()).group_by(Intervention.origin)
        ).all()
    engine.dispose()
    return dict(rows)


def _sample_size() -> int:
    return sum(len(sample.provenance) for sample in sample_files())


def test_seed_loads_boundaries_then_the_national_sample_once(
    migrated: pytest.MonkeyPatch, shared_dir: Path
) -> None:
    migrated.setenv("NEETMAP_BOUNDARIES", str(shared_dir / LA_2023))
    get_settings.cache_clear()
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert f"National sample: {_sample_size()} added" in first.output
    second = runner.invoke(app, ["seed"])
    assert second.exit_code == 0, second.output
    assert f"National sample: 0 added, {_sample_size()} already present" in second.output
    assert _origins() == {"seed_document": len(load_samples()), "public_sample": _sample_size()}


def test_documents_only_leaves_the_national_sample_out(
    migrated: pytest.MonkeyPatch, shared_dir: Path
) -> None:
    migrated.setenv("NEETMAP_BOUNDARIES", str(shared_dir / LA_2023))
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed", "--documents-only"])
    assert result.exit_code == 0, result.output
    assert "National sample" not in result.output
    assert _origins() == {"seed_document": len(load_samples())}


def test_without_boundaries_the_sample_waits_and_says_how_to_load_it(
    migrated: pytest.MonkeyPatch,
) -> None:
    result = runner.invoke(app, ["seed"])
    assert result.exit_code == 0, result.output
    assert "National sample not loaded" in " ".join(result.output.split())
    assert _origins() == {"seed_document": len(load_samples())}
