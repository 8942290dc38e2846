"""Reading spreadsheets: every problem by row and column, in words an LA officer can act on."""

from __future__ import annotations

from datetime import date

import pytest

from models.csv_import import COLUMNS, parse_csv


def _problems(csv: str | bytes) -> dict[tuple[int | None, str], str]:
    data = csv.encode("utf-8") if isinstance(csv, str) else csv
    return {(p.row, p.field): p.message for p in parse_csv(data).problems}


def test_a_full_row_becomes_a_draft_with_labels_and_uk_dates() -> None:
    header = ",".join(COLUMNS)
    row = (
        'Pathways,"Helps, plainly",Prospects,E08000035;Bradford,16,18,,'
        "At risk of NEET;send,ESF,Year 11 to post-16,Mentoring;personal_adviser,commissioned,"
        "monitoring,Active,01/09/2024,2025-07-31,https://example.org,a@example.org,"
        "https://example.org/src"
    )
    parsed = parse_csv(f"{header}\n{row}\n".encode())
    assert parsed.problems == []
    assert parsed.rows_read == 1
    draft = parsed.rows[0].draft
    assert draft is not None
    assert parsed.rows[0].row == 2
    assert draft.description == "Helps, plainly"
    assert draft.la_codes == ["E08000035", "Bradford"]  # resolved later, against boundaries
    assert draft.target_group == ["at_risk", "send"]
    assert draft.funding_source == ["esf"]
    assert draft.transition_point == ["year_11_post_16"]
    assert draft.intervention_type == ["mentoring", "personal_adviser"]
    assert draft.age_band == ["16_18", "18_plus"]
    assert draft.start_date == date(2024, 9, 1)
    assert draft.source is not None
    assert draft.source.url == "https://example.org/src"


def test_every_problem_of_a_row_is_reported_by_column() -> None:
    problems = _problems(
        "name,la_codes,age_min,age_max,funding_sources,website,contact_email\n"
        ",E08000035,fourteen,40,lotery;dfe,example.org,nobody\n"
    )
    assert set(problems) == {
        (2, "name"),
        (2, "age_min"),
        (2, "age_max"),
        (2, "funding_sources"),
        (2, "website"),
        (2, "contact_email"),
    }
    assert problems[(2, "name")] == "name is required"
    assert problems[(2, "age_min")] == "age_min must be a whole number, such as 16 (got 'fourteen')"
    assert problems[(2, "age_max")] == "age_max must be at most 30 (got '40')"
    assert "'lotery' is not one of the funding_source values" in problems[(2, "funding_sources")]
    assert "Allowed values: la_core (LA core budget), esf" in problems[(2, "funding_sources")]
    assert "http" in problems[(2, "website")]


def test_cross_field_rules_name_a_column() -> None:
    problems = _problems(
        "name,la_codes,age_min,age_max,age_bands,start_date,end_date\n"
        "A,E08000035,17,14,,,\n"
        "B,E08000035,,,,2025-09-01,2024-09-01\n"
        "C,E08000035,16,17,pre_14,,\n"
    )
    assert problems[(2, "age_min")] == "age_min must not be greater than age_max"
    assert problems[(3, "end_date")] == "end_date must not be before start_date"
    assert "age_band contradicts" in problems[(4, "age_bands")]


def test_rows_are_numbered_as_the_spreadsheet_shows_them() -> None:
    csv = (
        "name,la_codes,description\n"
        'A,E08000035,"two\nlines"\n'  # one spreadsheet row despite the line break
        ",,\n"  # an empty row Excel leaves behind
        "B,,\n"
    )
    parsed = parse_csv(csv.encode())
    assert parsed.rows_read == 2
    assert [(p.row, p.field) for p in parsed.problems] == [(4, "la_codes")]
    assert parsed.rows[1].draft is None


@pytest.mark.parametrize(
    ("csv", "field", "words"),
    [
        (b"", "file", "empty"),
        (b"name;la_codes\nA;E08000035\n", "file", "semicolons"),
        (b"name,provider\nA,B\n", "la_codes", "missing"),
        (b"name,la_codes,name\nA,E08000035,B\n", "name", "more than once"),
        (b"name,la_codes\nA,E08000035,extra\n", "row", "double quotes"),
    ],
)
def test_file_shape_problems(csv: bytes, field: str, words: str) -> None:
    problems = parse_csv(csv).problems
    assert [p.field for p in problems] == [field]
    assert words in problems[0].message


def test_headers_are_forgiving_and_unknown_columns_are_warnings() -> None:
    parsed = parse_csv(b"\xef\xbb\xbf Name ,LA Codes,Target-Groups,Notes\r\nA,E08000035,neet,x\r\n")
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.target_group == ["neet"]
    assert len(parsed.warnings) == 1
    assert "'Notes'" in parsed.warnings[0]


def test_windows_1252_is_read_with_a_warning() -> None:
    parsed = parse_csv("name,la_codes\nCafé,E08000035\n".encode("cp1252"))
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.name == "Café"
    assert "Windows-1252" in parsed.warnings[0]


def test_whole_number_ages_written_as_decimals_are_accepted() -> None:
    parsed = parse_csv(b"name,la_codes,age_min,age_max\nA,E08000035,16.0,18\n")
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.age_min == 16
