"""Reading a partner's spreadsheet (CSV) into drafts, with every problem by row and column.

Each row becomes an `InterventionDraft`, the same validator as the JSON API, so a rule cannot
hold on one path and not the other. Rows are numbered as the spreadsheet shows them (the
header is row 1), since that is where the officer will look. Labels are accepted as well as
slugs, and a wrong value is reported with the allowed values and the closest match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from pydantic import ValidationError

from models.errors import FieldProblem
from models.intake.csv_columns import COLUMNS, NAMES_COLUMN, TYPOLOGY_COLUMNS, read_header
from models.intake.csv_dates import parse_date
from models.intake.csv_text import Record, decode, records, workbook_problem
from models.intake.draft_errors import draft_problems
from models.interventions.drafts import InterventionDraft
from models.text.safety import unprotect_formula
from models.typology.values import UnknownValueError, normalise_value
from models.typology.vocabulary import Dimension

__all__ = ["COLUMNS", "TYPOLOGY_COLUMNS", "CsvRow", "ParsedCsv", "parse_csv", "parse_records"]

_DATES: Final = ("start_date", "end_date")
#: Draft field (or dotted path) -> the column to name in a problem.
_TO_COLUMN: Final = {draft: column for column, draft in COLUMNS.items()} | {
    "source.url": "source_url"
}


@lru_cache(maxsize=4096)
def _normalised(dimension: Dimension, item: str) -> str | ValueError:
    """The slug of a value, or why it is none. Memoised, failures too: a 10,000-row file
    repeats the same few labels (and mistakes), and matching one folds every label of the
    vocabulary, and a failure also looks for the closest value."""
    try:
        return normalise_value(dimension, item)
    except ValueError as exc:
        return exc


_SEPARATORS = re.compile(r"[;\r\n]+")
_WHOLE_FLOAT = re.compile(r"^\d+\.0+$")
SEMICOLONS: Final = (
    "The columns are separated by semicolons; save the sheet as "
    "'CSV (comma delimited)' or 'CSV UTF-8'."
)


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


def parse_csv(data: bytes) -> ParsedCsv:
    """Check the header, then every row; nothing is resolved against the database here."""
    if workbook := workbook_problem(data):
        return ParsedCsv(problems=[FieldProblem("file", workbook, 1)])
    text, warnings = decode(data)
    return parse_records(records(text), ParsedCsv(warnings=warnings))


def parse_records(found: Iterator[Record], result: ParsedCsv) -> ParsedCsv:
    """Read records (the header first) into `result`: the CSV file's, or a workbook sheet's."""
    first = next(found, None)
    if first is not None and first.error:
        result.problems.append(_unreadable(first))
        return result
    if first is None or not any(cell.strip() for cell in first.cells):
        result.problems.append(FieldProblem("file", "The file is empty: it has no header row.", 1))
        return result
    if len(first.cells) == 1 and ";" in first.cells[0]:
        result.problems.append(FieldProblem("file", SEMICOLONS, 1))
        result.rows_read = sum(1 for record in found if _filled(record))
        return result
    header = read_header(first.cells)
    result.header = header.columns
    result.cells[first.number] = first.cells
    result.problems += header.problems
    result.warnings += header.warnings
    unnamed: dict[int, list[int]] = {
        index: [] for index, cell in enumerate(first.cells) if not cell.strip()
    }
    for record in found:
        if record.error:
            result.problems.append(_unreadable(record))
            break
        if not _filled(record) and not record.formula_errors:
            continue
        result.rows_read += 1
        result.cells[record.number] = record.cells
        if result.sheet is not None:  # a sheet's cells right of the header are columns too
            for index in range(len(first.cells), len(record.cells)):
                unnamed.setdefault(index, [])
        for index, rows in unnamed.items():
            if index < len(record.cells) and record.cells[index].strip():
                rows.append(record.number)
        if not header.complete:
            continue
        if record.unclosed_quote:
            result.problems.append(_unclosed(record))
            result.rows.append(CsvRow(record.number, None, ()))
        else:
            _read_row(record, header.columns, result)
    result.warnings += [_unnamed(index, rows) for index, rows in unnamed.items() if rows]
    return result


def _unnamed(index: int, rows: list[int]) -> str:
    """The warning for a column with no header over values: they are not read, and the
    officer must hear so rather than find them missing later."""
    shown = ", ".join(str(row) for row in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return (
        f"Column {index + 1} ({_letter(index)}) has no header but holds values on "
        f"row{'s' if len(rows) > 1 else ''} {shown}{more}; they were ignored. Give it a "
        "column name neetmap reads, or delete the column."
    )


def _letter(index: int) -> str:
    """A column's letters as a spreadsheet shows them: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _filled(record: Record) -> bool:
    return any(cell.strip() for cell in record.cells)


def _unclosed(record: Record) -> FieldProblem:
    return FieldProblem(
        "row",
        'A double quote (") opens a cell in this row and is never closed, so the rest of the '
        f"file ({record.lines} lines) was read as that one cell. Close the quote, or remove it.",
        record.number,
    )


