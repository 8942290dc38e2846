"""Cross-tabulations as tables: the cells a /stats answer lists, zeros included, and its rows.

The counting is `models.research`; what a table lists (every slug, the LAs or regions inside
the place filter, each LA beside its own region only) is decided here, once for JSON and CSV.
"""

from __future__ import annotations

from typing import Any

from models.geography.catalogue import AreaCatalogue
from models.interventions.crosstab import Cell
from models.research.stats import complete_table
from models.typology.vocabulary import DIMENSIONS, slugs


def _values(
    dimension: str, catalogue: AreaCatalogue | None, places: frozenset[str] | None
) -> list[str]:
    """The values a table lists on one dimension: every slug, or every LA or region (only
    those inside the place filter when there is one)."""
    if dimension in DIMENSIONS:
        return list(slugs(dimension))
    assert catalogue is not None
    return catalogue.codes_within(dimension, places)


def table_cells(
    dimensions: list[str],
    counts: dict[Cell, int],
    catalogue: AreaCatalogue | None,
    places: frozenset[str] | None,
) -> list[tuple[Cell, int]]:
    """The cells of a table, zeros included. With a place filter, LAs and regions outside it
    are left out (an intervention serving Leeds and Sefton, found by `la=Leeds`, does not
    make Sefton a row). LA by region lists each LA with its own region only."""
    values = [_values(d, catalogue, places) for d in dimensions]
    if places is not None:
        allowed = [
            set(v) if d in {"la", "region"} else None
            for d, v in zip(dimensions, values, strict=True)
        ]
        counts = {
            cell: n
            for cell, n in counts.items()
            if all(ok is None or value in ok for ok, value in zip(allowed, cell, strict=True))
        }
    keep = None
    if catalogue is not None and {"la", "region"} <= set(dimensions):
        la, region = dimensions.index("la"), dimensions.index("region")

        def keep(cell: Cell) -> bool:
            info = catalogue.las.get(cell[la])
            return info is not None and info.region_code == cell[region]

    return complete_table(counts, values, keep)


def stats_rows(
    dimensions: list[str], table: list[tuple[Cell, int]], catalogue: AreaCatalogue | None
) -> list[dict[str, Any]]:
    """`{dimension: value, ..., count}` per cell, with the name of each LA or region."""
    rows: list[dict[str, Any]] = []
    for cell, count in table:
        row: dict[str, Any] = {}
        for dimension, value in zip(dimensions, cell, strict=True):
            row[dimension] = value
            if catalogue is not None and dimension in {"la", "region"}:
                areas = catalogue.las if dimension == "la" else catalogue.regions
                row[f"{dimension}_name"] = areas[value].name if value in areas else None
        row["count"] = count
        rows.append(row)
    return rows
