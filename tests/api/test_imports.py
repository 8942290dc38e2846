"""CSV imports: the dry-run report, all or nothing, size limits, retries and the CLI."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.commands.imports import idempotency_key
from api.main import create_app
from api.schemas.submissions import ImportReport
from api.settings import Settings, get_settings
from models.intake import bulk_insert as new_submissions
from tests.api.partner_keys import BRADFORD, LEEDS, Keys, bearer, issue_keys

URL = "/api/v1/imports"


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up (and `seeded`'s) runs after the history is deleted."""
    yield from issue_keys(engine)


HEADER = "name,la_codes,age_min,age_max,target_groups,transition_points,start_date\n"


def _upload(client: TestClient, key: str, csv: str | bytes, **params: Any) -> Any:
    headers = bearer(key, **{"Content-Type": "text/csv"})
    return client.post(URL, content=csv, params=params, headers=headers)


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("intervention", "intervention_version", "intervention_head")
        )


def test_dry_run_reports_every_problem_and_stores_nothing(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = (
        HEADER.replace("\n", ",colour\n")
        + f"Good row,{LEEDS},14,16,SEND,Year 11 to post-16,01/09/2024,red\n"
        + "\n"
        + f",{LEEDS},14.5,16,young carer,,2024-13-01,\n"
        + "Unknown LA,Atlantis,,,,,,\n"
    )
    before = _counts(engine)
    response = _upload(geo_client, keys.leeds, csv, dry_run="true")
    assert response.status_code == 200
    report = ImportReport.model_validate(response.json())
    assert (report.dry_run, report.stored, report.rows_read, report.rows_valid) == (
        True,
        False,
        3,
        1,
    )
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (4, "name"),
        (4, "age_min"),
        (4, "target_groups"),
        (4, "start_date"),
        (5, "la_codes"),
    }  # the blank row 3 is skipped but still counted in the numbering
    slug = next(p.message for p in report.problems if p.column == "target_groups")
    assert "Did you mean 'young_carers'?" in slug
    assert "Allowed values:" in slug
    assert any("colour" in w for w in report.warnings)
    assert _counts(engine) == before


def test_an_import_is_all_or_nothing(geo_client: TestClient, keys: Keys, engine: Engine) -> None:
    before = _counts(engine)
    bad = _upload(geo_client, keys.leeds, HEADER + f"A,{LEEDS},,,,,\nB,{LEEDS},,,nobody,,\n")
    assert bad.status_code == 422
    body = bad.json()
    assert body["error"]["code"] == "invalid_file"
    assert body["error"]["message"] == (
        "Nothing was stored: the file has 1 problem. Fix it and upload the file again."
    )
    assert body["error"]["details"][0] == {
        "field": "target_groups",
        "message": body["report"]["problems"][0]["message"],
        "location": "file",
        "row": 3,
    }
    assert body["report"]["rows_valid"] == 1
    assert _counts(engine) == before

    good = _upload(geo_client, keys.leeds, HEADER + f"A,{LEEDS},,,,,\nB,383,16,18,neet,,\n")
    assert good.status_code == 201, good.text
    report = ImportReport.model_validate(good.json())
    assert report.stored
    assert len(report.created_ids) == 2
    states = geo_client.get("/api/v1/submissions", headers=bearer(keys.leeds)).json()
    assert {i["publication_state"] for i in states["items"]} == {"submitted"}
    assert geo_client.get("/api/v1/interventions").json()["total"] == 0


def test_excel_csv_with_bom_crlf_and_windows_1252(geo_client: TestClient, keys: Keys) -> None:
    utf8 = ("\ufeff" + HEADER + f"Café club,{LEEDS},,,,,\n").replace("\n", "\r\n")
    report = _upload(geo_client, keys.leeds, utf8.encode("utf-8"), dry_run="true").json()
    assert (report["rows_valid"], report["problems"], report["warnings"]) == (1, [], [])

    cp1252 = (HEADER + f"Café club,{LEEDS},,,,,\n").encode("cp1252")
    stored = _upload(geo_client, keys.leeds, cp1252)
    assert stored.status_code == 201
    assert any("Windows-1252" in w for w in stored.json()["warnings"])
    record_id = stored.json()["created_ids"][0]
    record = geo_client.get(f"/api/v1/submissions/{record_id}", headers=bearer(keys.leeds))
    assert record.json()["name"] == "Café club"


