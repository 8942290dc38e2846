"""The import template: the documented columns, a note on each, and drop-down lists of the
allowed values, so an officer fills in a sheet that imports without a problem.

The workbook has two sheets: `Interventions` (row 1 the column names, each with a note; the
typology and LA columns with Excel data validation lists) and `Allowed values` (every column's
values: the value to type, its label and its description). The drop-downs offer labels, which
the import reads as well as slugs; a typology cell may hold several values separated by `;`, so
its list warns about other text rather than refusing it. The LA list holds the LAs given (a
partner key's own), or every LA of the loaded boundaries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import lru_cache
from typing import Final, cast

from annotated_types import Ge, Le
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from models.intake.caps import column_letter
from models.intake.csv_columns import COLUMNS, TYPOLOGY_COLUMNS
from models.interventions.drafts import InterventionDraft
from models.typology.vocabulary import VOCABULARIES, Dimension

DATA_SHEET: Final = "Interventions"
VALUES_SHEET: Final = "Allowed values"
#: How many rows of the data sheet carry the drop-downs and formats.
TEMPLATE_ROWS: Final = 1000
_SEVERAL: Final = "Several values: separate them with ; (a semicolon)."


def _ages() -> tuple[int, int]:
    """The ages the draft accepts, read from its own field limits."""
    meta = InterventionDraft.model_fields["age_min"].metadata
    low = next(cast(int, m.ge) for m in meta if isinstance(m, Ge))
    high = next(cast(int, m.le) for m in meta if isinstance(m, Le))
    return low, high


def column_notes() -> dict[str, str]:
    """A note for each documented column, shown on its header cell."""
    low, high = _ages()
    notes = {
        "name": "Required. The name of the programme or service.",
        "description": "What it does, in plain words.",
        "provider": "Who delivers it (the LA, a charity, a college...).",
        "la_codes": "Required. The LA(s) it serves: a GSS code such as E08000035 (pick from "
        "the list), a DfE code such as 383, or a name. " + _SEVERAL,
        "age_min": f"Youngest age served, a whole number from {low} to {high}.",
        "age_max": f"Oldest age served, a whole number from {low} to {high}.",
        "start_date": "When it started or starts: a date such as 01/09/2024.",
        "end_date": "When it ended or ends: a date such as 31/07/2025.",
        "website": "Its public web page, starting with https:// or http://.",
        "contact_email": "A contact e-mail address.",
        "source_url": "Where this information comes from: a web address.",
        "status": "Planned, active, ended or not stated (pick from the list). Left empty, "
        "it is active.",
    }
    for column, dimension in TYPOLOGY_COLUMNS.items():
        extra = " Left empty, it is worked out from the ages." if column == "age_bands" else ""
        notes[column] = (
            f"Pick from the list (see the '{VALUES_SHEET}' sheet). {_SEVERAL}{extra}"
            if dimension != "age_band"
            else f"Optional: pick from the list.{extra} {_SEVERAL}"
        )
    return {column: notes[column] for column in COLUMNS}


def template_csv() -> bytes:
    """The CSV template: the header row, UTF-8 with a BOM so Excel opens it as UTF-8."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(list(COLUMNS))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(las: Mapping[str, str]) -> bytes:
    """The template workbook; `las` maps the LA codes to offer to their names.

    Built once per list of LAs: openpyxl stamps each save with the time, so the same template
    would otherwise differ byte for byte between requests (and its ETag with it).
    """
    return _built(tuple(sorted(las.items())))


@lru_cache(maxsize=256)
def _built(las: tuple[tuple[str, str], ...]) -> bytes:
    book = Workbook()
    data = book.active
    assert isinstance(data, Worksheet)
    data.title = DATA_SHEET
    values = book.create_sheet(VALUES_SHEET)
    ranges = _values_sheet(values, dict(las))
    notes = column_notes()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS):
        letter = column_letter(index)
        cell = data.cell(row=1, column=index + 1, value=column)
        cell.font, cell.fill = bold, fill
        cell.comment = Comment(notes[column], "neetmap", width=320, height=120)
        data.column_dimensions[letter].width = max(14, len(column) + 4)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column in ranges:
            _list(data, cells, ranges[column], strict=column in ("status",))
        elif column in ("age_min", "age_max"):
            low, high = _ages()
            rule = DataValidation(type="whole", operator="between", formula1=str(low))
            rule.formula2 = str(high)
            _show(rule, f"A whole number from {low} to {high}.", strict=True)
            data.add_data_validation(rule)
            rule.add(cells)
        elif column in ("start_date", "end_date"):
            for row in range(2, TEMPLATE_ROWS + 2):
                data.cell(row=row, column=index + 1).number_format = "DD/MM/YYYY"
    data.column_dimensions["A"].width = 36
    data.column_dimensions["B"].width = 48
    data.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _values_sheet(sheet: Worksheet, las: Mapping[str, str]) -> dict[str, str]:
    """Fill the second sheet; return each column's range of labels for its drop-down."""
    sheet.append(["column", "value", "label", "description"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    ranges: dict[str, str] = {}
    dimensions: dict[str, Dimension] = {**TYPOLOGY_COLUMNS, "status": "status"}
    for column, dimension in dimensions.items():
        first = sheet.max_row + 1
        for term in VOCABULARIES[dimension]:
            sheet.append([column, term.slug, term.label, term.description])
        ranges[column] = f"'{VALUES_SHEET}'!$C${first}:$C${sheet.max_row}"
    if las:
        first = sheet.max_row + 1
        for code, name in sorted(las.items(), key=lambda item: item[1]):
            sheet.append(["la_codes", code, name, "Local authority"])
        ranges["la_codes"] = f"'{VALUES_SHEET}'!$B${first}:$B${sheet.max_row}"
    for letter, width in (("A", 20), ("B", 22), ("C", 36), ("D", 90)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    return ranges


def _list(sheet: Worksheet, cells: str, source: str, *, strict: bool) -> None:
    rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
    _show(rule, "Pick from the list." + ("" if strict else f" {_SEVERAL}"), strict=strict)
    sheet.add_data_validation(rule)
    rule.add(cells)


def _show(rule: DataValidation, prompt: str, *, strict: bool) -> None:
    """A prompt on the cell; a value outside the list is refused (single values) or only
    warned about (cells that may list several values)."""
    rule.prompt, rule.showInputMessage = prompt, True
    rule.error, rule.showErrorMessage = prompt, True
    rule.errorStyle = "stop" if strict else "warning"
