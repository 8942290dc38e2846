"""Shapes of the research answers (cross-tabs and coverage) and their CSV renderings.

Rows keep the dimension names as keys (`{"region": ..., "target_group": ..., "count": n}`) so
that a table reads the same in JSON and CSV. Context objects are given once per area in JSON and
flattened for CSV into a value, year, missing-reason and source column per indicator, so a
spreadsheet never shows a gap as 0 and every figure says where it comes from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from models.context.tables import INDICATORS

COUNTING_RULE = (
    "An intervention counts once in each LA it serves, once in each region it serves and "
    "once under each value it carries on a typology dimension; `total` counts it once."
)


class StatsTable(BaseModel):
    """A one- or two-way table of published interventions matching the filters."""

    group_by: list[str] = Field(description="The dimensions of the table, in order.")
    total: int = Field(description="Matching interventions, each counted once (the list total).")
    cells: int = Field(description="Number of rows: every combination of values, zeros included.")
    counting_rule: str = COUNTING_RULE
    rows: list[dict[str, Any]] = Field(
        description=(
            "`{<dimension>: value, ..., count}`; `la` rows add `la_name`, `region` rows "
            "`region_name`."
        )
    )
    context_by: str | None = Field(
        None,
        description=(
            "With `with_context=true`: the dimension keyed, `la` whenever it is grouped by "
            "(so `group_by=region,la` gives each row its LA's figures), else `region`."
        ),
    )
    context: dict[str, dict[str, Any] | None] | None = Field(
        None,
        description=(
            "With `with_context=true`: each LA's (or region's) context object by code, given "
            "once rather than on every row."
        ),
    )
    boundary_version: int | None = Field(None, description="Boundary version of the LA codes.")
    context_version: int | None = Field(None, description="Context load behind `context`.")
    warnings: list[str] = Field(default_factory=list)


class CoverageItem(BaseModel):
    """One LA: how many matching published interventions serve it."""

    code: str
    name: str
    region_code: str | None
    region_name: str | None
    count: int = Field(description="Matching published interventions serving this LA.")
    covered: bool = Field(description="Whether at least one matching intervention serves it.")
    context: dict[str, Any] | None = Field(None, description="With `with_context=true`.")


class CoverageReport(BaseModel):
    """Every LA (or only the gaps) and whether the filtered provision reaches it."""

    total_las: int = Field(
        description="LAs in the loaded boundaries (inside the place filter, if there is one)."
    )
    covered_las: int = Field(description="LAs with at least one matching intervention.")
    gap_las: int = Field(description="LAs with none.")
    gaps_only: bool
    items: list[CoverageItem]
    boundary_version: int
    context_version: int | None = None
    warnings: list[str] = Field(default_factory=list)


def context_columns(context: dict[str, Any] | None) -> dict[str, Any]:
    """A context object as flat CSV columns: value, year, missing reason and source per
    indicator, so a figure in a spreadsheet can be cited and checked."""
    out: dict[str, Any] = {}
    for name in INDICATORS:
        figure = (context or {}).get(name) or {}
        out[name] = figure.get("value")
        out[f"{name}_year"] = figure.get("year")
        out[f"{name}_missing"] = figure.get("missing")
        out[f"{name}_source"] = figure.get("source")
    return out


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header; None becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def stats_csv(table: StatsTable) -> str:
    """One row per cell; with context, each row repeats its area's figures as flat columns."""
    columns: list[str] = []
    for dimension in table.group_by:
        columns.append(dimension)
        if dimension in {"la", "region"}:
            columns.append(f"{dimension}_name")
    columns.append("count")
    rows: Iterable[dict[str, Any]] = table.rows
    if table.context is not None and table.context_by is not None:
        context, key = table.context, table.context_by
        columns.extend(context_columns(None))
        rows = ({**row, **context_columns(context.get(row[key]))} for row in table.rows)
    return to_csv(rows, columns)


def coverage_csv(report: CoverageReport, with_context: bool) -> str:
    columns = ["code", "name", "region_code", "region_name", "count", "covered"]
    rows = (item.model_dump(exclude={"context"}) for item in report.items)
    if with_context:
        columns.extend(context_columns(None))
        rows = (
            {**item.model_dump(exclude={"context"}), **context_columns(item.context)}
            for item in report.items
        )
    return to_csv(rows, columns)
