"""Reading one sheet of an Excel or OpenDocument workbook into the records the CSV reader makes.

Every row then goes through exactly the checks a CSV row gets (`models.intake.csv_import`), so a rule
cannot hold for one format and not the other. What only a workbook can hold is dealt with here:
date cells become ISO dates, formulas are read as the values Excel last calculated, a cell
showing a formula error (`#REF!`) is reported rather than read as blank, and merged header cells
(one name over several columns) are named. Every kind is read by calamine (Rust), after the
parts inside the file are checked against the caps; it gives an error cell as an empty one, so
an .xlsx sheet's error cells are found in its XML (`error_cells`).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final

from python_calamine import CalamineWorkbook, PasswordError

from models.errors import FieldProblem
from models.intake.caps import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNZIPPED,
    ImportTooLargeError,
    column_letter,
    too_many_rows,
)
from models.intake.csv_columns import read_header
from models.intake.csv_text import Record
from models.intake.workbooks.error_cells import error_cells
from models.intake.workbooks.sniff import FileKind

log = logging.getLogger("neetmap.workbooks")

#: An OpenDocument row or cell written once with a repeat count (`number-rows-repeated`):
#: calamine expands it in memory, so a few bytes can stand for millions of filled cells.
_ODS_ROW: Final = re.compile(rb"<table:table-row\b([^>]*)(?<!/)>(.*?)</table:table-row>", re.DOTALL)
_ODS_CELL: Final = re.compile(rb"<table:table-cell\b([^>]*?)/?>")
_ROWS_REPEATED: Final = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED: Final = re.compile(rb'number-columns-repeated="(\d+)"')
_PASSWORD: Final = (
    "The workbook is protected with a password, so it cannot be read. Remove the password (in "
    "Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and upload it again."
)
_RESAVE: Final = "Open it in Excel (or LibreOffice), save it again as .xlsx, and upload that file."


@dataclass
class SheetRows:
    """One sheet as records (the header is record 1), with what was wrong with the workbook."""

    sheet: str | None = None
    records: list[Record] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_workbook(data: bytes, kind: FileKind, sheet: str | None = None) -> SheetRows:
    """The records of the named sheet (else the first), or problems saying why there are none;
    ImportTooLargeError (a 413) for a workbook over a cap of `models.intake.caps`."""
    if kind is FileKind.ENCRYPTED:
        return _refused(_PASSWORD)
    if kind in (FileKind.XLSX, FileKind.ODS) and (damaged := _unzipped_problem(data)):
        return _refused(damaged)
    if kind is FileKind.ODS:
        _check_ods_cells(data)
    try:
        return _read(data, kind, sheet)
    except PasswordError:
        return _refused(_PASSWORD)
    except ImportTooLargeError:
        raise
    except Exception as exc:  # noqa: BLE001
        # A damaged file can fail anywhere inside the readers (zip, XML, a missing part), with
        # any exception type; each is the same fact for the officer: the file cannot be read.
        log.info("unreadable %s workbook: %s: %s", kind.value, type(exc).__name__, exc)
        return _refused(f"The workbook could not be read: it is damaged or incomplete. {_RESAVE}")


def _refused(message: str) -> SheetRows:
    return SheetRows(problems=[FieldProblem("file", message, 1)])


def _unzipped_problem(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return f"The workbook could not be read: it is damaged or incomplete. {_RESAVE}"
    if size > MAX_UNZIPPED:
        raise ImportTooLargeError(
            "file",
            f"The workbook unpacks to {size // 1_000_000:,} MB, more than neetmap reads "
            f"({MAX_UNZIPPED // 1_000_000} MB). Keep only the sheet of interventions, or "
            f"split it into files of up to {MAX_ROWS:,} rows.",
        )
    return None


def _check_ods_cells(data: bytes) -> None:
    """Refuse an OpenDocument file holding too many filled cells to read, counting repeats.
    Rows and cells repeated without a value (LibreOffice pads every sheet so) are free."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml") if "content.xml" in archive.namelist() else b""
    rows = cells = 0
    for row in _ODS_ROW.finditer(content):
        if b"office:value-type" not in row.group(2):
            continue
        repeated = _ROWS_REPEATED.search(row.group(1))
        times = int(repeated.group(1)) if repeated else 1
        rows += times
        for cell in _ODS_CELL.finditer(row.group(2)):
            if b"office:value-type" in cell.group(1):
                across = _COLUMNS_REPEATED.search(cell.group(1))
                cells += times * (int(across.group(1)) if across else 1)
    if rows > MAX_ROWS + 1 or cells > (MAX_ROWS + 1) * MAX_COLUMNS:
        raise ImportTooLargeError(
            "rows",
            f"The spreadsheet has more than {MAX_ROWS:,} filled rows (or repeats rows or cells "
            f"that many times); neetmap reads up to {MAX_ROWS:,} rows at once. Split it into "
            "several files.",
        )