def test_a_missing_required_column_is_reported_on_row_1(geo_client: TestClient, keys: Keys) -> None:
    response = _upload(geo_client, keys.leeds, "name,provider\nA,B\n", dry_run="true")
    report = response.json()
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(1, "la_codes")]
    assert report["rows_read"] == 1


def test_a_cell_over_the_csv_modules_limit_is_a_report_not_a_500(
    geo_client: TestClient, keys: Keys
) -> None:
    big = f'name,la_codes,description\nA,{LEEDS},"' + "x" * 200_000 + '"\n'
    report = _upload(geo_client, keys.leeds, big, dry_run="true")
    assert report.status_code == 200
    assert [(p["row"], p["column"]) for p in report.json()["problems"]] == [(2, "description")]

    unclosed = f'name,la_codes\nA,"{LEEDS}\n' + f"B,{LEEDS}\n" * 20_000
    refused = _upload(geo_client, keys.leeds, unclosed)
    assert refused.status_code == 422
    ((problem,),) = [refused.json()["report"]["problems"]]
    assert (problem["row"], problem["column"]) == (2, "row")
    assert "never closed" in problem["message"]


@pytest.fixture
def small_upload_client(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_upload_bytes": 200})
    with TestClient(create_app(limited)) as client:
        yield client


def test_uploads_over_the_limit_are_413(small_upload_client: TestClient, keys: Keys) -> None:
    big = HEADER + "".join(f"Row {i},{LEEDS},,,,,\n" for i in range(20))
    response = _upload(small_upload_client, keys.leeds, big, dry_run="true")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "content_too_large"
    small = _upload(small_upload_client, keys.leeds, HEADER + f"A,{LEEDS},,,,,\n", dry_run="true")
    assert small.status_code == 200


def test_uploads_over_the_limit_are_413_as_forms_too(
    small_upload_client: TestClient, keys: Keys
) -> None:
    big = HEADER + "".join(f"Row {i},{LEEDS},,,,,\n" for i in range(20))
    response = small_upload_client.post(
        URL, files={"file": ("big.csv", big.encode())}, headers=bearer(keys.leeds)
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "content_too_large"


def test_a_browser_style_form_upload_is_read(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = (HEADER + f"Form club,{LEEDS},16,17,neet,,\n").encode()
    checked = geo_client.post(
        URL, params={"dry_run": "true"}, files={"file": ("x.csv", csv)}, headers=bearer(keys.leeds)
    )
    assert checked.status_code == 200, checked.text
    assert (checked.json()["rows_valid"], checked.json()["problems"]) == (1, [])
    stored = geo_client.post(URL, files={"upload": ("x.csv", csv)}, headers=bearer(keys.leeds))
    assert stored.status_code == 201, stored.text
    assert _counts(engine)[0] == 1


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"files": [("file", ("a.csv", b"a")), ("file", ("b.csv", b"b"))]}, "file"),
        ({"data": {"dry_run": "true"}, "files": {"file": ("a.csv", b"a")}}, "dry_run"),
        ({"files": {"note": (None, b"x")}}, "note"),
    ],
)
def test_a_form_must_hold_exactly_one_file_and_nothing_else(
    geo_client: TestClient, keys: Keys, engine: Engine, form: dict[str, Any], field: str
) -> None:
    response = geo_client.post(URL, headers=bearer(keys.leeds), **form)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == field
    assert _counts(engine)[0] == 0


@pytest.mark.parametrize(
    ("encoding", "warned"), [("utf-8", False), ("utf-8-sig", False), ("cp1252", True)]
)
def test_a_text_field_named_file_is_read_as_the_file(
    geo_client: TestClient, keys: Keys, encoding: str, warned: bool
) -> None:
    """`curl -F "file=<x.csv"` sends the content as a text field (no filename); its bytes
    are read as a file's, so Excel's Windows-1252 CSV still gets its warning and its ’."""
    csv = (HEADER + f"Café ’club’,{LEEDS},,,,,\n").encode(encoding)
    checked = geo_client.post(
        URL, params={"dry_run": "true"}, files={"file": (None, csv)}, headers=bearer(keys.leeds)
    )
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert (report["rows_valid"], report["problems"]) == (1, [])
    assert any("Windows-1252" in w for w in report["warnings"]) is warned
    stored = geo_client.post(URL, files={"file": (None, csv)}, headers=bearer(keys.leeds))
    assert stored.status_code == 201, stored.text
    record_id = stored.json()["created_ids"][0]
    record = geo_client.get(f"/api/v1/submissions/{record_id}", headers=bearer(keys.leeds))
    assert record.json()["name"] == "Café ’club’"


