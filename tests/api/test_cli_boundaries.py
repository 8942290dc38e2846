"""`neetmap boundaries load|download` and `serve`'s boundary pick-up, end to end on SQLite files."""

import json
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from models.engine import create_db_engine
from models.geography.area import LEVEL_LA, Area
from models.geography.boundary import DfeLACode
from tests.arcgis_server import FakeArcGIS, serve_arcgis

runner = CliRunner()
LA_2023 = "geodata/boundaries/ctyua_2023_buc"
LA_2023_BSC = (
    "geodata/boundaries/ctyua_2023_bsc/"
    "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC.geojson"
)
REGIONS = "geodata/boundaries/regions_2023_buc/Regions_December_2023_Boundaries_EN_BUC.geojson"
DFE_LAS = "geodata/lookups/dfe_las.csv"
_SETTINGS = ("BOUNDARIES", "REGIONS", "LA_CODES", "CACHE_DIR", "DATABASE_URL")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A SQLite file and cache in tmp_path, no boundary settings; call `_apply` after changes."""
    for name in _SETTINGS:
        monkeypatch.delenv(f"NEETMAP_{name}", raising=False)
    monkeypatch.setenv("NEETMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("NEETMAP_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def migrated(env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return env


def _set(env: pytest.MonkeyPatch, **values: Path) -> None:
    for name, value in values.items():
        env.setenv(f"NEETMAP_{name.upper()}", str(value))
    get_settings.cache_clear()


def _las() -> dict[str, Area]:
    engine = create_db_engine(get_settings().database_url)
    with Session(engine) as session:
        areas = {a.code: a for a in session.exec(select(Area).where(Area.level == LEVEL_LA))}
    engine.dispose()
    return areas


def _one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_load_defaults_to_the_environment(migrated: pytest.MonkeyPatch, shared_dir: Path) -> None:
    _set(migrated, boundaries=shared_dir / LA_2023, la_codes=shared_dir / DFE_LAS)
    result = runner.invoke(app, ["boundaries", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded 153 LAs, vintage 2023" in result.output
    assert "Regions: 9, dissolved" in result.output
    las = _las()
    assert len(las) == 153
    assert las["E09000007"].region_code == "E12000007"
    engine = create_db_engine(get_settings().database_url)
    with Session(engine) as session:
        assert session.get(DfeLACode, "202") is not None
    engine.dispose()


def test_load_with_regions_option(migrated: pytest.MonkeyPatch, shared_dir: Path) -> None:
    args = ["boundaries", "load", str(shared_dir / LA_2023), "--regions", str(shared_dir / REGIONS)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"Regions: 9, from {shared_dir / REGIONS}" in result.output


def test_load_without_a_path_names_the_setting(migrated: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["boundaries", "load"])
    assert result.exit_code == 1
    assert "NEETMAP_BOUNDARIES" in _one_line(result.output)


def test_load_of_a_bad_file_is_one_line(migrated: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    result = runner.invoke(app, ["boundaries", "load", str(empty)])
    assert result.exit_code == 1
    assert "has no features" in _one_line(result.output)


def test_load_into_a_database_without_schema(env: pytest.MonkeyPatch, shared_dir: Path) -> None:
    result = runner.invoke(app, ["boundaries", "load", str(shared_dir / LA_2023)])
    assert result.exit_code == 1
    assert "neetmap db upgrade" in _one_line(result.output)


@pytest.fixture(scope="module")
def bsc_features(shared_dir: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(
        (shared_dir / LA_2023_BSC).read_text(encoding="utf-8")
    )["features"]
    return features


def test_download_pages_caches_and_loads(
    migrated: pytest.MonkeyPatch, bsc_features: list[dict[str, Any]]
) -> None:
    with serve_arcgis(FakeArcGIS(features=bsc_features, max_record_count=80)) as fake:
        result = runner.invoke(app, ["boundaries", "download", "--base-url", fake.query_url])
    assert result.exit_code == 0, result.output
    assert "Loaded 153 LAs, vintage 2023" in result.output
    assert len(fake.requests) >= 4  # a count, then pages of at most 80 of the 218 features
    cached = get_settings().cache_dir / "ctyua_2023_buc.geojson"
    assert cached.is_file()
    assert len(_las()) == 153
    # The server is gone: the cached file is used.
    again = runner.invoke(app, ["boundaries", "download", "--base-url", fake.query_url])
    assert again.exit_code == 0, again.output
    assert "cached" in again.output


def test_download_without_network_is_one_sentence(migrated: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_free_port()}/arcgis/rest/services/X/FeatureServer/0/query"
    result = runner.invoke(app, ["boundaries", "download", "--base-url", url, "--retries", "0"])
    assert result.exit_code == 1
    line = _one_line(result.output)
    assert line.startswith("Could not reach")
    assert "`neetmap boundaries load PATH`" in line


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replaces uvicorn.run, recording its calls instead of serving."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kwargs: calls.append(kwargs))
    return calls


def test_serve_loads_configured_boundaries_first(
    migrated: pytest.MonkeyPatch, shared_dir: Path, started: list[dict[str, Any]]
) -> None:
    _set(migrated, boundaries=shared_dir / LA_2023)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "loading" in result.output
    assert "Loaded 153 LAs" in result.output
    assert len(started) == 1
    assert len(_las()) == 153
    # Boundaries are now there: a restart does not load again.
    again = runner.invoke(app, ["serve"])
    assert again.exit_code == 0
    assert "Loaded" not in again.output


def test_serve_without_boundaries_starts_with_a_hint(
    migrated: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "neetmap boundaries load" in result.output
    assert len(started) == 1


def test_serve_without_schema_says_to_upgrade(
    env: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "neetmap db upgrade" in _one_line(result.output)
    assert started == []


@pytest.mark.parametrize(
    "command", [["boundaries"], ["boundaries", "load"], ["boundaries", "download"]]
)
def test_boundary_commands_have_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


# --- files that are not a national upper-tier layer, and the options for odd files --------


@pytest.fixture(scope="module")
def odd_files(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Variants of the May 2023 file: partial, lower-tier, multi-layer, without .prj."""
    folder = tmp_path_factory.mktemp("odd")
    raw = gpd.read_file(shared_dir / LA_2023, engine="pyogrio")
    england = raw[raw["CTYUA23CD"].str.startswith("E")]
    england.head(20).to_file(folder / "twenty.gpkg", engine="pyogrio")
    # A district file: the unitary, metropolitan and London LAs, and no counties.
    districts = england[~england["CTYUA23CD"].str.startswith("E10")].rename(
        columns={"CTYUA23CD": "LAD23CD", "CTYUA23NM": "LAD23NM"}
    )
    districts.to_file(folder / "lad.gpkg", engine="pyogrio")
    england.to_file(folder / "layers.gpkg", layer="ctyua", engine="pyogrio")
    regions = gpd.read_file(shared_dir / REGIONS, engine="pyogrio")
    regions.to_file(folder / "layers.gpkg", layer="regions", engine="pyogrio", append=True)
    (folder / "noprj").mkdir()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided")
        england.set_crs(None, allow_override=True).to_file(
            folder / "noprj" / "ctyua.shp", engine="pyogrio"
        )
    (folder / "noprj" / "ctyua.prj").unlink(missing_ok=True)
    return {
        "twenty": folder / "twenty.gpkg",
        "lad": folder / "lad.gpkg",
        "layers": folder / "layers.gpkg",
        "noprj": folder / "noprj",
    }


