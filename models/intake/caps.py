"""The most one upload may hold, for a CSV file and a workbook alike, and the refusal beyond it.

Every cap bounds the work of one request: a file over one is refused before its rows are
checked (413, naming what is over and the cap), because the report of a file that size would
cost more than it tells. `bench/import_caps.py` measures the worst file each cap admits
(goal: under 10 s and 300 MB RSS). A single cell over its cap is content, not size: it is a
problem on that cell in the report (422), and the cell is not read further.
"""

from __future__ import annotations

from typing import Final

from models.errors import FieldProblem, UploadTooLargeError

#: Most bytes of one upload, whatever the server's body limit says (`neetmap import` reads
#: files without one): MAX_ROWS rows of two kilobytes each. A check holds the body, its
#: text, the cells kept to quote and the drafts at once; at this cap the worst file stays
#: inside the goal (bench.import_caps).
MAX_UPLOAD_BYTES: Final = 20_000_000
#: Most rows below the header; a bigger file is split into several. Far more than any LA runs,
#: and the figure that bounds a check's memory: each row's draft and the cells kept to quote.
MAX_ROWS: Final = 10_000
#: Columns read (A to CV); the documented columns number 19.
MAX_COLUMNS: Final = 100
#: Longest cell, in characters: the longest field (`description`) holds 10,000.
MAX_CELL_CHARS: Final = 10_000
#: Most sheets a workbook may have: each is a name to choose from, and a workbook of many is
#: rarely a list of interventions.
MAX_SHEETS: Final = 10
#: Most bytes the parts of a zipped workbook may unpack to: XML compresses about tenfold, and
#: calamine holds the whole sheet while it is read (about three times its XML in memory). A
#: sheet of MAX_ROWS rows of the 19 documented columns unpacks to about 10 MB.
MAX_UNZIPPED: Final = 30_000_000
#: Problems given in full in a report; the rest are counted by column and kind.
MAX_PROBLEMS_LISTED: Final = 200


class ImportTooLargeError(UploadTooLargeError):
    """A file over one of the caps: nothing of it was checked or stored.

    `what` names the cap (`rows`, `columns`, `file`, `sheets`), as the field of the 413's one
    detail, so a program can tell which; the message says it with the cap, in plain words.
    """

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message, [FieldProblem(what, message, location="file")])
        self.what = what


def check_size(size: int) -> None:
    """Refuse an upload over MAX_UPLOAD_BYTES, before anything of it is decoded."""
    if size > MAX_UPLOAD_BYTES:
        raise ImportTooLargeError(
            "file",
            f"The file is {size / 1_000_000:,.1f} MB; neetmap reads files of up to "
            f"{MAX_UPLOAD_BYTES // 1_000_000} MB. Split it into files of up to "
            f"{MAX_ROWS:,} rows.",
        )


def too_many_rows(sheet: str | None = None) -> ImportTooLargeError:
    """The refusal of a file (or a workbook's sheet) with more than MAX_ROWS rows."""
    where = f"The sheet '{sheet}'" if sheet else "The file"
    return ImportTooLargeError(
        "rows",
        f"{where} has more than {MAX_ROWS:,} rows below the header; neetmap reads up to "
        f"{MAX_ROWS:,} at once. Split it into several files.",
    )


def too_many_columns(named: int, last: str) -> ImportTooLargeError:
    """The refusal of a header naming columns past MAX_COLUMNS (`last` is the last named)."""
    return ImportTooLargeError(
        "columns",
        f"The header names {named:,} columns, up to column {last}; neetmap reads up to "
        f"{MAX_COLUMNS} (A to CV), and a list of interventions needs 19. Delete the columns "
        "neetmap does not read (see the template), and upload the file again.",
    )


def column_letter(index: int) -> str:
    """A column's letters as a spreadsheet shows them: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
