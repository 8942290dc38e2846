"""Context readers and keying on the real DfE NEET and IMD files, read by path."""

import csv
from pathlib import Path

import pytest

from geodata.codes import LACodeRegistry
from geodata.context import (
    NO_DATA,
    NOT_APPLICABLE,
    SUPPRESSED,
    ContextFileError,
    Figure,
    parse_cell,
    read_context_file,
    read_context_paths,
    read_neet_dashboard,
)
from geodata.context_keying import KeyedContext, key_to_areas, same_area

NEET_2025 = "geodata/context/neet/UD_NEETNK_LA_dashboard_final_2025.csv"
NEET_2023 = "geodata/context/neet/UD_NEETNK_LA_dashboard_2023_final.csv"
IMD = "geodata/context/imd2019/imd2019_on_ctyua2023_DERIVED.csv"
LOOKUP = "geodata/lookups/la_lookup_ctyua2023_region_DERIVED.csv"
NO_DFE_FIGURES = {"E09000001": "City of London", "E06000053": "Isles of Scilly"}


def _file_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return [r for r in csv.DictReader(file) if r["geographic_level"] == "Local authority"]


@pytest.fixture(scope="module")
def keyed(shared_dir: Path) -> KeyedContext:
    with (shared_dir / LOOKUP).open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    registry = LACodeRegistry({r["CTYUA23CD"]: r["CTYUA23NM"] for r in rows})
    regions = {r["region_code"]: r["region_name"] for r in rows}
    files = read_context_paths([shared_dir / "geodata/context"])
    return key_to_areas(files.figures, registry, regions)


def _find(keyed: KeyedContext, code: str, indicator: str, period: str) -> Figure:
    found = [
        f for f in keyed.figures if (f.code, f.indicator, f.period) == (code, indicator, period)
    ]
    assert len(found) == 1, (code, indicator, period, found)
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.4", (3.4, None)),
        ("0", (0.0, None)),
        ("1,234", (1234.0, None)),
        ("c", (None, SUPPRESSED)),
        ("z", (None, NOT_APPLICABLE)),
        ("x", (None, NO_DATA)),
        ("", (None, NO_DATA)),
    ],
)
def test_parse_cell_keeps_symbols_apart_from_numbers(
    text: str, expected: tuple[float | None, str | None]
) -> None:
    assert parse_cell(text) == expected


@pytest.mark.parametrize("text", ["n/a?", "nan", "inf"])
def test_parse_cell_rejects_what_is_not_a_figure(text: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_cell(text)


def test_sefton_2025_neet_rate_is_the_file_value(shared_dir: Path) -> None:
    path = shared_dir / NEET_2025
    expected = next(r for r in _file_rows(path) if r["la_name"] == "Sefton")
    figures = {f.indicator: f for f in read_neet_dashboard(path) if f.code == "E08000014"}
    assert figures["neet_pct"].value == float(expected["NEET_percent"])
    assert figures["not_known_pct"].value == float(expected["Notknown_percent"])
    assert figures["neet_pct"].period == "2025"
    assert "2025" in figures["neet_pct"].source


def test_suppressed_and_not_applicable_cells_are_missing_not_zero(shared_dir: Path) -> None:
    rows = _file_rows(shared_dir / NEET_2023)
    column = "VG_NEET_NK_percentage"
    expected = {r["new_la_code"]: r[column] for r in rows if r[column] in {"c", "z"}}
    assert expected, "the 2023 file has c or z cells in this column"
    figures = {
        f.code: f
        for f in read_neet_dashboard(shared_dir / NEET_2023)
        if f.indicator == "vulnerable_neet_or_not_known_pct"
    }
    for code, symbol in expected.items():
        assert figures[code].value is None
        assert figures[code].missing == {"c": SUPPRESSED, "z": NOT_APPLICABLE}[symbol]


def test_a_bad_cell_names_file_row_and_column(tmp_path: Path, shared_dir: Path) -> None:
    lines = (shared_dir / NEET_2025).read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("NEET_percent")] = "lots"
    bad = tmp_path / "neet.csv"
    bad.write_text("\n".join([lines[0], lines[1], lines[2], ",".join(cells)]), encoding="utf-8")
    with pytest.raises(ContextFileError, match=r"neet\.csv, row 4, column NEET_percent"):
        read_context_file(bad)


