"""Reading a partner's spreadsheet (CSV) into drafts, with every problem by row and column.

Rows are numbered as the spreadsheet shows them (the header is row 1), since that is where the
officer will look; each row is checked by `csv_rows`, and a workbook's sheet comes here as the
same records (`workbooks.upload`). The caps of `caps` are checked first, streaming: a file over
one is refused (413) before any row of it is checked, so its cost stays bounded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Final

from models.errors import FieldProblem
from models.intake.caps import (
    MAX_COLUMNS,
    MAX_ROWS,
    check_size,
    column_letter,
    too_many_columns,
    too_many_rows,
)
from models.intake.csv_columns import COLUMNS, TYPOLOGY_COLUMNS, read_header
from models.intake.csv_rows import read_row
from models.intake.csv_text import Record, decode, records, workbook_problem
from models.intake.parsed import CsvRow, ParsedCsv

__all__ = ["COLUMNS", "TYPOLOGY_COLUMNS", "CsvRow", "ParsedCsv", "parse_csv", "parse_records"]

#: Characters of a header cell read (and quoted in a warning): no column name is longer.
_HEADER_CHARS: Final = 200
SEMICOLONS: Final = (
    "The columns are separated by semicolons; save the sheet as "
    "'CSV (comma delimited)' or 'CSV UTF-8'."
)


def parse_csv(data: bytes) -> ParsedCsv:
    """Check the header, then every row; nothing is resolved against the database here."""
    check_size(len(data))
    if workbook := workbook_problem(data):
        return ParsedCsv(problems=[FieldProblem("file", workbook, 1)])
    text, warnings = decode(data)
    if sum(1 for _ in itertools.islice(records(text), MAX_ROWS + 2)) > MAX_ROWS + 1:
        raise too_many_rows()  # counted by the csv module alone, before any row is checked
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
    named = [index for index, cell in enumerate(first.cells) if cell.strip()]
    if named and named[-1] >= MAX_COLUMNS:
        raise too_many_columns(len(named), column_letter(named[-1]))
    header = read_header([cell[:_HEADER_CHARS] for cell in first.cells[:MAX_COLUMNS]])
    result.header = header.columns
    result.cells[first.number] = first.cells[:MAX_COLUMNS]
    result.problems += header.problems
    result.warnings += header.warnings
    unnamed: dict[int, list[int]] = {
        index: [] for index, cell in enumerate(first.cells[:MAX_COLUMNS]) if not cell.strip()
    }
    for record in found:
        if record.error:
            result.problems.append(_unreadable(record))
            break
        if record.number > MAX_ROWS + 1:
            raise too_many_rows(result.sheet)
        if not _filled(record) and not record.formula_errors:
            continue
        result.rows_read += 1
        # Only the named columns' cells are kept, to quote a problem's value: the others are
        # never quoted, and a wide file would otherwise be held twice.
        result.cells[record.number] = [
            cell if index < len(header.columns) and header.columns[index] else ""
            for index, cell in enumerate(record.cells[:MAX_COLUMNS])
        ]
        if result.sheet is not None:  # a sheet's cells right of the header are columns too
            for index in range(len(first.cells), min(len(record.cells), MAX_COLUMNS)):
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
            read_row(record, header.columns, result)
    result.warnings += [_unnamed(index, rows) for index, rows in unnamed.items() if rows]
    return result


def _unnamed(index: int, rows: list[int]) -> str:
    """The warning for a column with no header over values: they are not read, and the
    officer must hear so rather than find them missing later."""
    shown = ", ".join(str(row) for row in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return (
        f"Column {index + 1} ({column_letter(index)}) has no header but holds values on "
        f"row{'s' if len(rows) > 1 else ''} {shown}{more}; they were ignored. Give it a "
        "column name neetmap reads, or delete the column."
    )


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
