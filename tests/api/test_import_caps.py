"""Bounded imports: a CSV file over a cap is a 413 naming the cap before any row is checked, a
cell over its cap is a problem on that cell, and a report lists 200 problems and counts all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, text
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.settings import Settings, get_settings
from models.intake import csv_rows
from models.intake.caps import MAX_CELL_CHARS, MAX_ROWS, MAX_UPLOAD_BYTES, ImportTooLargeError
from models.intake.csv_import import parse_csv
from models.intake.workbooks.upload import parse_upload
from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys

URL = "/api/v1/imports"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up runs after the history is deleted."""
    yield from issue_keys(engine)


def _upload(client: TestClient, key: str, data: bytes, **params: Any) -> Any:
    headers = bearer(key, **{"Content-Type": "text/csv"})
    return client.post(URL, content=data, params=params, headers=headers)


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM intervention")).scalar_one())


def _assert_413(response: Any, what: str, cap: str) -> None:
    assert response.status_code == 413, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "content_too_large"
    assert [(d["field"], d["location"]) for d in error["details"]] == [(what, "file")]
    assert cap in error["message"]


@pytest.mark.parametrize(
    ("data", "what", "cap"),
    [
        (
            b"name,la_codes\n" + f"A,{LEEDS}\n".encode() * (MAX_ROWS + 1),
            "rows",
            f"up to {MAX_ROWS:,}",
        ),
        (
            b"name,la_codes," + b",".join(b"extra%d" % i for i in range(99)) + b"\nA,Leeds\n",
            "columns",
            "up to 100",
        ),
        (  # what the issue measured: 600,000 unknown columns in one upload
            b"name,la_codes," + b",".join(b"c%d" % i for i in range(600_000)) + b"\n",
            "columns",
            "up to 100",
        ),
    ],
)
def test_a_csv_over_a_cap_is_a_413_naming_it_even_in_a_dry_run(
    geo_client: TestClient, keys: Keys, engine: Engine, data: bytes, what: str, cap: str
) -> None:
    for dry_run in ("true", "false"):
        _assert_413(_upload(geo_client, keys.leeds, data, dry_run=dry_run), what, cap)
    assert _stored(engine) == 0


def test_a_csv_at_the_caps_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """MAX_ROWS rows and 100 named columns are admitted; the rows are not checked one by one
    here (that is the bench's worst file), only counted."""
    checked: list[int] = []
    monkeypatch.setattr(csv_rows, "read_row", lambda record, *_: checked.append(record.number))
    monkeypatch.setattr("models.intake.csv_import.read_row", csv_rows.read_row)
    header = "name,la_codes," + ",".join(f"extra{i}" for i in range(98))
    parsed = parse_csv((header + "\n" + f"A,{LEEDS}\n" * MAX_ROWS).encode())
    assert parsed.rows_read == MAX_ROWS
    assert len(checked) == MAX_ROWS
    assert len(parsed.header) == 100


def test_values_right_of_column_cv_under_no_header_are_not_held() -> None:
    data = f"name,la_codes\nA,{LEEDS}" + "," * 300 + "far\n"
    parsed = parse_csv(data.encode())
    assert [p.field for p in parsed.problems] == ["row"]  # more cells than the header
    assert all(len(cells) <= 100 for cells in parsed.cells.values())


def test_an_upload_over_the_most_any_import_reads_is_refused_before_it_is_read() -> None:
    with pytest.raises(ImportTooLargeError) as refused:
        parse_upload(b"name,la_codes\n" + b"x" * MAX_UPLOAD_BYTES)
    assert refused.value.what == "file"
    assert f"up to {MAX_UPLOAD_BYTES // 1_000_000} MB" in refused.value.message
    with pytest.raises(ValidationError):
        Settings(max_upload_bytes=MAX_UPLOAD_BYTES + 1)


def test_a_cell_over_its_cap_is_a_problem_on_that_cell(geo_client: TestClient, keys: Keys) -> None:
    long_name = "x" * (MAX_CELL_CHARS + 1)
    types = ";".join(["mentoring"] * 20_000)  # 220,000 characters of values to match
    data = f"name,la_codes,intervention_types\n{long_name},{LEEDS},{types}\n".encode()
    report = _upload(geo_client, keys.leeds, data, dry_run="true").json()
    problems = [(p["cell"], p["column"]) for p in report["problems"]]
    assert problems == [("A2", "name"), ("C2", "intervention_types")]
    assert "10,001 characters" in report["problems"][0]["message"]
    assert "up to 10,000" in report["problems"][0]["message"]
    assert len(report["problems"][0]["value"]) == 200  # quoted, not echoed whole


def test_a_report_lists_200_problems_and_counts_them_all(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    rows = "".join(f"Row {n},{LEEDS},not-a-group\n" for n in range(300))
    data = f"name,la_codes,target_groups\n{rows}B,{LEEDS},send,extra\n".encode()
    report = _upload(geo_client, keys.leeds, data, dry_run="true").json()
    assert report["problems_total"] == 301
    assert len(report["problems"]) == 200
    assert [p["row"] for p in report["problems"]] == list(range(2, 202))  # the first, in order
    assert report["problem_counts"] == [
        {
            "column": "target_groups",
            "kind": "'…' is not one of the target_group values",
            "count": 300,
        },
        {
            "column": "row",
            "kind": "This row has N cells but the header has N columns; a value containing a "
            "comma must be in double quotes",
            "count": 1,
        },
    ]
    refused = _upload(geo_client, keys.leeds, data)
    assert refused.status_code == 422
    body = refused.json()
    assert "301 problems" in body["error"]["message"]
    assert len(body["error"]["details"]) == 200
    assert body["report"]["problems_total"] == 301
    assert _stored(engine) == 0


def test_the_command_line_counts_the_problems_it_does_not_list(
    keys: Keys, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEETMAP_DATABASE_URL", database_url)
    get_settings.cache_clear()
    wrong = tmp_path / "wrong.csv"
    rows = "".join(f"Row {n},{LEEDS},not-a-group\n" for n in range(250))
    wrong.write_text(f"name,la_codes,target_groups\n{rows}", encoding="utf-8")
    checked = CliRunner().invoke(cli, ["import", str(wrong), "--key", keys.leeds, "--dry-run"])
    get_settings.cache_clear()
    assert checked.exit_code == 1
    assert "50 more problems not listed; all 250 by kind:" in checked.output
    assert "250 x target_groups: '…' is not one of the target_group values" in checked.output