def test_unknown_files_are_errors_by_name_and_skipped_in_folders(
    tmp_path: Path, shared_dir: Path
) -> None:
    with pytest.raises(ContextFileError, match="neither"):
        read_context_file(shared_dir / "geodata/lookups/dfe_las.csv")
    with pytest.raises(ContextFileError, match="no context file"):
        read_context_file(tmp_path / "missing.csv")
    with pytest.raises(ContextFileError, match="No context file was found"):
        read_context_paths([tmp_path])
    files = read_context_paths([shared_dir / "geodata/context"])
    assert {p.name for p in files.read} >= {Path(NEET_2025).name, Path(IMD).name}
    assert "lait_neet_nk_timeseries_2018_2025.csv" in {p.name for p in files.skipped}


def test_every_la_has_an_imd_score_and_rank(keyed: KeyedContext) -> None:
    imd = [f for f in keyed.figures if f.indicator == "imd_avg_score" and f.level == "la"]
    assert len(imd) == 153
    assert all(f.value is not None and f.value > 0 for f in imd)
    ranks = sorted(f.value for f in keyed.figures if f.indicator == "imd_rank" and f.level == "la")
    assert ranks == list(range(1, 154))


def test_las_without_dfe_figures_say_so(keyed: KeyedContext) -> None:
    for code in NO_DFE_FIGURES:
        for period in ("2023", "2024", "2025"):
            for indicator in ("neet_pct", "not_known_pct", "cohort"):
                figure = _find(keyed, code, indicator, period)
                assert figure.value is None
                assert figure.missing == NO_DATA
                assert figure.note


def test_a_split_countys_figure_is_not_given_to_its_successors(
    keyed: KeyedContext, shared_dir: Path
) -> None:
    rows = _file_rows(shared_dir / NEET_2023)
    assert any(r["new_la_code"] == "E10000006" for r in rows)
    for successor in ("E06000063", "E06000064"):
        figure = _find(keyed, successor, "neet_pct", "2023")
        assert figure.value is None
        assert figure.missing == NO_DATA
        assert figure.note is not None
        assert "E10000006 Cumbria" in figure.note
        assert _find(keyed, successor, "neet_pct", "2025").value is not None


def test_a_county_become_unitary_keeps_its_figure(keyed: KeyedContext, shared_dir: Path) -> None:
    rows = _file_rows(shared_dir / NEET_2023)
    county = next(r for r in rows if r["new_la_code"] == "E10000023")
    figure = _find(keyed, "E06000065", "neet_pct", "2023")
    assert figure.value == float(county["NEET_percent"])
    assert figure.note is not None
    assert "E10000023" in figure.note


def test_one_row_per_area_indicator_and_period(keyed: KeyedContext) -> None:
    keys = [(f.code, f.indicator, f.period) for f in keyed.figures]
    assert len(keys) == len(set(keys))
    assert {f.code for f in keyed.figures if f.level == "la"} >= set(NO_DFE_FIGURES)
    assert keyed.warnings == []


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ("E10000023", "E06000065", True),  # North Yorkshire: county became unitary
        ("E08000016", "E08000038", True),  # Barnsley: recoded
        ("E06000065", "E10000023", True),
        ("E10000006", "E06000063", False),  # Cumbria: split
        ("E06000029", "E06000058", False),  # Poole: merged into BCP
        ("E10000009", "E06000059", False),  # Dorset county: split
    ],
)
def test_same_area_only_across_one_to_one_changes(old: str, new: str, same: bool) -> None:
    assert same_area(old, new) is same
