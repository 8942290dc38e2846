"""Reading spreadsheets: every problem by row and column, in words an LA officer can act on."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from models.intake.csv_import import COLUMNS, parse_csv


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
    assert problems[(2, "age_max")] == (
        "age_max must be at most 29, where the typology's age bands end (18_plus) (got '40')"
    )
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
    assert problems[(4, "age_bands")].startswith(
        "age_band pre_14 covers ages 10–13, but age_min–age_max is 16–17: they share no age."
    )


def test_cross_field_rules_run_beside_other_problems_of_the_row() -> None:
    """Each rule runs when the fields it reads are valid, not only when the whole row is."""
    problems = _problems(
        "name,la_codes,age_min,age_max,age_bands,target_groups,start_date,end_date,website\n"
        ",E08000035,17,14,,nobody,2025-09-01,2024-09-01,example.org\n"
        "B,E08000035,19,24,16_18,nobody,,,\n"
        "C,E08000035,16,x,pre_14,,,,\n"
    )
    assert set(problems) == {
        (2, "name"),
        (2, "age_min"),
        (2, "target_groups"),
        (2, "end_date"),
        (2, "website"),
        (3, "age_bands"),
        (3, "target_groups"),
        (4, "age_max"),  # the band check needs both ages valid, so it waits for this one
    }
    assert problems[(2, "age_min")] == "age_min must not be greater than age_max"
    assert problems[(2, "end_date")] == "end_date must not be before start_date"
    assert "but age_min–age_max is 19–24" in problems[(3, "age_bands")]


def test_a_wrong_value_in_a_list_does_not_also_report_the_rest_as_contradicting() -> None:
    problems = _problems("name,la_codes,age_min,age_max,age_bands\nA,E08000035,16,24,16_18;18+\n")
    assert list(problems) == [(2, "age_bands")]
    assert "Did you mean '18_plus'?" in problems[(2, "age_bands")]


def test_source_url_must_be_a_web_address() -> None:
    problems = _problems("name,la_codes,source_url\nA,E08000035,javascript:alert(1)\n")
    assert problems == {
        (2, "source_url"): "source_url must be a web address starting with http:// or "
        "https:// (got 'javascript:alert(1)')"
    }


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


def test_json_field_names_and_singular_or_spaced_headers_are_the_columns() -> None:
    parsed = parse_csv(
        b"Name,LA code,target_group,age_band,funding_source,Transition Point,E-mail,Source URL\n"
        b"A,E08000035,neet,16_18,esf,re_engagement,a@example.org,https://example.org/s\n"
    )
    assert (parsed.problems, parsed.warnings) == ([], [])
    draft = parsed.rows[0].draft
    assert draft is not None
    assert (draft.la_codes, draft.target_group, draft.age_band) == (
        ["E08000035"],
        ["neet"],
        ["16_18"],
    )
    assert (draft.funding_source, draft.transition_point) == (["esf"], ["re_engagement"])
    assert draft.contact_email == "a@example.org"
    assert draft.source is not None
    assert draft.source.url == "https://example.org/s"


def test_a_header_close_to_a_column_is_a_problem_and_an_unrelated_one_a_warning() -> None:
    parsed = parse_csv(b"name,la_codes,target_grps,Notes\nA,E08000035,neet,x\n")
    assert [(p.row, p.field) for p in parsed.problems] == [(1, "target_grps")]
    assert "Did you mean 'target_groups'?" in parsed.problems[0].message
    assert len(parsed.warnings) == 1
    assert "'Notes'" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("url", "Did you mean 'website' or 'source_url'?"),
        ("Web", "Did you mean 'website'?"),
        ("Contact", "Did you mean 'contact_email'?"),
        ("Council", "Did you mean 'la_codes'?"),
        ("Organisation", "Did you mean 'provider'?"),
        ("Funder", "Did you mean 'funding_sources'?"),
        ("Programme", "Did you mean 'name'?"),
        ("Start", "Did you mean 'start_date'?"),
        ("Ages", "Did you mean 'age_min', 'age_max' or 'age_bands'?"),
    ],
)
def test_a_header_people_use_for_a_column_is_a_warning_naming_it(header: str, hint: str) -> None:
    """An unknown column is a warning (a spreadsheet may carry its own), with a pointer."""
    parsed = parse_csv(f"name,la_codes,{header}\nA,E08000035,x\n".encode())
    assert parsed.problems == []
    (warning,) = parsed.warnings
    assert f"'{header}'" in warning
    assert hint in warning
    assert parsed.rows[0].draft is not None


@pytest.mark.parametrize(
    "headers", ["name,LA,E-mail", "name,Local authority,Email", "name,LA name,Contact email"]
)
def test_unambiguous_other_names_are_read_as_the_column(headers: str) -> None:
    parsed = parse_csv(f"{headers}\nA,Leeds,a@example.org\n".encode())
    assert (parsed.problems, parsed.warnings) == ([], [])
    draft = parsed.rows[0].draft
    assert draft is not None
    assert (draft.la_codes, draft.contact_email) == (["Leeds"], "a@example.org")


@pytest.mark.parametrize(
    ("header", "column"),
    [("Funding sorces", "funding_sources"), ("Contact e-mail address", "contact_email")],
)
def test_a_near_miss_of_a_column_name_is_a_problem(header: str, column: str) -> None:
    parsed = parse_csv(f"name,la_codes,{header}\nA,E08000035,x\n".encode())
    assert [(p.row, p.field) for p in parsed.problems] == [(1, header)]
    assert f"Did you mean '{column}'?" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("header", "value", "field", "slugs"),
    [
        ("Type of intervention", "Mentoring", "intervention_type", ["mentoring"]),
        ("Types of intervention", "mentoring", "intervention_type", ["mentoring"]),
        ("Type(s) of intervention", "mentoring", "intervention_type", ["mentoring"]),
        ("Target group(s)", "NEET", "target_group", ["neet"]),
        ("Funding source(s)", "ESF", "funding_source", ["esf"]),
        ("Transition point(s)", "re_engagement", "transition_point", ["re_engagement"]),
        ("Age band(s)", "16_18", "age_band", ["16_18"]),
        ("Sources of funding", "dfe", "funding_source", ["dfe"]),
        ("Level of evidence", "monitoring", "evidence_level", ["monitoring"]),
    ],
)
def test_common_phrasings_of_typology_columns_are_read(
    header: str, value: str, field: str, slugs: list[str]
) -> None:
    parsed = parse_csv(f"name,la_codes,{header}\nA,E08000035,{value}\n".encode())
    assert (parsed.problems, parsed.warnings) == ([], [])
    draft = parsed.rows[0].draft
    assert draft is not None
    assert getattr(draft, field) == slugs


@pytest.mark.parametrize("header", ["Kind of intervention", "Send", "Lead organisation notes"])
def test_a_phrase_containing_a_loose_word_gets_no_did_you_mean(header: str) -> None:
    """`Kind of intervention` is close to `intervention` (a word for name) but not about names;
    `Send` is one letter from `end` but means SEND. Wrong advice is worse than none."""
    parsed = parse_csv(f"la_codes,{header}\nE08000035,x\n".encode())
    (warning,) = parsed.warnings
    assert "Did you mean" not in warning
    assert "Known columns:" in warning
    ((row, field, message),) = [(p.row, p.field, p.message) for p in parsed.problems]
    assert (row, field) == (1, "name")
    assert message == "The column 'name' is missing; it is required."


def test_a_missing_required_column_names_the_header_that_may_be_it() -> None:
    parsed = parse_csv(b"Title,Council\nA,Leeds\n")
    assert [(p.row, p.field) for p in parsed.problems] == [(1, "name"), (1, "la_codes")]
    assert "Is it 'Title'? Rename it to 'name'." in parsed.problems[0].message
    assert "Is it 'Council'? Rename it to 'la_codes'." in parsed.problems[1].message


def test_a_mistyped_required_column_is_one_problem_saying_which() -> None:
    parsed = parse_csv(b"name,la_cods\nA,E08000035\n")
    assert [(p.row, p.field) for p in parsed.problems] == [(1, "la_cods")]
    assert "Did you mean 'la_codes'?" in parsed.problems[0].message
    assert parsed.rows == []


def test_a_column_given_twice_under_two_names_is_a_problem() -> None:
    parsed = parse_csv(b"name,la_codes,target_group,Target groups\nA,E08000035,neet,send\n")
    assert [(p.row, p.field) for p in parsed.problems] == [(1, "target_groups")]
    assert "'target_group', 'Target groups'" in parsed.problems[0].message


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


def test_excel_unicode_text_utf16_with_tabs_is_read() -> None:
    text = "name\tla_codes\ttarget_groups\nCafé club, Leeds\tE08000035\tneet;send\n"
    for encoding in ("utf-16", "utf-16-be"):  # Excel writes little-endian, with its BOM
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        parsed = parse_csv(data)
        assert (parsed.problems, parsed.warnings) == ([], []), encoding
        draft = parsed.rows[0].draft
        assert draft is not None
        assert (draft.name, draft.target_group) == ("Café club, Leeds", ["neet", "send"])


def test_tab_separated_utf8_is_read() -> None:
    parsed = parse_csv(b"name\tla_codes\tdescription\nA\tE08000035\tOne, two\n")
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.description == "One, two"


def test_an_unclosed_quote_is_reported_on_the_row_where_it_opens() -> None:
    parsed = parse_csv(
        b"name,la_codes,description\n"
        b'A,E08000035,"fine, and closed"\n'
        b'B,E08000035,"never closed\n'
        b"C,E08000035,x\n"
        b"D,E08000035,y\n"
    )
    assert [(p.row, p.field) for p in parsed.problems] == [(3, "row")]
    assert "never closed" in parsed.problems[0].message
    assert "(3 lines)" in parsed.problems[0].message
    assert parsed.rows_read == 2
    assert parsed.rows[0].draft is not None


def test_a_closed_multiline_cell_on_the_last_row_is_fine() -> None:
    parsed = parse_csv(b'name,la_codes,description\nA,E08000035,"two\nlines"')
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None


def test_whole_number_ages_written_as_decimals_are_accepted() -> None:
    parsed = parse_csv(b"name,la_codes,age_min,age_max\nA,E08000035,16.0,18\n")
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.age_min == 16


@pytest.mark.parametrize(
    ("start", "kind"),
    [(b"PK\x03\x04", "Excel workbook (.xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls")],
)
def test_a_workbook_is_one_file_problem_not_garbled_columns(start: bytes, kind: str) -> None:
    """`neetmap import` run on the server reads files here too, without the API's 415."""
    parsed = parse_csv(start + bytes(range(256)) * 4)
    assert parsed.rows_read == 0
    ((row, field, message),) = [(p.row, p.field, p.message) for p in parsed.problems]
    assert (row, field) == (1, "file")
    assert kind in message
    assert "not a CSV file" in message
    assert "CSV UTF-8" in message
    assert parsed.warnings == []


