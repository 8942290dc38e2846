"""One spreadsheet row into a draft, with every problem by column, in the officer's words.

Each row becomes an `InterventionDraft`, the same validator as the JSON API, so a rule cannot
hold on one path and not the other. Labels are accepted as well as slugs, and a wrong value is
reported with the allowed values and the closest match. A cell longer than MAX_CELL_CHARS is
a problem on its own and is read no further: splitting and matching a cell of millions of
characters is where a hostile file would spend the server's time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final

from pydantic import ValidationError

from models.errors import FieldProblem
from models.intake.caps import MAX_CELL_CHARS, column_letter
from models.intake.csv_columns import COLUMNS, NAMES_COLUMN, TYPOLOGY_COLUMNS
from models.intake.csv_dates import parse_date
from models.intake.csv_text import Record
from models.intake.draft_errors import draft_problems
from models.intake.parsed import CsvRow, ParsedCsv
from models.interventions.drafts import InterventionDraft
from models.text.safety import unprotect_formula
from models.typology.values import UnknownValueError, normalise_value
from models.typology.vocabulary import Dimension

_DATES: Final = ("start_date", "end_date")
#: Draft field (or dotted path) -> the column to name in a problem.
_TO_COLUMN: Final = {draft: column for column, draft in COLUMNS.items()} | {
    "source.url": "source_url"
}
_SEPARATORS = re.compile(r"[;\r\n]+")
_WHOLE_FLOAT = re.compile(r"^\d+\.0+$")


@lru_cache(maxsize=4096)
def _normalised(dimension: Dimension, item: str) -> str | ValueError:
    """The slug of a value, or why it is none. Memoised, failures too: a 10,000-row file
    repeats the same few labels (and mistakes), and matching one folds every label of the
    vocabulary, and a failure also looks for the closest value."""
    try:
        return normalise_value(dimension, item)
    except ValueError as exc:
        return exc


def read_row(record: Record, columns: list[str], result: ParsedCsv) -> None:
    """Check one row under the header's columns, adding its draft (if valid) and problems."""
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
    for index, (column, cell) in enumerate(zip(columns, cells, strict=False)):
        if column and len(cell) > MAX_CELL_CHARS:
            problems.append(_too_long(column, index, number, len(cell)))
            failed.add(column)
            continue
        value = unprotect_formula(cell.strip())  # the export's apostrophe (models.text.safety)
        if column == NAMES_COLUMN:
            names = split_cell(value)
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
    for found_problem in problems:  # one copy of a message repeated on every row
        found_problem.message = sys.intern(found_problem.message)
    result.problems.extend(problems)


def _too_long(column: str, index: int, row: int, length: int) -> FieldProblem:
    return FieldProblem(
        column,
        f"Cell {column_letter(index)}{row} is too long: {length:,} characters; neetmap reads "
        f"cells of up to {MAX_CELL_CHARS:,} (a description may be that long, other columns much "
        "less). Shorten it.",
        row,
    )


def _formula_errors(record: Record, columns: list[str]) -> list[FieldProblem]:
    """A problem for each cell showing a formula error: its value is not known, so the row
    cannot be stored as the officer sees it."""
    problems = []
    for index, shown in record.formula_errors:
        column = columns[index] if index < len(columns) and columns[index] else "row"
        problems.append(
            FieldProblem(
                column,
                f"Cell {column_letter(index)}{record.number} shows the formula error {shown[:20]}, so "
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
        for item in split_cell(value):
            for piece in _typology_pieces(TYPOLOGY_COLUMNS[column], item):
                if isinstance(piece, ValueError):
                    wrong.append(piece)
                else:
                    slugs.append(piece)
        yield from wrong
        if not wrong:  # a partial list would be checked against the ages as if complete
            data[target] = slugs
    elif column == "la_codes":
        data[target] = split_cell(value)
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


def split_cell(value: str) -> list[str]:
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
