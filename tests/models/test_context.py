"""Storing and reading context indicators on both backends, from the real files."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from geodata.context import read_context_paths
from models.context import INDICATORS, AreaIndicator
from models.queries.context import context_version, latest_figures, load_context_on_boundaries

NEET_2025 = "geodata/context/neet/UD_NEETNK_LA_dashboard_final_2025.csv"


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