def _load(*args: str) -> Any:
    return runner.invoke(app, ["boundaries", "load", *args])


def test_a_partial_file_needs_allow_partial(
    migrated: pytest.MonkeyPatch, odd_files: dict[str, Path]
) -> None:
    refused = _load(str(odd_files["twenty"]))
    assert refused.exit_code == 1
    line = _one_line(refused.output)
    assert "has only 20 English upper-tier LAs" in line
    assert "--allow-partial" in line
    assert _las() == {}
    allowed = _load(str(odd_files["twenty"]), "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    assert "Loaded 20 LAs" in allowed.output


def test_a_district_file_is_named_for_what_it_is(
    migrated: pytest.MonkeyPatch, odd_files: dict[str, Path], shared_dir: Path
) -> None:
    detected = _load(str(odd_files["lad"]))
    assert detected.exit_code == 1
    line = _one_line(detected.output)
    assert "lower-tier Local Authority Districts file (LAD23CD)" in line
    assert "Counties and Unitary Authorities" in line
    assert _load(str(shared_dir / LA_2023)).exit_code == 0
    named = _load(str(odd_files["lad"]), "--code-column", "LAD23CD", "--name-column", "LAD23NM")
    assert named.exit_code == 1
    assert "lacks 21 LAs the loaded boundaries have" in _one_line(named.output)
    assert len(_las()) == 153


def test_named_columns_layers_vintage_and_crs(
    migrated: pytest.MonkeyPatch, odd_files: dict[str, Path], shared_dir: Path
) -> None:
    missing = _load(str(shared_dir / LA_2023), "--code-column", "nope")
    assert missing.exit_code == 1
    line = _one_line(missing.output)
    assert line.startswith("No column nope (--code-column) in boundary file CTYUA_MAY_2023")
    assert "CTYUA23CD, CTYUA23NM" in line
    wrong_regions = _load(str(shared_dir / LA_2023), "--regions", str(shared_dir / LA_2023))
    assert wrong_regions.exit_code == 1
    assert "in regions file CTYUA_MAY_2023_UK_BUC.shp" in _one_line(wrong_regions.output)
    layers = _load(str(odd_files["layers"]))
    assert layers.exit_code == 1
    assert "several layers (ctyua, regions); choose one with --layer" in _one_line(layers.output)
    chosen = _load(str(odd_files["layers"]), "--layer", "ctyua", "--vintage", "2023-05")
    assert chosen.exit_code == 0, chosen.output
    assert "Loaded 153 LAs, vintage 2023-05" in chosen.output
    assert "Warning" not in chosen.output
    no_crs = _load(str(odd_files["noprj"]))
    assert no_crs.exit_code == 1
    assert "declares no coordinate system" in _one_line(no_crs.output)
    with_crs = _load(str(odd_files["noprj"]), "--crs", "EPSG:27700")
    assert with_crs.exit_code == 0, with_crs.output
    assert _las()["E09000007"].region_code == "E12000007"
