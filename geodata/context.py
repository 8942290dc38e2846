"""Pure readers of the LA context files: DfE NEET and participation dashboards, IMD 2019.

Researchers set provision beside need, so each LA's NEET and Not Known rates and its
deprivation are read from the published files by path. Readers return figures under the
codes printed in each file, keeping DfE's `c` (suppressed) and `z` (not applicable) as
explicit missing values, never zero; `geodata.context_keying` maps those codes onto the
loaded boundaries.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from geodata.errors import GeodataError

SUPPRESSED: Final = "suppressed"
NOT_APPLICABLE: Final = "not_applicable"
NO_DATA: Final = "no_data"

Level = Literal["la", "region"]

#: DfE's symbols for a figure that is not given (GSS statistical conventions).
_SYMBOLS: Final[Mapping[str, str]] = {
    "c": SUPPRESSED,
    "low": SUPPRESSED,
    "z": NOT_APPLICABLE,
    "x": NO_DATA,
    ":": NO_DATA,
    "-": NO_DATA,
    "": NO_DATA,
}

#: Our indicator slug -> the column of the DfE NEET and participation LA dashboard.
NEET_COLUMNS: Final[Mapping[str, str]] = {
    "neet_pct": "NEET_percent",
    "not_known_pct": "Notknown_percent",
    "neet_or_not_known_pct": "NEET_not_known_percent",
    "cohort": "Cohort_DJFavg",
    "sept_guarantee_offer_pct": "September_guarantee_Offer_made_percent",
    "participation_pct": "TOTAL_participating_in_education_and_training_percent",
    "vulnerable_neet_or_not_known_pct": "VG_NEET_NK_percentage",
}
_NEET_KEYS: Final = ("time_period", "geographic_level", "new_la_code", "la_name", "region_code")

#: Our indicator slug -> the column of the IMD 2019 upper-tier table on 2023 LA codes.
IMD_COLUMNS: Final[Mapping[str, str]] = {
    "imd_avg_score": "imd_avg_score",
    "imd_rank": "imd_rank_of_avg_score_among_153_DERIVED",
}
_IMD_KEYS: Final = ("CTYUA23CD", "CTYUA23NM", "source")
IMD_PERIOD: Final = "2019"
IMD_RANK_NOTE: Final = (
    "Rank of the IMD 2019 average score among the 153 LAs of May 2023; 1 is the most deprived."
)


class ContextFileError(GeodataError):
    """A context file is missing, unreadable, of an unknown kind, or holds a value that is not a number."""


@dataclass(frozen=True)
class Figure:
    """One figure (or why it is missing) for one area, indicator and period."""

    code: str
    name: str
    level: Level
    indicator: str
    period: str
    value: float | None
    missing: str | None
    source: str
    note: str | None = None


def parse_cell(text: str) -> tuple[float | None, str | None]:
    """A number, or None and the reason it is missing; ValueError for anything else."""
    raw = text.strip()
    if raw.casefold() in _SYMBOLS:
        return None, _SYMBOLS[raw.casefold()]
    value = float(raw.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(raw)
    return value, None


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            return list(reader.fieldnames or ()), list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ContextFileError(f"Could not read the context file {path}: {exc}.") from exc


def _require(path: Path, header: Iterable[str], needed: Iterable[str]) -> None:
    missing = sorted(set(needed) - set(header))
    if missing:
        raise ContextFileError(f"The context file {path.name} has no {', '.join(missing)} column.")


def _figure_cell(path: Path, line: int, column: str, text: str) -> tuple[float | None, str | None]:
    try:
        return parse_cell(text)
    except ValueError:
        raise ContextFileError(
            f"{path.name}, row {line}, column {column}: '{text}' is neither a number nor one "
            "of DfE's symbols (c, z, x)."
        ) from None


def kind_of(header: Iterable[str]) -> Literal["neet", "imd"] | None:
    """Which reader understands a CSV with this header, if any."""
    columns = set(header)
    if {*_NEET_KEYS, *NEET_COLUMNS.values()} <= columns:
        return "neet"
    if {*_IMD_KEYS, *IMD_COLUMNS.values()} <= columns:
        return "imd"
    return None


def read_neet_dashboard(path: Path) -> list[Figure]:
    """LA and regional rows of a DfE 'NEET and participation' LA dashboard CSV (one year)."""
    header, rows = _rows(path)
    _require(path, header, (*_NEET_KEYS, *NEET_COLUMNS.values()))
    figures: list[Figure] = []
    for line, row in enumerate(rows, start=2):
        level_text = row["geographic_level"].strip().casefold()
        if level_text == "local authority":
            level: Level = "la"
            code, name = row["new_la_code"].strip().upper(), row["la_name"].strip()
        elif level_text == "regional":
            level, code = "region", row["region_code"].strip().upper()
            name = row.get("region_name", "").strip()
        else:
            continue
        period = row["time_period"].strip()
        source = f"DfE NEET and participation of 16-17 year-olds by LA, {period} ({path.name})"
        for indicator, column in NEET_COLUMNS.items():
            value, missing = _figure_cell(path, line, column, row[column])
            figures.append(Figure(code, name, level, indicator, period, value, missing, source))
    return figures


def read_imd_upper_tier(path: Path) -> list[Figure]:
    """IMD 2019 average score and rank per LA from the upper-tier table on 2023 LA codes."""
    header, rows = _rows(path)
    _require(path, header, (*_IMD_KEYS, *IMD_COLUMNS.values()))
    figures: list[Figure] = []
    for line, row in enumerate(rows, start=2):
        code, name = row["CTYUA23CD"].strip().upper(), row["CTYUA23NM"].strip()
        source = f"MHCLG English Indices of Deprivation 2019, upper-tier: {row['source'].strip()}"
        for indicator, column in IMD_COLUMNS.items():
            value, missing = _figure_cell(path, line, column, row[column])
            note = IMD_RANK_NOTE if indicator == "imd_rank" else None
            figures.append(
                Figure(code, name, "la", indicator, IMD_PERIOD, value, missing, source, note)
            )
    return figures


def read_context_file(path: Path) -> list[Figure]:
    """Read one context CSV, recognised by its columns; ContextFileError if it is neither kind."""
    if not path.is_file():
        raise ContextFileError(f"There is no context file at {path}.")
    header, _ = _rows(path)
    kind = kind_of(header)
    if kind == "neet":
        return read_neet_dashboard(path)
    if kind == "imd":
        return read_imd_upper_tier(path)
    raise ContextFileError(
        f"{path.name} is neither a DfE NEET and participation LA dashboard nor the IMD 2019 "
        "upper-tier table on 2023 LA codes (imd2019_on_ctyua2023_DERIVED.csv)."
    )


@dataclass(frozen=True)
class ContextFiles:
    """The figures of every recognised file, the files read and the files passed over."""

    figures: list[Figure]
    read: list[Path]
    skipped: list[Path]


def read_context_paths(paths: Iterable[Path]) -> ContextFiles:
    """Read files and folders; in a folder, CSVs of another kind are passed over, not errors."""
    paths = list(paths)
    figures: list[Figure] = []
    read: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
                if candidate.suffix.casefold() != ".csv" or kind_of(_rows(candidate)[0]) is None:
                    skipped.append(candidate)
                    continue
                figures.extend(read_context_file(candidate))
                read.append(candidate)
        else:
            figures.extend(read_context_file(path))
            read.append(path)
    if not read:
        names = ", ".join(str(p) for p in paths) or "nothing"
        raise ContextFileError(f"No context file was found in {names}.")
    return ContextFiles(figures, read, skipped)