def test_line_breaks_and_commas_separate_values_like_semicolons() -> None:
    csv = (
        "name,la_codes,target_groups,funding_sources,intervention_types\n"
        'A,"Leeds\nBradford;Bristol, City of","SEND\nAt risk of NEET","esf, UKSPF;dfe",'
        '"mentoring;\r\nPersonal adviser"\n'
    )
    parsed = parse_csv(csv.encode())
    assert parsed.problems == []
    draft = parsed.rows[0].draft
    assert draft is not None
    # LA parts keep their commas: only the boundaries can tell "Bristol, City of" from a list.
    assert draft.la_codes == ["Leeds", "Bradford", "Bristol, City of"]
    assert draft.target_group == ["send", "at_risk"]
    assert draft.funding_source == ["esf", "ukspf", "dfe"]
    assert draft.intervention_type == ["mentoring", "personal_adviser"]


def test_a_wrong_value_among_commas_is_named_by_itself() -> None:
    problems = _problems('name,la_codes,target_groups\nA,Leeds,"SEND, young carer"\n')
    message = problems[(2, "target_groups")]
    assert message.startswith("'young carer' is not one of the target_group values")
    assert "young carers" in message.lower()


def test_an_unclosed_quote_before_a_cell_longer_than_the_csv_default_is_still_found() -> None:
    """The csv module's default field limit (131,072) raised `_csv.Error`, a 500 in the API."""
    body = b"".join(b"B,E08000035,row %d\n" % n for n in range(10_000))
    parsed = parse_csv(b'name,la_codes,description\nA,E08000035,"never closed\n' + body)
    assert len(body) > 131_072
    assert [(p.row, p.field) for p in parsed.problems] == [(2, "row")]
    assert "never closed" in parsed.problems[0].message
    assert "(10001 lines)" in parsed.problems[0].message