def test_a_text_field_over_a_megabyte_is_read(geo_client: TestClient, keys: Keys) -> None:
    """Starlette's own 1 MB cap on a text field would answer 400; the upload limit governs."""
    rows = "".join(f"Row {i} {'x' * 100},{LEEDS},,,,,\n" for i in range(10_000))
    response = geo_client.post(
        URL,
        params={"dry_run": "true"},
        files={"file": (None, (HEADER + rows).encode())},
        headers=bearer(keys.leeds),
    )
    assert response.status_code == 200, response.text
    assert (response.json()["rows_valid"], response.json()["problems"]) == (10_000, [])


@pytest.mark.parametrize(
    ("upload", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    ],
)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_file_that_is_no_spreadsheet_is_415_whatever_its_name(
    geo_client: TestClient, keys: Keys, engine: Engine, upload: bytes, named: str, dry_run: bool
) -> None:
    params = {"dry_run": "true"} if dry_run else {}
    raw = _upload(geo_client, keys.leeds, upload, **params)
    form = geo_client.post(
        URL,
        files={"file": ("interventions.xlsx", upload, "application/vnd.ms-excel")},
        params=params,
        headers=bearer(keys.leeds),
    )
    for response in (raw, form):
        assert response.status_code == 415, response.text
        error = response.json()["error"]
        assert named in error["message"]
        assert ".xlsx" in error["message"]  # what to upload instead
        assert error["details"][0]["field"] == "file"
    assert _counts(engine) == (0, 0, 0)


def test_other_multipart_bodies_are_415(geo_client: TestClient, keys: Keys) -> None:
    headers = bearer(keys.leeds, **{"Content-Type": "multipart/mixed; boundary=x"})
    response = geo_client.post(URL, content=b"--x--", headers=headers)
    assert response.status_code == 415
    assert "curl -F file=@file.csv" in response.json()["error"]["message"]
    headers["Content-Type"] = "multipart/form-data; boundary=x"
    empty_form = geo_client.post(URL, content=b"--x--\r\n", headers=headers)
    assert empty_form.status_code == 422
    assert "no file" in empty_form.json()["error"]["message"]


@pytest.mark.parametrize("encoding", ["gzip", "br", "GZIP, identity"])
def test_a_compressed_upload_is_415_naming_content_encoding(
    geo_client: TestClient, keys: Keys, engine: Engine, encoding: str
) -> None:
    before = _counts(engine)
    body = gzip.compress((HEADER + f"A,{LEEDS},,,,,\n").encode())
    headers = bearer(keys.leeds, **{"Content-Type": "text/csv", "Content-Encoding": encoding})
    response = geo_client.post(URL, content=body, headers=headers)
    assert response.status_code == 415, response.text
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type", error
    assert "Content-Encoding" in error["message"]
    assert error["details"] == [
        {
            "field": "Content-Encoding",
            "message": "must be absent or 'identity': send the file uncompressed",
            "location": "header",
            "row": None,
        }
    ]
    assert _counts(engine) == before
    identity = dict(headers, **{"Content-Encoding": "identity"})
    plain = geo_client.post(URL, content=gzip.decompress(body), headers=identity)
    assert plain.status_code == 201, plain.text


