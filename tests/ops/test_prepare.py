"""`neetmap db prepare`, the one-shot step a deployment runs before its workers start, and the
clear failures of a start with a wrong user or an unreachable database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.main import create_app
from api.settings import Settings
from tests.conftest import DFE_LAS, LA_2023_BUC, REGIONS_2023, require_postgres

runner = CliRunner()


def test_prepare_migrates_loads_once_and_leaves_the_service_ready(
    new_database: Callable[[], str],
    use_database: Callable[[str], None],
    shared_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = new_database()
    monkeypatch.setenv("NEETMAP_BOUNDARIES", str(shared_dir / LA_2023_BUC))
    monkeypatch.setenv("NEETMAP_REGIONS", str(shared_dir / REGIONS_2023))
    monkeypatch.setenv("NEETMAP_LA_CODES", str(shared_dir / DFE_LAS))
    use_database(url)
    first = runner.invoke(app, ["db", "prepare", "--seed", "--no-download"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["db", "prepare", "--seed", "--no-download"])
    assert second.exit_code == 0, second.output
    assert "Boundaries are already loaded." in second.output
    assert "0 added" in second.output
    with TestClient(create_app(Settings(database_url=url))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text


def test_prepare_with_a_wrong_user_says_so(use_database: Callable[[str], None]) -> None:
    require_postgres()
    use_database("postgresql://no_such_neetmap_role:secret@127.0.0.1:5432/postgres")
    result = runner.invoke(app, ["db", "prepare"])
    assert result.exit_code == 1
    assert "refused the user or password" in result.output
    assert "secret" not in result.output


def test_prepare_with_no_database_answering_says_so(use_database: Callable[[str], None]) -> None:
    use_database("postgresql://neetmap@127.0.0.1:1/neetmap")
    result = runner.invoke(app, ["db", "prepare"])
    assert result.exit_code == 1
    assert "Could not connect to the database" in result.output
