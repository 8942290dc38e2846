"""Workbook uploads, the template, LA names beside codes and split counties, through the API."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.schemas.submissions import ImportReport
from models.intake.caps import MAX_ROWS
from models.intake.workbooks.template import DATA_SHEET, VALUES_SHEET
from models.partners.keys import create_key
from tests.api.partner_keys import BRADFORD, LEEDS, Keys, bearer, issue_keys, read_history
from tests.workbook_files import many_rows_xlsx, ods, with_cached_values, xlsx

URL = "/api/v1/imports"
CUMBERLAND, WESTMORLAND, CUMBRIA = "E06000063", "E06000064", "E10000006"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


def _form(client: TestClient, key: str, data: bytes, name: str, **params: Any) -> Any:
    return client.post(
        URL,
        files={"file": (name, data, "application/octet-stream")},
        params=params,
        headers=bearer(key),
    )


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM intervention")).scalar_one())


def test_a_workbook_with_a_bad_row_reports_cells_then_the_fixed_one_imports(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    header = ["name", "la_codes", "start_date", "age_min", "target_groups"]
    bad = [header, ["Pathways", LEEDS, dt.date(2024, 9, 1), 16, "sned"], ["Mentors", LEEDS]]
    response = _form(geo_client, keys.leeds, xlsx(bad), "plan.xlsx", dry_run="true")
    assert response.status_code == 200, response.text
    report = ImportReport.model_validate(response.json())
    assert (report.sheet, report.rows_read, report.rows_valid) == ("Interventions", 2, 1)
    (problem,) = report.problems
    assert (problem.row, problem.column, problem.cell, problem.value) == (
        2,
        "target_groups",
        "E2",
        "sned",
    )
    assert problem.suggestion == "Did you mean 'send'?"
    refused = _form(geo_client, keys.leeds, xlsx(bad), "plan.xlsx")
    assert refused.status_code == 422
    assert _count(engine) == 0

    bad[1][4] = "SEND"
    stored = _form(geo_client, keys.leeds, xlsx(bad), "plan.xlsx")
    assert stored.status_code == 201, stored.text
    ids = stored.json()["created_ids"]
    record = geo_client.get(f"/api/v1/submissions/{ids[0]}", headers=bearer(keys.leeds)).json()
    assert (record["start_date"], record["target_group"]) == ("2024-09-01", ["send"])


def test_formula_values_are_read_and_a_ref_error_stores_nothing(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    rows = [["name", "la_codes", "age_min", "age_max"], ["Calc", '="E08"&"000035"', 14, "=C2+2"]]
    good = with_cached_values(xlsx(rows), {"B2": LEEDS, "D2": "16"})
    response = _form(geo_client, keys.leeds, good, "calc.xlsx", dry_run="true")
    assert response.json()["problems"] == [], response.text
    broken = with_cached_values(xlsx(rows), {"B2": LEEDS, "D2": "#REF!"})
    response = _form(geo_client, keys.leeds, broken, "calc.xlsx")
    assert response.status_code == 422
    (problem,) = response.json()["report"]["problems"]
    assert (problem["cell"], problem["column"]) == ("D2", "age_max")
    assert "#REF!" in problem["message"]
    assert _count(engine) == 0


@pytest.mark.parametrize(
    ("upload", "what", "words"),
    [
        (xlsx([["name", "la_codes"]], sheets=20), "sheets", "up to 10"),
        (many_rows_xlsx(100_000), "rows", f"up to {MAX_ROWS:,}"),
    ],
)
def test_workbooks_over_a_cap_are_413_naming_it_even_in_a_dry_run(
    geo_client: TestClient, keys: Keys, engine: Engine, upload: bytes, what: str, words: str
) -> None:
    for dry_run in ("true", "false"):
        response = _form(geo_client, keys.leeds, upload, "plan.xlsx", dry_run=dry_run)
        assert response.status_code == 413, response.text[:300]
        error = response.json()["error"]
        assert error["code"] == "content_too_large"
        assert [(d["field"], d["location"]) for d in error["details"]] == [(what, "file")]
        assert words in error["message"]
    assert _count(engine) == 0


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (xlsx([["name", "la_codes"], ["A", LEEDS]])[:1500], "damaged"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + "EncryptedPackage".encode("utf-16-le"), "password"),
    ],
)
def test_bad_workbooks_are_one_plain_problem_and_store_nothing(
    geo_client: TestClient, keys: Keys, engine: Engine, upload: bytes, words: str
) -> None:
    dry = _form(geo_client, keys.leeds, upload, "plan.xlsx", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert words in dry.json()["problems"][0]["message"]
    real = _form(geo_client, keys.leeds, upload, "plan.xlsx")
    assert real.status_code == 422, real.text
    assert words in real.json()["error"]["details"][0]["message"]
    assert _count(engine) == 0


def test_an_ods_file_imports(geo_client: TestClient, keys: Keys) -> None:
    data = ods([["name", "la_codes", "start_date"], ["Open", "Leeds", "date:2025-01-06"]])
    response = _form(geo_client, keys.leeds, data, "plan.ods")
    assert response.status_code == 201, response.text


def test_the_filled_in_template_imports_with_no_problem(geo_client: TestClient, keys: Keys) -> None:
    response = geo_client.get(f"{URL}/template.xlsx", headers=bearer(keys.west_yorkshire))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, values = book[DATA_SHEET], book[VALUES_SHEET]
    header = [cell.value for cell in data[1]]
    offered: dict[str, list[str]] = {}
    for rule in data.data_validations.dataValidation:
        if rule.type != "list":
            continue
        column = header[next(iter(rule.sqref.ranges)).min_col - 1]
        first, last = (int(part.split("$")[-1]) for part in str(rule.formula1).split(":"))
        letter = str(rule.formula1).split("!$")[1][0]
        offered[str(column)] = [str(values[f"{letter}{r}"].value) for r in range(first, last + 1)]
    assert sorted(offered["la_codes"]) == sorted([LEEDS, BRADFORD])  # the key's own LAs
    for index, column in enumerate(header, start=1):
        if column in offered:
            data.cell(row=2, column=index, value=offered[str(column)][0])
    data["A2"], data["E2"], data["F2"] = "Template programme", 16, 17
    data.cell(row=2, column=header.index("age_bands") + 1).value = None  # derived from the ages
    data.cell(row=2, column=header.index("start_date") + 1, value=dt.date(2025, 9, 1))
    out = io.BytesIO()
    book.save(out)
    stored = _form(geo_client, keys.west_yorkshire, out.getvalue(), "filled.xlsx")
    assert stored.status_code == 201, stored.text
    assert stored.json()["problems"] == []
    assert stored.json()["warnings"] == []


def test_the_public_template_lists_every_la_and_a_wrong_key_is_401(geo_client: TestClient) -> None:
    public = geo_client.get(f"{URL}/template.xlsx")
    assert public.status_code == 200
    values = openpyxl.load_workbook(io.BytesIO(public.content))[VALUES_SHEET]
    codes = [row[1] for row in values.iter_rows(values_only=True) if row[0] == "la_codes"]
    assert len(codes) > 140
    wrong = geo_client.get(f"{URL}/template.xlsx", headers=bearer("nm_wrongkey_xxxx"))
    assert wrong.status_code == 401
    csv = geo_client.get(f"{URL}/template.csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("name,description,")


def test_names_beside_codes_are_checked_in_files_and_json(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = f"name,LA name,LA code\nRight,Leeds,{LEEDS}\nWrong,Bradford,{LEEDS}\n"
    response = geo_client.post(
        URL, content=csv, params={"dry_run": "true"}, headers=bearer(keys.west_yorkshire)
    )
    report = response.json()
    assert report["rows_valid"] == 1, report
    (problem,) = report["problems"]
    assert (problem["row"], problem["column"]) == (3, "la_names")
    assert "Bradford" in problem["message"]
    assert LEEDS in problem["message"]

    body = {"name": "JSON", "la_codes": [LEEDS, BRADFORD], "la_names": ["Leeds", "Leeds"]}
    refused = geo_client.post(
        "/api/v1/interventions", json=body, headers=bearer(keys.west_yorkshire)
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "la_names.1"
    body["la_names"] = ["Leeds", "Bradford"]
    created = geo_client.post(
        "/api/v1/interventions", json=body, headers=bearer(keys.west_yorkshire)
    )
    assert created.status_code == 201, created.text
    assert (
        "la_names"
        not in read_history(geo_client, keys.admin, created.json()["id"]).versions[0].snapshot
    )


def test_a_split_county_needs_a_key_covering_every_successor(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    with Session(engine) as session:
        _, cumberland = create_key(session, "Cumberland", "partner", [CUMBERLAND])
        _, cumbria = create_key(session, "Cumbria", "partner", [CUMBERLAND, WESTMORLAND])
        session.commit()
    csv = f"name,la_codes\nLakes,{CUMBRIA}\n"
    partial = geo_client.post(URL, content=csv, headers=bearer(cumberland))
    assert partial.status_code == 403
    assert WESTMORLAND in partial.json()["error"]["details"][0]["message"]
    whole = geo_client.post(URL, content=csv, headers=bearer(cumbria))
    assert whole.status_code == 201, whole.text
    warning = " ".join(whole.json()["warnings"])
    assert CUMBERLAND in warning
    assert WESTMORLAND in warning
    (record_id,) = whole.json()["created_ids"]
    snapshot = read_history(geo_client, cumbria, record_id).versions[0].snapshot
    assert snapshot["la_codes"] == [CUMBERLAND, WESTMORLAND]
    assert snapshot["la_codes_as_submitted"] == [CUMBRIA]
    edited = geo_client.patch(
        f"/api/v1/interventions/{record_id}",
        json={"name": "Lakes and fells"},
        headers=bearer(cumbria, **{"If-Match": f'"{record_id}-1"'}),
    )
    assert edited.status_code == 200, edited.text
    for key in (cumbria,):
        assert geo_client.get("/api/v1/submissions", headers=bearer(key)).status_code == 200


@pytest.mark.parametrize(
    ("superseded", "successors"),
    [
        ("E10000021", ["E06000061", "E06000062"]),  # Northamptonshire, 2021
        ("Northamptonshire", ["E06000061", "E06000062"]),
        ("E10000023", ["E06000065"]),  # North Yorkshire, 2023
        ("E10000027", ["E06000066"]),  # Somerset, 2023
        ("E10000009", ["E06000058", "E06000059"]),  # Dorset county, 2019
        ("Cumbria", [CUMBERLAND, WESTMORLAND]),
    ],
)
def test_superseded_areas_are_read_as_all_their_successors(
    geo_client: TestClient, keys: Keys, superseded: str, successors: list[str]
) -> None:
    body = {"name": "Old county", "la_codes": [superseded]}
    created = geo_client.post("/api/v1/interventions", json=body, headers=bearer(keys.admin))
    assert created.status_code == 201, created.text
    assert sorted(a["code"] for a in created.json()["areas"]) == successors
    warning = " ".join(created.json()["warnings"])
    assert all(code in warning for code in successors)
    snapshot = read_history(geo_client, keys.admin, created.json()["id"]).versions[0].snapshot
    assert snapshot["la_codes_as_submitted"] == [superseded]
