"""One entry for every uploaded file: a CSV file or a workbook, read into the same rows.

The kind is told from the bytes (`sniff`), never from the file's name; a workbook's sheet is
turned into records and from there read exactly as a CSV file is, so both give one report.
"""

from __future__ import annotations

from models.intake.caps import check_size
from models.intake.csv_import import ParsedCsv, parse_csv, parse_records
from models.intake.workbooks.reader import read_workbook
from models.intake.workbooks.sniff import FileKind, file_kind


def parse_upload(data: bytes, sheet: str | None = None) -> ParsedCsv:
    """The rows of a CSV file, or of a workbook's named sheet (else its first)."""
    check_size(len(data))
    kind = file_kind(data)
    if kind is FileKind.TEXT:
        parsed = parse_csv(data)
        if sheet:
            parsed.warnings.append(
                f"A sheet ('{sheet[:60]}') was asked for, but this is a CSV file, which has one."
            )
        return parsed
    read = read_workbook(data, kind, sheet)
    parsed = ParsedCsv(sheet=read.sheet, warnings=list(read.warnings))
    if read.problems:  # the sheet cannot be read as rows: say only why
        parsed.problems += read.problems
        return parsed
    return parse_records(iter(read.records), parsed)
