"""Workbooks read into the rows a CSV file gives: dates, formulas, errors, merges and the caps."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from models.intake.caps import MAX_ROWS, MAX_UNZIPPED, ImportTooLargeError, column_letter
from models.intake.workbooks.sniff import FileKind, file_kind, not_a_spreadsheet
from models.intake.workbooks.template import DATA_SHEET, VALUES_SHEET, template_xlsx
from models.intake.workbooks.upload import parse_upload
from tests.workbook_files import many_rows_xlsx, ods, ods_repeating, with_cached_values, xlsx

LEEDS = "E08000035"
HEADER = ["name", "la_codes", "start_date", "age_min", "age_max", "target_groups"]


def test_date_cells_numbers_and_formula_values_read_as_typed() -> None:
    rows = [
        HEADER,
        ["Date cell", LEEDS, dt.date(2024, 9, 1), 14, 16.0, "SEND"],
        ["Datetime cell", LEEDS, dt.datetime(2024, 9, 2, 13, 5), "=10+4", "=A1", "=F2"],
    ]
    data = with_cached_values(xlsx(rows), {"D3": "14", "E3": "16", "F3": "SEND"})
    parsed = parse_upload(data)
    assert parsed.problems == []
    assert parsed.sheet == "Interventions"
    drafts = {row.row: row.draft for row in parsed.rows}
    assert drafts[2] is not None
    assert drafts[3] is not None
    assert (drafts[2].start_date, drafts[2].age_max) == (dt.date(2024, 9, 1), 16)
    assert (drafts[3].start_date, drafts[3].age_min, drafts[3].age_max) == (
        dt.date(2024, 9, 2),
        14,
        16,
    )
    assert drafts[3].target_group == ["send"]  # a formula's text value, read as typed


def test_a_formula_error_is_a_problem_naming_its_cell_and_nothing_else() -> None:
    rows = [HEADER, ["Broken", LEEDS, None, "=#REF!+1", None, None], ["Fine", LEEDS]]
    parsed = parse_upload(with_cached_values(xlsx(rows), {"D2": "#REF!"}))
    assert [(p.field, p.row) for p in parsed.problems] == [("age_min", 2)]
    assert "D2" in parsed.problems[0].message
    assert "#REF!" in parsed.problems[0].message
    assert [row.draft is not None for row in parsed.rows] == [False, True]


def test_a_named_sheet_is_read_and_an_unknown_one_is_named() -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["Read me first"])
    data_sheet = book.create_sheet("2024 programmes")
    data_sheet.append(["name", "la_codes"])
    data_sheet.append(["Pathways", LEEDS])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_upload(out.getvalue(), sheet="2024 PROGRAMMES ")
    assert (parsed.problems, parsed.sheet, parsed.rows_read) == ([], "2024 programmes", 1)
    missing = parse_upload(out.getvalue(), sheet="2025")
    assert len(missing.problems) == 1
    assert "'Notes', '2024 programmes'" in missing.problems[0].message


def test_merged_header_cells_are_a_problem_and_merged_rows_a_warning() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "LA", None])
    sheet.append(["A", LEEDS, "x"])
    sheet.append(["B", None, None])
    sheet.merge_cells("B1:C1")
    out = io.BytesIO()
    book.save(out)
    parsed = parse_upload(out.getvalue())
    assert len(parsed.problems) == 1
    assert "B1:C1" in parsed.problems[0].message
    assert "Unmerge" in parsed.problems[0].message
    sheet.unmerge_cells("B1:C1")
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    parsed = parse_upload(out.getvalue())
    assert any("B2:B3" in warning for warning in parsed.warnings)


def test_caps_on_sheets_rows_and_columns() -> None:
    with pytest.raises(ImportTooLargeError) as many_sheets:
        parse_upload(xlsx([["name", "la_codes"]], sheets=20))
    assert many_sheets.value.what == "sheets"
    assert "20 sheets" in many_sheets.value.message
    assert "up to 10" in many_sheets.value.message
    with pytest.raises(ImportTooLargeError) as many_rows:
        parse_upload(many_rows_xlsx(10 * MAX_ROWS))  # within the unpacked cap, ten times the rows
    assert many_rows.value.what == "rows"
    assert f"{MAX_ROWS:,} rows" in many_rows.value.message
    wide = parse_upload(xlsx([["name", "la_codes"], ["A", LEEDS, *[""] * 120, "far"]]))
    assert wide.problems == []
    assert any("reaches column DS" in warning for warning in wide.warnings)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),  # a zip cut short
        (xlsx([["name"]])[:2000], "damaged"),  # a workbook cut short
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504, "damaged"),  # an empty OLE2 file
        (
            # How Excel saves a password-protected workbook: an OLE2 file holding the
            # encrypted package (only its stream name matters to the reader).
            bytes.fromhex("d0cf11e0a1b11ae1") + "EncryptedPackage".encode("utf-16-le"),
            "password",
        ),
    ],
)
def test_broken_and_encrypted_workbooks_are_one_plain_problem(data: bytes, words: str) -> None:
    parsed = parse_upload(data)
    assert len(parsed.problems) == 1
    assert parsed.problems[0].field == "file"
    assert words in parsed.problems[0].message
    assert parsed.rows == []


def test_what_is_no_spreadsheet_is_named() -> None:
    assert "PDF" in (not_a_spreadsheet(b"%PDF-1.4\n") or "")
    assert not_a_spreadsheet(b"name,la_codes\nA,Leeds\n") is None
    assert not_a_spreadsheet(xlsx([["name"]])) is None
    assert file_kind(xlsx([["name"]])) is FileKind.XLSX
    assert file_kind(ods([["name"]])) is FileKind.ODS


def test_an_ods_file_reads_like_a_workbook() -> None:
    parsed = parse_upload(
        ods([["name", "la_codes", "start_date"], ["A", LEEDS, "date:2024-09-01"]])
    )
    assert parsed.problems == []
    (row,) = parsed.rows
    assert row.draft is not None
    assert row.draft.start_date == dt.date(2024, 9, 1)


def test_an_ods_row_repeated_past_the_cap_is_refused_before_it_is_expanded() -> None:
    with pytest.raises(ImportTooLargeError) as bomb:
        parse_upload(ods_repeating(200_000))
    assert bomb.value.what == "rows"
    assert f"{MAX_ROWS:,}" in bomb.value.message
    padded = parse_upload(ods_repeating(3))  # LibreOffice's empty padding rows cost nothing
    assert (padded.problems, padded.rows_read) == ([], 3)
    assert "Column 3 (C) has no header" in padded.warnings[0]


def test_the_template_has_notes_drop_downs_and_the_allowed_values() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx({LEEDS: "Leeds"})))
    data, values = book[DATA_SHEET], book[VALUES_SHEET]
    header = [cell.value for cell in data[1]]
    assert header[:4] == ["name", "description", "provider", "la_codes"]
    assert all(cell.comment is not None for cell in data[1])
    lists = {str(rule.sqref): rule.formula1 for rule in data.data_validations.dataValidation}
    target = lists[f"{_letter(header, 'target_groups')}2:{_letter(header, 'target_groups')}1001"]
    first, last = (int(part.split("$")[-1]) for part in target.split(":"))
    labels = [values.cell(row=r, column=3).value for r in range(first, last + 1)]
    assert "Care experienced" in labels or any("care" in str(v).lower() for v in labels)
    la_list = lists[f"{_letter(header, 'la_codes')}2:{_letter(header, 'la_codes')}1001"]
    row = int(la_list.split("$")[-1])
    assert values.cell(row=row, column=2).value == LEEDS


def _letter(header: list[object], column: str) -> str:
    return column_letter(header.index(column))


def test_a_workbook_unpacking_past_the_cap_is_refused_before_it_is_opened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (MAX_UNZIPPED + 1))
    assert len(out.getvalue()) < 1_000_000  # a small upload that would unpack huge
    with pytest.raises(ImportTooLargeError) as bomb:
        parse_upload(out.getvalue())
    assert bomb.value.what == "file"
    assert f"({MAX_UNZIPPED // 1_000_000} MB)" in bomb.value.message


def test_error_cells_are_found_on_the_chosen_sheet_in_their_columns() -> None:
    """The error cells of the sheet read, not of another, in the columns the sheet shows,
    also when column A is empty throughout (calamine starts its rows at the first filled one);
    an error in a column neetmap does not read (`notes`) is no problem."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "#N/A"  # an error cell on a sheet that is not read
    data = book.create_sheet("Q&A <2024>")
    rows = (
        [*HEADER, "notes"],
        ["Broken", LEEDS, None, "#DIV/0!", None, None, "#REF!"],
        ["Fine", LEEDS, None, 15, None, None, "#N/A"],
    )
    for row in rows:
        data.append([None, *row])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_upload(out.getvalue(), sheet="q&a <2024>")
    assert parsed.sheet == "Q&A <2024>"
    assert [(p.field, p.row) for p in parsed.problems] == [("age_min", 2)]
    assert "E2" in parsed.problems[0].message
    assert "#DIV/0!" in parsed.problems[0].message
    drafts = {row.row: row.draft for row in parsed.rows}
    assert drafts[2] is None
    assert drafts[3] is not None
    assert (drafts[3].name, drafts[3].age_min) == ("Fine", 15)
