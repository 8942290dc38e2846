"""From the bytes of a spreadsheet export to records: encoding, separator, unclosed quotes.

Excel alone writes UTF-8 with a BOM ("CSV UTF-8"), Windows-1252 ("CSV"), and UTF-16 with a BOM
and tabs ("Unicode Text"); each is read as what it is. A double quote that opens a cell and is
never closed makes the csv module read the rest of the file as that one cell, so it is told
apart and reported on the row where it opened, not as a missing value. Any other error of the
csv module ends the reading with a problem on the row it happened in, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

NOT_UTF8: Final = (
    "The file is not UTF-8, so it was read as Windows-1252 (Excel's plain 'CSV' format); "
    "check accented letters, or save it as 'CSV UTF-8'."
)
BAD_UTF16: Final = (
    "The file starts as UTF-16 (Excel's 'Unicode Text') but has bytes that are not; "
    "unreadable characters were replaced with '\ufffd'. Save it as 'CSV UTF-8'."
)
_SAVE_AS_CSV: Final = (
    "save it as CSV first: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)', "
    "and upload that file."
)
#: Spreadsheet workbooks by their first bytes: sent as they are, they would be decoded as
#: Windows-1252 into a page of garbled "columns" instead of being named for what they are.
_WORKBOOKS: Final = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx, or another zipped file such as .ods)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel workbook (.xls)"),
)
#: The longest cell the csv module will read. Its default (131,072 characters) is below the
#: upload limit, so one unclosed quote early in a big file (the rest of the file becomes that
#: cell) made it raise instead of reading on to where the quote is reported. The text is in
#: memory already, so no cell can cost more than it; 2**31 - 1 fits a C long everywhere.
FIELD_LIMIT: Final = 2**31 - 1
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def workbook_problem(data: bytes) -> str | None:
    """What to tell someone who uploaded a workbook instead of a CSV file, or None."""
    for magic, kind in _WORKBOOKS:
        if data.startswith(magic):
            return f"This is {kind}, not a CSV file; {_SAVE_AS_CSV}"
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-16/32 by their BOM; UTF-8 with or without BOM; else Windows-1252 (Excel's CSV)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                return data.decode(encoding, errors="replace"), [BAD_UTF16]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [NOT_UTF8]


#: Excel's separator directive, `sep=,` (or `;`, a tab, `|`), as the first line: European
#: Excel writes it, and consumes it on opening, so the sheet shows the header as row 1. It may
#: come quoted, or padded with the separator as empty cells by a program that re-saved it.
_SEP_LINE: Final = re.compile(r'^"?sep=([^"\r\n])"?(?:\1)*[ \t]*\r?\n?$', re.IGNORECASE)


def sep_directive(line: str) -> str | None:
    """The separator a `sep=` first line names, or None when the line is no such directive."""
    match = _SEP_LINE.match(line)
    return match.group(1) if match else None


def delimiter_of(text: str) -> str:
    """Tab when the header row has more tabs than commas (Excel's 'Unicode Text'), else comma."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]  # not split(): that copies the rest of the file
    return "\t" if first.count("\t") > first.count(",") else ","


@dataclass(frozen=True)
class Record:
    """One spreadsheet row: its number (the header is 1), its cells, and whether a quote
    opened in it ran to the end of the file (then its cells are not what the sheet holds)."""

    number: int
    cells: list[str]
    unclosed_quote: bool = False
    lines: int = 1
    #: Why the csv module could read no further, from this row on (then `cells` is empty).
    error: str | None = None
    #: Workbook cells showing a formula error (`#REF!`), by cell index: read as blank, reported.
    formula_errors: tuple[tuple[int, str], ...] = ()


#: A line as `open(newline="")` gives it: ended by \r\n, \r or \n (kept), or by the text's end.
_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class _Lines:
    """The text's lines, one at a time, counting the characters handed out. The csv module
    reads from it with no second copy of the file: neither a list of its lines nor a StringIO,
    which holds a 20 MB text as 80 MB (four bytes a character). The reader of records still
    tells from the count where a record began and whether the text ended inside it."""

    def __init__(self, text: str) -> None:
        self._lines = _LINE.finditer(text)
        self.read = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines).group()
        self.read += len(line)
        return line


def records(text: str) -> Iterator[Record]:
    """Every record of the text, the header first, numbered as a spreadsheet shows them.

    A `csv.Error` ends the records with one carrying the error, numbered as the row it
    happened in, so the caller reports it there instead of failing with a 500. A `sep=` first
    line sets the separator and is no record: Excel hides it, so the rows after it keep the
    numbers the sheet shows.
    """
    lines = _Lines(text)
    delimiter = delimiter_of(text)
    first = _LINE.match(text)
    if first and (declared := sep_directive(first.group())):
        next(lines)
        delimiter = declared
    reader = csv.reader(lines, delimiter=delimiter)
    start, offset, number = reader.line_num, lines.read, 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(number + 1, [], lines=reader.line_num - start, error=str(exc))
            return
        number += 1
        spanned = reader.line_num - start
        unclosed = (
            spanned > 1 and lines.read == len(text) and _quote_left_open(text[offset:], delimiter)
        )
        yield Record(number, cells, unclosed, spanned)
        start, offset = reader.line_num, lines.read


def _quote_left_open(tail: str, delimiter: str) -> bool:
    """Whether the text ends inside a quoted cell (the strict reader says so; the lenient one
    used for reading takes everything up to the end of the file as the cell instead)."""
    try:
        for _ in csv.reader(_Lines(tail), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False