def _chosen(names: Sequence[str], sheet: str | None) -> tuple[str | None, str | None]:
    """The sheet to read and, if none can be, why."""
    if len(names) > MAX_SHEETS:
        raise ImportTooLargeError(
            "sheets",
            f"The workbook has {len(names)} sheets; neetmap reads workbooks of up to "
            f"{MAX_SHEETS}. Copy the sheet of interventions into a new workbook, or save that "
            "sheet as CSV, and upload that file.",
        )
    if not names:
        return None, "The workbook has no sheet of cells."
    if sheet is None or not sheet.strip():
        return names[0], None
    wanted = sheet.strip().casefold()
    for name in names:
        if name.strip().casefold() == wanted:
            return name, None
    listed = ", ".join(f"'{n}'" for n in names)
    return None, f"The workbook has no sheet called '{sheet.strip()[:60]}'. Its sheets: {listed}."


def _read(data: bytes, kind: FileKind, sheet: str | None) -> SheetRows:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        name, problem = _chosen(book.sheet_names, sheet)
        if problem is not None or name is None:
            return _refused(problem or "The workbook has no sheet of cells.")
        result = SheetRows(sheet=name)
        found = book.get_sheet_by_name(name)
        # calamine's rows start at the first filled column; the sheet's start at column A.
        left = [""] * (found.start[1] if found.start else 0)
        _wide(result, found.end[1] + 1 if found.end else None)
        rows = found.iter_rows()
        header = next(rows, None)
        if header is None or not _add(result, 1, [(value, None) for value in left + header]):
            return result
        errors: dict[tuple[int, int], str] = {}
        if kind is FileKind.XLSX:
            read = {
                i for i, column in enumerate(read_header(result.records[0].cells).columns) if column
            }
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                errors = error_cells(archive, name, read)
        for number, row in enumerate(rows, start=2):
            values = [(value, errors.get((number - 1, i))) for i, value in enumerate(left + row)]
            _add(result, number, values)
        if kind is not FileKind.XLS:  # calamine reads no merged cells from the old format
            _merged(found.merged_cell_ranges or [], result)
        return result
    finally:
        book.close()


def _wide(result: SheetRows, width: int | None) -> None:
    """Warn that columns past the cap were not read: the documented columns are 19, and any
    column neetmap does not know is only warned about, so nothing it reads is lost."""
    if width is not None and width > MAX_COLUMNS:
        result.warnings.append(
            f"The sheet '{result.sheet}' reaches column {column_letter(width - 1)}; neetmap "
            f"reads the first {MAX_COLUMNS} columns (A to {column_letter(MAX_COLUMNS - 1)}), so "
            "anything to the right of them was ignored."
        )


def _add(result: SheetRows, number: int, values: Sequence[tuple[Any, str | None]]) -> bool:
    """Add one row; False (with a problem) when row 1 is empty. Past the row cap, a 413."""
    if number > MAX_ROWS + 1:
        raise too_many_rows(result.sheet)
    cells = [_text(value) if error is None else "" for value, error in values[:MAX_COLUMNS]]
    errors = tuple(
        (i, error) for i, (_, error) in enumerate(values[:MAX_COLUMNS]) if error is not None
    )
    while cells and not cells[-1].strip():
        cells.pop()
    if number == 1 and not cells:
        result.problems.append(
            FieldProblem(
                "file",
                f"Row 1 of the sheet '{result.sheet}' is empty; neetmap reads the column names "
                "from row 1. Delete any empty rows above them.",
                1,
            )
        )
        return False
    result.records.append(Record(number, cells, formula_errors=errors))
    return True


def _text(value: Any) -> str:
    """A cell's value as the CSV reader would see it typed: dates as ISO dates, whole numbers
    without a decimal point, TRUE and FALSE as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()  # a date cell with a time of day still names its day
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _merged(ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]], result: SheetRows) -> None:
    """Report merged cells: over the header a column has no name of its own (a problem); below
    it only the first row of a merge holds the value (a warning)."""
    header: list[str] = []
    below: list[str] = []
    for (top, left), (bottom, right) in ranges:
        span = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
        if top == 0 and right > left:
            header.append(span)
        elif bottom > top or top > 0:
            below.append(span)
    if header:
        result.problems.append(
            FieldProblem(
                "file",
                f"Header cells are merged ({_listed(header)}), so some columns have no name of "
                "their own. Unmerge them and give each column its own name in row 1.",
                1,
            )
        )
    if below:
        result.warnings.append(
            f"The sheet '{result.sheet}' has merged cells ({_listed(below)}); only the first "
            "cell of each holds the value, so the other rows they cover read as empty there. "
            "Unmerge them and fill in every row."
        )


def _listed(spans: Iterable[str]) -> str:
    items = list(spans)
    more = f" and {len(items) - 5} more" if len(items) > 5 else ""
    return ", ".join(items[:5]) + more
