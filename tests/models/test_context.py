"""Storing and reading context indicators on both backends, from the real files."""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from api.migrations import upgrade
from geodata.context import read_context_paths
from models.context.queries import context_version, latest_figures, load_context_on_boundaries
from models.context.tables import INDICATORS, AreaIndicator
from models.engine import create_db_engine
from models.vintages.loading import load_boundary_inputs, read_boundary_inputs
from tests.conftest import DFE_LAS, REGIONS_2023, discard_database, empty_database_url

NEET_2025 = "geodata/context/neet/UD_NEETNK_LA_dashboard_final_2025.csv"
NEET_2023 = "geodata/context/neet/UD_NEETNK_LA_dashboard_2023_final.csv"
LA_2021 = "geodata/boundaries/ctyua_2021_buc/CTYUA_DEC_2021_UK_BUC.shp"


def load_real_context(engine: Engine, shared_dir: Path) -> int:
    """Load every context file of the shared folder; returns the context version."""
    files = read_context_paths([shared_dir / "geodata/context"])
    with Session(engine) as session:
        result = load_context_on_boundaries(session, files.figures, "tests")
        session.commit()
        assert result.load.id is not None
        return result.load.id


@pytest.fixture(scope="module")
def context(boundaries: Engine, shared_dir: Path) -> Engine:
    load_real_context(boundaries, shared_dir)
    return boundaries


def test_latest_figures_are_the_2025_file_values(context: Engine, shared_dir: Path) -> None:
    with (shared_dir / NEET_2025).open(newline="", encoding="utf-8-sig") as file:
        rows = [r for r in csv.DictReader(file) if r["geographic_level"] == "Local authority"]
    with Session(context) as session:
        latest = latest_figures(session)
    for row in rows:
        figure = latest[row["new_la_code"]]["neet_or_not_known_pct"]
        assert figure.period == "2025"
        assert figure.value == float(row["NEET_not_known_percent"])
    assert latest["E08000014"]["imd_avg_score"].period == "2019"
    assert set(latest["E08000014"]) == set(INDICATORS)


def test_missing_figures_are_stored_as_null_with_a_reason(context: Engine) -> None:
    with Session(context) as session:
        latest = latest_figures(session)
        zeros = session.exec(
            select(func.count()).where(
                AreaIndicator.value == 0, AreaIndicator.indicator == "cohort"
            )  # type: ignore[arg-type]
        ).one()
    for code in ("E09000001", "E06000053"):
        for indicator in ("neet_pct", "not_known_pct", "neet_or_not_known_pct", "cohort"):
            figure = latest[code][indicator]
            assert figure.value is None
            assert figure.missing == "no_data"
        assert latest[code]["imd_avg_score"].value is not None
    assert zeros[0] == 0


def test_every_la_and_region_has_every_indicator(context: Engine) -> None:
    with Session(context) as session:
        latest = latest_figures(session)
    assert len([c for c in latest if c[:3] != "E12"]) == 153
    assert len([c for c in latest if c[:3] == "E12"]) == 9
    assert all(set(per_area) == set(INDICATORS) for per_area in latest.values())
    imd = [latest[c]["imd_avg_score"].value for c in latest if c[:3] != "E12"]
    assert all(v is not None for v in imd)


def test_a_reload_replaces_and_bumps_the_version(context: Engine, shared_dir: Path) -> None:
    with Session(context) as session:
        before = context_version(session)
        count = session.exec(select(func.count()).select_from(AreaIndicator)).one()
    after = load_real_context(context, shared_dir)
    with Session(context) as session:
        again = session.exec(select(func.count()).select_from(AreaIndicator)).one()
    assert before is not None
    assert after > before
    assert again == count


@pytest.mark.parametrize(
    ("value", "missing"), [(1.0, "suppressed"), (None, None), (None, "zero"), (0.0, "no_data")]
)
def test_the_database_rejects_a_value_with_a_reason_or_neither(
    context: Engine, value: float | None, missing: str | None
) -> None:
    row = {
        "area_code": "E08000014",
        "indicator": "test_only",
        "period": "1999",
        "value": value,
        "missing": missing,
        "source": "test",
    }
    with context.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(insert(AreaIndicator), [row])


@pytest.fixture
def on_2021_boundaries(backend: str, tmp_path: Path, shared_dir: Path) -> Iterator[Engine]:
    """A new database with the December 2021 LAs (Cumbria still one county) and every context
    file loaded on them."""
    url = empty_database_url(backend, tmp_path)
    upgrade(url)
    engine = create_db_engine(url)
    inputs = read_boundary_inputs(
        shared_dir / LA_2021, regions=shared_dir / REGIONS_2023, la_codes=shared_dir / DFE_LAS
    )
    with Session(engine) as session:
        load_boundary_inputs(session, inputs)
        session.commit()
    load_real_context(engine, shared_dir)
    yield engine
    engine.dispose()
    discard_database(url)


def _dashboard_row(shared_dir: Path, path: str, code: str) -> dict[str, str]:
    with (shared_dir / path).open(newline="", encoding="utf-8-sig") as file:
        return next(r for r in csv.DictReader(file) if r["new_la_code"] == code)


def test_an_area_gone_from_later_files_keeps_its_last_published_figures(
    on_2021_boundaries: Engine, shared_dir: Path
) -> None:
    cumbria_2023 = _dashboard_row(shared_dir, NEET_2023, "E10000006")
    sefton_2025 = _dashboard_row(shared_dir, NEET_2025, "E08000014")
    with Session(on_2021_boundaries) as session:
        stored = session.exec(
            select(func.count()).where(
                AreaIndicator.area_code == "E10000006", AreaIndicator.period == "2025"
            )  # type: ignore[arg-type]
        ).one()
        latest = latest_figures(session)
    assert stored[0] > 0  # the later years are stored for Cumbria, as gaps
    cumbria = latest["E10000006"]["neet_pct"]
    assert (cumbria.period, cumbria.value, cumbria.missing) == ("2023", 2.2, None)
    assert cumbria.value == float(cumbria_2023["NEET_percent"])
    sefton = latest["E08000014"]["neet_pct"]
    assert (sefton.period, sefton.value) == ("2025", float(sefton_2025["NEET_percent"]))
    # City of London: never published, so its latest gap shows, not nothing.
    assert latest["E09000001"]["neet_pct"].period == "2025"
    assert latest["E09000001"]["neet_pct"].missing == "no_data"


def test_a_year_the_source_marked_missing_does_not_fall_back(
    on_2021_boundaries: Engine,
) -> None:
    """DfE's own `x` or `c` for the latest year is that year's answer: no older number."""
    with on_2021_boundaries.begin() as conn:
        for indicator, missing in (("neet_pct", "no_data"), ("not_known_pct", "suppressed")):
            conn.execute(
                update(AreaIndicator)
                .where(
                    col(AreaIndicator.area_code) == "E08000014",
                    col(AreaIndicator.indicator) == indicator,
                    col(AreaIndicator.period) == "2025",
                )
                .values(value=None, missing=missing, note=None)
            )
    with Session(on_2021_boundaries) as session:
        latest = latest_figures(session)
    for indicator, missing in (("neet_pct", "no_data"), ("not_known_pct", "suppressed")):
        figure = latest["E08000014"][indicator]
        assert (figure.period, figure.value, figure.missing) == ("2025", None, missing)
