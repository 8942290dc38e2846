"""ONS column names: which columns of a boundary file hold the area codes, names and vintage.

ONS renames its columns every release (CTYUA21CD, CTYUA23CD, ctyua24cd...): geography, two
digits of the year, then CD for codes or NM for names.
"""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from geodata.errors import BoundaryFileError

LA_GEOGRAPHIES: Final = ("CTYUA", "UTLA")
"""Upper-tier LAs: Counties and Unitary Authorities, and Upper Tier Local Authorities."""
LOWER_TIER_GEOGRAPHIES: Final = ("LAD", "LTLA")
"""Lower-tier districts: never detected as LAs, since counties are not among them."""
REGION_GEOGRAPHIES: Final = ("RGN",)
ALL_GEOGRAPHIES: Final = LA_GEOGRAPHIES + LOWER_TIER_GEOGRAPHIES + REGION_GEOGRAPHIES

_ONS_COLUMN = re.compile(r"^(?P<geo>[A-Z]+?)(?P<yy>\d{2})(?P<kind>CD|NM)$", re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
NAME_OPTIONS: Final = "name them with --code-column and --name-column"
"""How to name the columns of an LA file that detection does not recognise."""


class LowerTierFileError(BoundaryFileError):
    """A Local Authority Districts file was given where upper-tier LAs are needed."""


def _parse(column: str) -> tuple[str, str, str] | None:
    """(geography, two-digit year, "CD"/"NM") of an ONS column name, upper-cased."""
    match = _ONS_COLUMN.match(column)
    if match is None:
        return None
    return match["geo"].upper(), match["yy"], match["kind"].upper()


def _latest_first(columns: Iterable[str], geography: str, kind: str) -> list[tuple[str, str]]:
    """(year, column) of the `geography` columns of `kind` ("CD"/"NM"), newest first."""
    found = [(p[1], c) for c in columns if (p := _parse(c)) and p[0] == geography and p[2] == kind]
    return sorted(found, reverse=True)


def detect_code_columns(
    columns: Iterable[str],
    geographies: Sequence[str] = LA_GEOGRAPHIES,
    *,
    what: str = "the file",
    hint: str = NAME_OPTIONS,
) -> tuple[str, str]:
    """The (code, name) columns of the first of `geographies` present, latest year first.

    `what` names the file in messages ("boundary file x.shp"); `hint` says what to do when
    no column is recognised.
    """
    names = [str(column) for column in columns]
    for geography in geographies:
        codes = _latest_first(names, geography, "CD")
        if not codes:
            continue
        year, code_column = codes[0]
        labels = _latest_first(names, geography, "NM")
        if not labels:
            raise BoundaryFileError(
                f"Found {code_column} in {what} but no {geography}yyNM name column; {hint}."
            )
        # Prefer the name column of the same year as the code column.
        same_year = [column for label_year, column in labels if label_year == year]
        return code_column, (same_year or [labels[0][1]])[0]
    if geographies == LA_GEOGRAPHIES:
        for geography in LOWER_TIER_GEOGRAPHIES:
            if codes := _latest_first(names, geography, "CD"):
                raise LowerTierFileError(
                    f"{what[0].upper()}{what[1:]} is a lower-tier Local Authority Districts "
                    f"file ({codes[0][1]}), without the counties; load the Counties and Unitary "
                    "Authorities (CTYUA) boundaries instead, e.g. `neetmap boundaries download`."
                )
    wanted = ", ".join(f"{g}yyCD" for g in geographies)
    raise BoundaryFileError(
        f"No area code column ({wanted}) in {what}; columns found: {', '.join(names)}; {hint}."
    )


def vintage_from(columns: Iterable[str], path: Path | None = None) -> str | None:
    """The release year, e.g. "2023" from CTYUA23CD, else from a year in the file name."""
    for column in columns:
        parsed = _parse(str(column))
        if parsed and parsed[0] in ALL_GEOGRAPHIES and parsed[2] == "CD":
            return f"20{parsed[1]}"
    if path is not None and (match := _YEAR_IN_NAME.search(path.stem)):
        return match.group(1)
    return None