def test_a_mistyped_dry_run_is_refused_before_anything_is_stored(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    response = _upload(geo_client, keys.leeds, HEADER + f"A,{LEEDS},,,,,\n", dryrun="true")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"][0]["field"] == "dryrun"
    assert error["details"][0]["location"] == "query"
    assert "Did you mean 'dry_run'?" in error["message"]
    assert _counts(engine)[0] == 0


def test_a_parameter_given_twice_with_different_values_is_refused(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = HEADER + f"A,{LEEDS},,,,,\n"
    headers = bearer(keys.leeds, **{"Content-Type": "text/csv"})
    for order in (["true", "false"], ["false", "true"], ["false", "1", "false"]):
        params = [("dry_run", value) for value in order]
        response = geo_client.post(URL, content=csv, params=params, headers=headers)
        assert response.status_code == 422, order
        error = response.json()["error"]
        (detail,) = error["details"]
        assert (detail["field"], detail["location"]) == ("dry_run", "query")
        assert detail["message"].startswith("dry_run was given ")
        assert "with different values" in error["message"]
    assert _counts(engine)[0] == 0
    same = geo_client.post(
        URL, content=csv, params=[("dry_run", "true"), ("dry_run", "true")], headers=headers
    )
    assert same.status_code == 200
    both = geo_client.post(
        URL,
        content=csv,
        params=[("dry_run", "1"), ("dryrun", "1"), ("dry_run", "0")],
        headers=headers,
    )
    assert both.status_code == 422
    assert [d["field"] for d in both.json()["error"]["details"]] == ["dryrun", "dry_run"]
    assert _counts(engine)[0] == 0


def test_json_api_names_and_spaced_headers_are_stored_not_dropped(
    geo_client: TestClient, keys: Keys
) -> None:
    csv = (
        "name,LA code,target_group,age_band,funding_source\n"
        f"Named as in JSON,{LEEDS},care_experienced,16_18,ukspf\n"
    )
    stored = _upload(geo_client, keys.leeds, csv)
    assert stored.status_code == 201, stored.text
    assert stored.json()["warnings"] == []
    record_id = stored.json()["created_ids"][0]
    record = geo_client.get(f"/api/v1/submissions/{record_id}", headers=bearer(keys.leeds)).json()
    assert record["target_group"] == ["care_experienced"]
    assert record["age_band"] == ["16_18"]
    assert record["funding_source"] == ["ukspf"]

    typo = _upload(geo_client, keys.leeds, csv.replace("target_group", "target_grup"))
    assert typo.status_code == 422
    assert typo.json()["report"]["problems"][0]["column"] == "target_grup"
    assert "Did you mean 'target_groups'?" in typo.json()["report"]["problems"][0]["message"]


def test_la_cells_split_at_commas_and_line_breaks_but_keep_comma_names_whole(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = (
        "name,la_codes,target_groups\n"
        'Commas,"Leeds, Bradford","SEND, NEET"\n'
        'Alt+Enter,"Bradford\nLeeds","young carers\nsend"\n'
        'Comma names,"Bristol, City of;Kingston upon Hull, City of, Herefordshire, County of",\n'
    )
    before = _counts(engine)
    typo = _upload(geo_client, keys.admin, csv + 'Typo,"Leeds, Bradfrd",\n')
    assert typo.status_code == 422
    (problem,) = typo.json()["report"]["problems"]
    assert (problem["row"], problem["column"]) == (5, "la_codes")
    assert problem["message"].startswith("No LA is called 'Bradfrd'.")
    assert _counts(engine) == before

    stored = _upload(geo_client, keys.admin, csv)
    assert stored.status_code == 201, stored.text
    records = [
        geo_client.get(f"/api/v1/submissions/{i}", headers=bearer(keys.admin)).json()
        for i in stored.json()["created_ids"]
    ]
    assert [sorted(a["code"] for a in r["areas"]) for r in records] == [
        sorted([LEEDS, BRADFORD]),
        sorted([LEEDS, BRADFORD]),
        sorted(["E06000023", "E06000010", "E06000019"]),
    ]
    assert [sorted(r["target_group"]) for r in records[:2]] == [
        ["neet", "send"],
        ["send", "young_carers"],
    ]


def test_a_failure_half_way_leaves_the_database_as_it_was(
    geo_client: TestClient, keys: Keys, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(new_submissions, "CHUNK_SIZE", 2)
    real_chunk = new_submissions.insert_chunk
    calls: list[int] = []

    def failing_chunk(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 2:  # the first chunk is already written when the connection drops
            raise OperationalError("INSERT", {}, Exception("connection lost"))
        return real_chunk(*args, **kwargs)

    monkeypatch.setattr(new_submissions, "insert_chunk", failing_chunk)
    before = _counts(engine)
    csv = HEADER + "".join(f"Row {i},{LEEDS},,,,,\n" for i in range(5))
    response = _upload(geo_client, keys.leeds, csv)
    assert response.status_code == 503
    assert len(calls) == 2
    assert _counts(engine) == before


def test_a_retried_import_with_the_same_key_is_not_stored_twice(
    geo_client: TestClient, keys: Keys, engine: Engine
) -> None:
    csv = HEADER + f"A,{LEEDS},,,,,\n"
    headers = bearer(keys.leeds, **{"Content-Type": "text/csv", "Idempotency-Key": "upload-1"})
    first = geo_client.post(URL, content=csv, headers=headers)
    again = geo_client.post(URL, content=csv, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _counts(engine)[0] == 1


def test_cli_import_with_dry_run_then_for_real(
    keys: Keys, database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEETMAP_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"A,{LEEDS},,,nobody,,\n", encoding="utf-8")
    checked = runner.invoke(cli, ["import", str(bad), "--key", keys.leeds, "--dry-run"])
    assert checked.exit_code == 1
    assert "target_groups" in checked.output
    assert "bad.csv: 1 row read, 0 valid. Dry run" in checked.output

    one = tmp_path / "one.csv"
    one.write_text(HEADER + f"A,{LEEDS},,,neet,,\n", encoding="utf-8")
    single = runner.invoke(cli, ["import", str(one), "--key", keys.leeds])
    assert single.exit_code == 0, single.output
    assert "one.csv: 1 row read, 1 valid." in single.output
    assert "Stored 1 intervention as a submission for moderation." in single.output
    assert _counts(engine)[0] == 1

    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"A,{LEEDS},,,neet,,\nB,Leeds,,,,,\n", encoding="utf-8")
    stored = runner.invoke(cli, ["import", str(good)], env={"NEETMAP_API_KEY": keys.leeds})
    assert stored.exit_code == 0, stored.output
    assert "Stored 2 interventions" in stored.output
    assert _counts(engine)[0] == 3
    outside = runner.invoke(cli, ["import", str(good), "--key", keys.wakefield])
    assert outside.exit_code == 1
    assert _counts(engine)[0] == 3
    get_settings.cache_clear()


@pytest.fixture
def live_url(settings: Settings, keys: Keys) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, for the command line to call."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):  # at most 10 s
        if server.started or not thread.is_alive():
            break
        time.sleep(0.01)
    assert server.started, "the test server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_cli_import_to_a_service_by_url(
    live_url: str, keys: Keys, engine: Engine, tmp_path: Path
) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"A,{LEEDS},,,nobody,,\n", encoding="utf-8")
    checked = runner.invoke(
        cli, ["import", str(bad), "--key", keys.leeds, "--dry-run", "--url", live_url]
    )
    assert checked.exit_code == 1, checked.output
    assert "target_groups" in checked.output
    assert "Dry run: nothing was stored" in checked.output
    refused = runner.invoke(cli, ["import", str(bad), "--key", keys.leeds, "--url", live_url])
    assert refused.exit_code == 1
    assert "Nothing was stored" in refused.output

    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"A,{LEEDS},,,neet,,\nB,Leeds,,,,,\n", encoding="utf-8")
    env = {"NEETMAP_API_KEY": keys.leeds, "NEETMAP_API_URL": f"{live_url}/api/v1/"}
    stored = runner.invoke(cli, ["import", str(good)], env=env)
    assert stored.exit_code == 0, stored.output
    assert "Stored 2 interventions" in stored.output
    assert _counts(engine)[0] == 2
    # A retry (the first answer lost on the way back) is told apart by the file's hash.
    retried = runner.invoke(cli, ["import", str(good)], env=env)
    assert retried.exit_code == 0, retried.output
    assert "imported with this key in the last 24 hours" in retried.output
    assert "not stored again" in retried.output
    assert _counts(engine)[0] == 2
    checked_again = runner.invoke(cli, ["import", str(good), "--dry-run"], env=env)
    assert "Dry run: nothing was stored" in checked_again.output
    changed = tmp_path / "changed.csv"
    changed.write_bytes(good.read_bytes() + f"C,{LEEDS},,,,,\n".encode())
    more = runner.invoke(cli, ["import", str(changed)], env=env)
    assert "Stored 3 interventions" in more.output
    assert _counts(engine)[0] == 5

    outside = runner.invoke(cli, ["import", str(good), "--key", keys.wakefield, "--url", live_url])
    assert outside.exit_code == 1
    assert "la_codes" in outside.output
    wrong_key = runner.invoke(cli, ["import", str(good), "--key", "nope", "--url", live_url])
    assert wrong_key.exit_code == 1
    assert "answered 401" in wrong_key.output
    assert _counts(engine)[0] == 5


def test_the_cli_idempotency_key_is_the_file_and_the_dry_run_flag() -> None:
    keys = {
        idempotency_key(data, dry_run=flag)
        for data in (b"name,la_codes\nA,Leeds\n", b"name,la_codes\nA,Leeds \n")
        for flag in (True, False)
    }
    assert len(keys) == 4
    assert all(len(key) == 64 and int(key, 16) >= 0 for key in keys)
    assert idempotency_key(b"x", dry_run=False) == idempotency_key(b"x", dry_run=False)
