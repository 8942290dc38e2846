"""Round trips: an exported CSV imports to the same values; hidden characters are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from models.intake.csv_import import parse_csv
from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys, publish, submit

FORMULA_LIKE = {
    "name": "=HYPERLINK(1)",
    "provider": "'-already quoted",
    "description": "@mention and +plus",
}


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


def test_an_exported_csv_imports_to_the_same_free_text(geo_client: TestClient, keys: Keys) -> None:
    record = submit(geo_client, keys.leeds, **FORMULA_LIKE)
    publish(geo_client, keys.moderator, record["id"])
    exported = geo_client.get("/api/v1/export", params={"format": "csv", "la": LEEDS})
    assert exported.status_code == 200
    assert "'=HYPERLINK(1)" in exported.text  # still protected for spreadsheets

    parsed = parse_csv(exported.content)
    drafts = [row.draft for row in parsed.rows if row.draft and row.draft.name == "=HYPERLINK(1)"]
    assert len(drafts) == 1, parsed.problems
    assert {field: getattr(drafts[0], field) for field in FORMULA_LIKE} == FORMULA_LIKE


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\x07", "\x1b", "\x85"])
def test_names_with_hidden_characters_are_refused_naming_the_field(
    geo_client: TestClient, keys: Keys, hidden: str
) -> None:
    response = geo_client.post(
        "/api/v1/interventions",
        json={"name": f"Mentor{hidden}ing", "la_codes": [LEEDS], "provider": "Plain"},
        headers=bearer(keys.leeds),
    )
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["name"]
    assert f"U+{ord(hidden):04X}" in details[0]["message"]


def test_descriptions_keep_line_breaks_but_not_overrides(
    geo_client: TestClient, keys: Keys
) -> None:
    body = {"name": "Lines", "la_codes": [LEEDS], "description": "one\ntwo\tthree"}
    assert (
        geo_client.post("/api/v1/interventions", json=body, headers=bearer(keys.leeds)).status_code
        == 201
    )
    body["description"] = "evil \u202egnp.exe"
    refused = geo_client.post("/api/v1/interventions", json=body, headers=bearer(keys.leeds))
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "description"


def test_a_csv_row_with_an_override_is_a_problem_of_that_row() -> None:
    parsed = parse_csv(f"name,la_codes\nGood,{LEEDS}\nBad\u202e,{LEEDS}\n".encode())
    assert [(p.row, p.field) for p in parsed.problems] == [(3, "name")]
