"""What reading a spreadsheet gives: its rows as drafts, and every problem and warning.

Kept apart from the reading (`csv_import`, `csv_rows`) so that both, and the workbook reader
that feeds the same rows, share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import FieldProblem
from models.interventions.drafts import InterventionDraft


@dataclass(frozen=True)
class CsvRow:
    """One row: its spreadsheet number, its draft if valid, and its LA references as written.

    The LA references of an invalid row are kept so that their problems (unknown, split,
    outside the key's scope) are reported in the same pass as the row's other problems.
    """

    row: int
    draft: InterventionDraft | None
    la_codes: tuple[str, ...]
    #: The `la_names` cell's parts, when the sheet keeps names beside the codes.
    la_names: tuple[str, ...] = ()


@dataclass
class ParsedCsv:
    """What a file said: its rows, and every problem and warning found on the way."""

    rows_read: int = 0
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Column -> the row whose problem lists the column's allowed values: a 10,000-row file
    #: with wrong values on every row made a report of many megabytes by repeating them.
    values_listed: dict[str, int] = field(default_factory=dict)
    #: The column each header cell stands for ("" for none), to name a problem's cell.
    header: list[str] = field(default_factory=list)
    #: Each read row's cells by row number, to quote a problem's value in the report.
    cells: dict[int, list[str]] = field(default_factory=dict)
    #: The sheet read, for a workbook.
    sheet: str | None = None
