"""A status its source does not state (`not_stated`): filtered, counted, exported and mapped like
the other statuses, never read as running, and never what a partner's blank cell means."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.oruk.ids import service_id
from models.intake.csv_import import parse_csv
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from models.typology.vocabulary import NOT_STATED
from tests.api.oruk.oruk_schema import assert_schema

LIST = "/api/v1/interventions"
LEEDS, SEFTON = "E08000035", "E08000014"


def _add(session: Session, name: str, las: list[str], **fields: Any) -> int:
    draft = InterventionDraft.model_validate({"name": name, "la_codes": las, **fields})
    row = create_intervention(session, draft, ensure_areas(session, las), state="published")
    session.commit()
    assert row.id is not None
    return row.id


def _ids(client: TestClient, **params: Any) -> list[int]:
    response = client.get(LIST, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return sorted(item["id"] for item in response.json()["items"])


@pytest.fixture
def statuses(session: Session) -> dict[str, int]:
    """One published record of each status, the not-stated one in two LAs."""
    return {
        "active": _add(session, "Running", [LEEDS], status="active"),
        "planned": _add(session, "Later", [LEEDS], status="planned"),
        "ended": _add(session, "Over", [SEFTON], status="ended", end_date=date(2020, 3, 31)),
        NOT_STATED: _add(session, "Silent page", [LEEDS, SEFTON], status=NOT_STATED),
    }


def test_the_typology_lists_it_with_a_label(client: TestClient) -> None:
    body = client.get("/api/v1/typology").json()
    terms = {t["slug"]: t for t in body["dimensions"]["status"]}
    assert terms[NOT_STATED]["label"] == "Not stated"
    assert "does not say" in terms[NOT_STATED]["description"]


@pytest.mark.parametrize("value", ["not_stated", "Not stated", "NOT_STATED"])
def test_the_list_and_geojson_filter_by_it(
    client: TestClient, statuses: dict[str, int], value: str
) -> None:
    assert _ids(client, status=value) == [statuses[NOT_STATED]]
    assert _ids(client, status=f"active,{value}") == sorted(
        [statuses["active"], statuses[NOT_STATED]]
    )
    features = client.get(LIST, params={"format": "geojson", "status": value}).json()["features"]
    assert [f["properties"]["status"] for f in features] == [NOT_STATED]


def test_the_record_says_it(client: TestClient, statuses: dict[str, int]) -> None:
    body = client.get(f"{LIST}/{statuses[NOT_STATED]}").json()
    assert body["status"] == NOT_STATED


def test_stats_and_the_map_count_it(geo_client: TestClient, statuses: dict[str, int]) -> None:
    stats = geo_client.get("/api/v1/stats", params={"group_by": "status"}).json()
    counts = {row["status"]: row["count"] for row in stats["rows"]}
    assert counts == {"active": 1, "planned": 1, "ended": 1, NOT_STATED: 1}
    layer = geo_client.get("/api/v1/areas", params={"status": NOT_STATED, "geometry": "none"})
    by_la = {f["id"]: f["properties"]["intervention_count"] for f in layer.json()["features"]}
    assert by_la[LEEDS] == by_la[SEFTON] == 1


def test_it_is_never_read_as_running_without_an_end_date(
    client: TestClient, session: Session, statuses: dict[str, int]
) -> None:
    """Nobody said it runs: undated, it counts on no day; closed by an end date, it counts
    within its dates, as an ended record does."""
    today = date.today().isoformat()
    assert statuses[NOT_STATED] not in _ids(client, active_on=today)
    assert statuses["active"] in _ids(client, active_on=today)
    dated = _add(
        session,
        "Silent page, dated",
        [LEEDS],
        status=NOT_STATED,
        start_date=date(2019, 9, 1),
        end_date=date(2021, 7, 31),
    )
    assert dated in _ids(client, active_on="2020-06-01")
    assert dated not in _ids(client, active_on="2022-06-01")


def test_cql2_and_the_queryables_know_it(geo_client: TestClient, statuses: dict[str, int]) -> None:
    queryables = geo_client.get("/ogc/collections/interventions/queryables").json()
    assert NOT_STATED in queryables["properties"]["status"]["enum"]
    items = geo_client.get(
        "/ogc/collections/interventions/items", params={"filter": f"status = '{NOT_STATED}'"}
    ).json()
    assert [f["id"] for f in items["features"]] == [statuses[NOT_STATED]]


def test_a_csv_export_imports_back_as_not_stated(
    geo_client: TestClient, statuses: dict[str, int]
) -> None:
    """The export writes the value, not a blank cell, so the partner import (where a blank is
    `active`) reads back exactly what was exported."""
    exported = geo_client.get("/api/v1/export", params={"format": "csv"})
    assert exported.status_code == 200, exported.text
    parsed = parse_csv(exported.content)
    assert parsed.problems == []
    by_name = {row.draft.name: row.draft.status for row in parsed.rows if row.draft}
    assert by_name == {
        "Running": "active",
        "Later": "planned",
        "Over": "ended",
        "Silent page": NOT_STATED,
    }


def test_a_partners_blank_status_is_active_and_not_stated_is_written_out() -> None:
    """The import contract: a partner submits provision it runs, so a missing status column or
    an empty cell is `active`; a partner who does not know writes `not stated`."""
    without_column = parse_csv(b"name,la_codes\nMentoring,Leeds\n")
    blank = parse_csv(b"name,la_codes,status\nMentoring,Leeds,\nAdvice,Leeds,Not stated\n")
    assert [r.draft.status for r in without_column.rows if r.draft] == ["active"]
    assert [r.draft.status for r in blank.rows if r.draft] == ["active", NOT_STATED]
    wrong = parse_csv(b"name,la_codes,status\nMentoring,Leeds,unknown\n")
    (problem,) = wrong.problems
    assert problem.field == "status"
    assert "Did you mean 'not_stated'" in problem.message


def test_open_referral_says_inactive_and_carries_the_exact_value(
    client: TestClient, statuses: dict[str, int]
) -> None:
    """ORUK requires a status and has no "not stated"; `active` would claim it runs."""
    service = client.get(f"/oruk/services/{service_id(statuses[NOT_STATED])}").json()
    assert_schema(service, "compiled/service.json")
    assert service["status"] == "inactive"
    terms = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["term"]) for a in service["attributes"]
    }
    assert ("neetmap status", NOT_STATED) in terms
    running = client.get(f"/oruk/services/{service_id(statuses['active'])}").json()
    assert running["status"] == "active"


def test_the_submission_page_offers_it(client: TestClient) -> None:
    page = client.get("/submit")
    assert page.status_code == 200
    assert f'value="{NOT_STATED}"' in page.text
    assert "Not stated" in page.text