def _unreadable(record: Record) -> FieldProblem:
    """The problem for a row the csv module gave up on: it and the rows after it are unread,
    which the officer must know, rather than a 500 with nothing to act on."""
    return FieldProblem(
        "row",
        f"This row could not be read as CSV ({record.error}), so neither it nor the rows after "
        'it were read. A double quote (") left open in or above it is the usual cause.',
        record.number,
    )


def _read_row(record: Record, columns: list[str], result: ParsedCsv) -> None:
    number, cells = record.number, record.cells
    problems = _formula_errors(record, columns)
    failed = {problem.field for problem in problems}
    if result.sheet is None and any(cell.strip() for cell in cells[len(columns) :]):
        problems.append(
            FieldProblem(
                "row",
                f"This row has {len(cells)} cells but the header has {len(columns)} columns; "
                "a value containing a comma must be in double quotes.",
                number,
            )
        )
    data: dict[str, Any] = {}
    names: list[str] = []
    for column, cell in zip(columns, cells, strict=False):
        value = unprotect_formula(cell.strip())  # the export's apostrophe (models.text.safety)
        if column == NAMES_COLUMN:
            names = _split(value)
        elif "\x00" in value:
            problems.append(FieldProblem(column, f"{column} holds a NUL character", number))
        elif column and value:
            for problem in _put(column, value, data):
                problems.append(
                    FieldProblem(column, _worded(problem, column, number, result), number)
                )
    draft: InterventionDraft | None = None
    try:
        draft = InterventionDraft.model_validate(data)
    except ValidationError as exc:
        found = draft_problems(exc, row=number, rename=_TO_COLUMN)
        problems.extend(p for p in found if p.field not in failed)  # "required": said already
    codes = tuple(data.get("la_codes", ()))
    result.rows.append(CsvRow(number, None if problems else draft, codes, tuple(names)))
    result.problems.extend(problems)


def _formula_errors(record: Record, columns: list[str]) -> list[FieldProblem]:
    """A problem for each cell showing a formula error: its value is not known, so the row
    cannot be stored as the officer sees it."""
    problems = []
    for index, shown in record.formula_errors:
        column = columns[index] if index < len(columns) and columns[index] else "row"
        problems.append(
            FieldProblem(
                column,
                f"Cell {_letter(index)}{record.number} shows the formula error {shown[:20]}, so "
                "its value is unknown. Correct the formula, or type the value in.",
                record.number,
            )
        )
    return problems


def _worded(problem: str | ValueError, column: str, row: int, result: ParsedCsv) -> str:
    """A problem's message; a wrong typology value lists the allowed values only the first
    time for its column, and points back to that row after, keeping the closest match."""
    if not isinstance(problem, UnknownValueError):
        return str(problem)
    if column not in result.values_listed:
        result.values_listed[column] = row
        return str(problem)
    return (
        f"'{problem.text}' is not one of the {problem.dimension} values (allowed values listed "
        f"at row {result.values_listed[column]}).{problem.suggestion}"
    )


def _put(column: str, value: str, data: dict[str, Any]) -> Iterator[str | ValueError]:
    """Put one cell into the draft's data, yielding problems the draft cannot word as well."""
    target = COLUMNS[column]
    if column in TYPOLOGY_COLUMNS:
        slugs: list[str] = []
        wrong: list[ValueError] = []
        for item in _split(value):
            for piece in _typology_pieces(TYPOLOGY_COLUMNS[column], item):
                if isinstance(piece, ValueError):
                    wrong.append(piece)
                else:
                    slugs.append(piece)
        yield from wrong
        if not wrong:  # a partial list would be checked against the ages as if complete
            data[target] = slugs
    elif column == "la_codes":
        data[target] = _split(value)
    elif column in _DATES:
        try:
            data[target] = parse_date(value)
        except ValueError:
            yield f"{column} must be a date such as 2025-09-01 or 01/09/2025 (got '{value[:40]}')"
    elif column == "source_url":
        data[target] = {"url": value}
    elif column in ("age_min", "age_max") and _WHOLE_FLOAT.match(value):
        data[target] = value.split(".", 1)[0]
    else:
        data[target] = value


def _split(value: str) -> list[str]:
    """A multi-valued cell's parts: `;` is the documented separator, and a line break (Alt+Enter
    in Excel) separates too, since no value holds one. Commas are left to each column's reader:
    some LA names contain one ("Bristol, City of")."""
    return [part.strip() for part in _SEPARATORS.split(value) if part.strip()]


def _typology_pieces(dimension: Dimension, item: str) -> list[str | ValueError]:
    """The slugs in one part of a typology cell, split at commas unless the part is one value.

    No slug or label holds a comma today, but the whole part is tried first, as for LA names,
    so a future label with a comma still reads whole; a piece that is no value is reported on
    its own, quoting the piece rather than the whole part.
    """
    whole = _normalised(dimension, item)
    if isinstance(whole, str) or "," not in item:
        return [whole]
    return [
        _normalised(dimension, piece) for piece in (p.strip() for p in item.split(",")) if piece
    ]