def test_a_closed_cell_longer_than_the_csv_default_is_read_and_checked() -> None:
    parsed = parse_csv(b'name,la_codes,description\nA,E08000035,"' + b"x" * 200_000 + b'"\n')
    assert [(p.row, p.field) for p in parsed.problems] == [(2, "description")]
    assert "too long" in parsed.problems[0].message


def test_any_other_csv_error_is_a_problem_on_its_row() -> None:
    """Whatever the csv module refuses, the rows before it are read and it is reported."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(50)
        parsed = parse_csv(b"name,la_codes,description\nA,E08000035,short\nB,Leeds," + b"y" * 60)
    finally:
        csv.field_size_limit(limit)
    assert parsed.rows_read == 1
    assert parsed.rows[0].draft is not None
    ((row, field, message),) = [(p.row, p.field, p.message) for p in parsed.problems]
    assert (row, field) == (3, "row")
    assert message.startswith("This row could not be read as CSV (field larger than field limit")


def test_values_under_a_blank_header_are_a_warning_naming_the_column() -> None:
    parsed = parse_csv(
        b"name,la_codes,,description,\n"
        b"A,E08000035,x,d,\n"
        b"B,E08000035,,d,\n" + b"".join(b"C,E08000035,y,d,\n" for _ in range(6))
    )
    assert parsed.problems == []
    assert parsed.rows_read == 8
    (warning,) = parsed.warnings  # the last column is blank throughout: nothing to say
    assert warning == (
        "Column 3 (C) has no header but holds values on rows 2, 4, 5, 6, 7 and 2 more; they "
        "were ignored. Give it a column name neetmap reads, or delete the column."
    )


def test_column_letters_go_past_z() -> None:
    parsed = parse_csv(b"name,la_codes" + b"," * 26 + b"\nA,E08000035" + b"," * 26 + b"z\n")
    (warning,) = parsed.warnings
    assert warning.startswith("Column 28 (AB) has no header but holds values on row 2;")


@pytest.mark.parametrize(
    ("sep_line", "sep"),
    [("sep=,", ","), ("sep=;", ";"), ("SEP=\t", "\t"), ('"sep=;";;', ";"), ("sep=|", "|")],
)
def test_an_excel_sep_line_sets_the_separator_and_rows_keep_the_sheets_numbers(
    sep_line: str, sep: str
) -> None:
    """Excel hides its `sep=` line on opening, so the header is row 1 in the sheet and the
    problems must say so; `;` in a cell is still a value separator when the cell is quoted."""
    rows = ["name,la_codes,target_groups", 'A,E08000035,"neet;send"', "B,,x"]
    text = sep_line + "\r\n" + "\r\n".join(row.replace(",", sep) for row in rows) + "\r\n"
    parsed = parse_csv(("\ufeff" + text).encode())
    assert parsed.warnings == []
    assert {(p.row, p.field) for p in parsed.problems} == {(3, "la_codes"), (3, "target_groups")}
    draft = parsed.rows[0].draft
    assert draft is not None
    assert (parsed.rows[0].row, draft.target_group) == (2, ["neet", "send"])


def test_a_sep_line_alone_is_an_empty_file() -> None:
    assert _problems(b"sep=,\r\n") == {(1, "file"): "The file is empty: it has no header row."}


def test_a_semicolon_file_without_a_sep_line_is_still_refused_clearly() -> None:
    assert "separated by semicolons" in _problems(b"name;la_codes\nA;Leeds\n")[(1, "file")]


@pytest.mark.parametrize(
    "written",
    [
        "01/09/2024",
        "1/9/2024",
        "01/09/24",
        "1-Sep-2024",
        "1-Sep-24",
        "1 September 2024",
        "1 Sep 2024",
        "1st Sept 2024",
        "2024/09/01",
        "01.09.2024",
        "2024-09-01",
        "2024-09-01 00:00:00",
    ],
)
def test_dates_in_the_forms_uk_excel_writes_are_read_day_first(written: str) -> None:
    parsed = parse_csv(f"name,la_codes,start_date\nA,E08000035,{written}\n".encode())
    assert parsed.problems == []
    draft = parsed.rows[0].draft
    assert draft is not None
    assert draft.start_date == date(2024, 9, 1)


@pytest.mark.parametrize(
    "written", ["31/02/2024", "09/2024", "1 Sepember 2024", "01/09/2024/1", "2024/31/01", "1/9/202"]
)
def test_impossible_or_unknown_dates_are_refused_with_the_forms_to_use(written: str) -> None:
    problems = _problems(f"name,la_codes,start_date\nA,E08000035,{written}\n")
    assert problems == {
        (2, "start_date"): "start_date must be a date such as 2025-09-01 or 01/09/2025 "
        f"(got '{written}')"
    }


@pytest.mark.parametrize("header", ["id", "ID", "Intervention ID"])
def test_an_id_column_warns_that_rows_become_new_records(header: str) -> None:
    """Re-importing an edited export must not look like an update: it adds copies."""
    parsed = parse_csv(f"{header},name,la_codes\n12,A,E08000035\n".encode())
    assert parsed.problems == []
    assert parsed.rows[0].draft is not None
    (warning,) = parsed.warnings
    assert warning.startswith(f"The column '{header}' is not read: an import only adds records")
    assert "every row becomes a NEW record" in warning
    assert "PATCH /api/v1/interventions/{id}" in warning


def test_allowed_values_are_listed_once_per_column_not_on_every_problem() -> None:
    """10,000 rows with three wrong values each made an 18.5 MB report by repeating the
    lists; later problems point back to the row that lists them, keeping the closest match."""
    rows = "".join(f"R{n},E08000035,young carer;nobody,lotery,xyz\n" for n in range(2, 1_002))
    parsed = parse_csv(
        ("name,la_codes,target_groups,funding_sources,intervention_types\n" + rows).encode()
    )
    assert len(parsed.problems) == 4_000
    first = {(p.row, p.field): p.message for p in parsed.problems if p.row == 2}
    assert first[(2, "funding_sources")].startswith(
        "'lotery' is not one of the funding_source values. Did you mean 'charity_trust'? "
        "Allowed values: la_core (LA core budget), esf"
    )
    later = [p.message for p in parsed.problems if p.row == 500]
    assert later == [
        "'young carer' is not one of the target_group values (allowed values listed at row 2). "
        "Did you mean 'young_carers'?",
        "'nobody' is not one of the target_group values (allowed values listed at row 2).",
        "'lotery' is not one of the funding_source values (allowed values listed at row 2). "
        "Did you mean 'charity_trust'?",
        "'xyz' is not one of the intervention_type values (allowed values listed at row 2).",
    ]
    assert sum(len(p.message) for p in parsed.problems) < 400_000


def test_ages_of_youth_employment_programmes_are_read_and_ages_past_29_name_the_limit() -> None:
    parsed = parse_csv(
        b"name,la_codes,age_min,age_max\n"
        b"Youth Employment Initiative,E08000035,16,29\n"
        b"Young carers group,E08000035,10,17\n"
        b"Too old,E08000035,18,30\n"
        b"Too young,E08000035,9,12\n"
    )
    drafts = [row.draft for row in parsed.rows]
    assert drafts[0] is not None
    assert drafts[0].age_band == ["16_18", "18_plus"]
    assert drafts[1] is not None
    assert drafts[1].age_band == ["pre_14", "14_16", "16_18"]
    assert drafts[2] is None
    assert drafts[3] is None
    problems = {(p.row, p.field): p.message for p in parsed.problems}
    assert problems[(4, "age_max")].startswith("age_max must be at most 29")
    assert problems[(5, "age_min")].startswith("age_min must be at least 10")
