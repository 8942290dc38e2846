"""Interventions as CSV rows: the columns of the partner CSV import, with `id` first.

Using the import's columns means a researcher's download and an LA officer's upload read the
same way, and an exported file can be corrected and submitted back. Multi-valued cells are
joined with `;`, as the import splits them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from models.intake.csv_import import COLUMNS as IMPORT_COLUMNS
from models.intake.csv_import import TYPOLOGY_COLUMNS
from models.interventions.records import InterventionView
from models.text.safety import protect_formula

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
SEPARATOR = ";"

#: The export's columns: the id, then exactly the partner import's columns, so a file can go
#: back in (one definition, in models.intake.csv_import).
_DIMENSION_COLUMNS: dict[str, str] = dict(TYPOLOGY_COLUMNS)
CSV_COLUMNS: tuple[str, ...] = ("id", *IMPORT_COLUMNS)

#: Spreadsheets run a cell starting with a formula character (CSV injection), so free text
#: that does is prefixed with an apostrophe, which spreadsheets hide and the import removes
#: (`models.text.safety`).
_FREE_TEXT = {"name", "description", "provider", "website", "contact_email", "source_url"}


def _cell(column: str, value: str | int | None) -> str:
    if value is None:
        return ""
    text = str(value)
    return protect_formula(text) if column in _FREE_TEXT else text


def row_values(row: InterventionView) -> dict[str, str | int | None]:
    """One intervention as typed values keyed by `CSV_COLUMNS`, lists joined, text as stored."""
    values: dict[str, str | int | None] = {
        "id": row.id,
        "la_codes": SEPARATOR.join(sorted(area.code for area in row.areas)),
        "age_min": row.age_min,
        "age_max": row.age_max,
        "status": row.status,
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "end_date": row.end_date.isoformat() if row.end_date else None,
    }
    for column in _FREE_TEXT:
        values[column] = getattr(row, column) or None
    for column, dimension in _DIMENSION_COLUMNS.items():
        values[column] = SEPARATOR.join(row.values(dimension))
    return {column: values[column] for column in CSV_COLUMNS}


def csv_row(row: InterventionView) -> list[str]:
    """One intervention as CSV cells in `CSV_COLUMNS` order, safe to open in a spreadsheet."""
    return [_cell(column, value) for column, value in row_values(row).items()]


def render_csv(rows: Iterable[InterventionView], *, header: bool) -> str:
    """A chunk of CSV text (RFC 4180, CRLF line ends), with the header row first if asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def csv_chunks(pages: Iterable[Iterable[InterventionView]]) -> Iterator[bytes]:
    """The header, then one encoded chunk per page of records, for streaming."""
    yield render_csv((), header=True).encode()
    for page in pages:
        yield render_csv(page, header=False).encode()
