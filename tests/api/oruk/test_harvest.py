"""Harvesting an ORUK feed served over HTTP into submissions for one LA, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli import app as cli
from api.oruk.harvest import FeedLimits
from api.settings import get_settings
from models.interventions.tables import Intervention
from tests.api.oruk.feeds import Publisher, one_to_one, realistic_services
from tests.api.oruk.oruk_schema import assert_schema
from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys, publish
from tests.live_server import serve_app

FAST = FeedLimits(
    connect_timeout_s=2, read_timeout_s=1.0, retries=2, backoff_s=0.01, max_response_bytes=200_000
)


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    geo_client.app.state.oruk_feed_limits = FAST  # type: ignore[attr-defined]
    yield from issue_keys(engine)


@pytest.fixture
def publisher() -> Iterator[tuple[Publisher, str]]:
    feed = Publisher(realistic_services())
    with serve_app(feed.app) as base:
        yield feed, base


def _harvest(client: TestClient, key: str, url: str, *, dry_run: bool = False) -> Any:
    query = "?dry_run=true" if dry_run else ""
    return client.post(
        f"/api/v1/oruk/harvest{query}", json={"url": url, "la": "Leeds"}, headers=bearer(key)
    )


def _count(session: Session) -> int:
    session.rollback()  # end the read transaction, to see what other connections committed
    return int(session.exec(select(func.count()).select_from(Intervention)).one())


def test_the_feed_is_realistic() -> None:
    """Every service but the malformed one is a valid ORUK service (lists: one-to-one)."""
    services = realistic_services()
    for item in services:
        if item["name"] is not None:
            assert_schema(item, "compiled/service.json")
            assert_schema(one_to_one(item), "compiled/service_list.json")


def test_dry_run_reports_every_service_and_stores_nothing(
    geo_client: TestClient, keys: Keys, session: Session, publisher: tuple[Publisher, str]
) -> None:
    feed, base = publisher
    response = _harvest(geo_client, keys.moderator, f"{base}/feed", dry_run=True)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["services_read"] == 9
    assert report["la"] == LEEDS
    assert feed.hits["list"] == 3  # three pages of at most four
    by_row = {s["row"]: s for s in report["services"]}
    assert [by_row[r]["outcome"] for r in range(1, 10)] == ["new"] * 7 + ["invalid", "new"]
    bad = {p["column"] for p in by_row[8]["problems"]}
    assert {"name", "url", "maximum_age"} <= bad
    assert all(p["row"] == 8 for p in by_row[8]["problems"])
    assert report["problems"] == by_row[8]["problems"]
    first = " ".join(by_row[1]["unmatched"])
    assert "Food bank" in first
    assert "Open Eligibility" in first
    assert "funding.1" in first  # the example's long funding text is listed, not guessed
    assert any("could be" in u and "mental health" in u for u in by_row[2]["unmatched"])
    assert by_row[9]["unmatched"]
    assert "Legal aid" in by_row[9]["unmatched"][0]
    assert _count(session) == 0


def test_harvest_files_submissions_then_nothing_twice_then_edits(
    geo_client: TestClient, keys: Keys, session: Session, publisher: tuple[Publisher, str]
) -> None:
    feed, base = publisher
    response = _harvest(geo_client, keys.moderator, f"{base}/feed/")
    assert response.status_code == 201, response.text
    report = response.json()
    assert len(report["created_ids"]) == 8
    session.expire_all()
    rows = {
        r.name: r
        for r in session.exec(
            select(Intervention).where(col(Intervention.id).in_(report["created_ids"]))
        )
    }
    assert {r.publication_state for r in rows.values()} == {"submitted"}
    mentoring = rows["Leeds Pathways mentoring"]
    assert {a.code for a in mentoring.areas} == {LEEDS}
    assert set(mentoring.values("target_group")) == {"neet", "care_experienced"}
    assert mentoring.values("intervention_type") == ["mentoring"]
    assert mentoring.values("funding_source") == ["ukspf"]
    assert mentoring.provider == "Leeds Youth Partnership"
    assert (mentoring.age_min, mentoring.age_max) == (14, 19)
    assert len(mentoring.venues) == 1
    assert mentoring.source_url
    assert mentoring.source_url.startswith(f"{base}/feed/services/")
    transition = rows["Year 11 summer transition"]
    assert transition.status == "ended"
    assert transition.values("transition_point") == ["year_11_post_16"]
    assert transition.values("target_group") == []  # "mental health" was ambiguous
    queue = geo_client.get("/api/v1/moderation?limit=50", headers=bearer(keys.moderator)).json()
    assert len(queue["items"]) == 8

    again = _harvest(geo_client, keys.moderator, f"{base}/feed").json()
    assert again["created_ids"] == []
    assert again["edited_ids"] == []
    assert {s["outcome"] for s in again["services"]} == {"unchanged", "invalid"}
    assert _count(session) == 8

    publish(geo_client, keys.moderator, mentoring.id or 0)
    feed.services[0]["description"] = "Now with weekend sessions."
    changed = _harvest(geo_client, keys.moderator, f"{base}/feed").json()
    assert changed["created_ids"] == []
    assert changed["edited_ids"] == [mentoring.id]
    public = geo_client.get(f"/api/v1/interventions/{mentoring.id}").json()
    assert public["description"] != "Now with weekend sessions."  # waits for moderation
    queue = geo_client.get("/api/v1/moderation?limit=50", headers=bearer(keys.moderator)).json()
    pending = [i for i in queue["items"] if i["id"] == mentoring.id]
    assert pending, queue
    assert _harvest(geo_client, keys.moderator, f"{base}/feed").json()["edited_ids"] == []


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("notjson", "did not answer with JSON"),
        ("notoruk", "not an ORUK page"),
        ("huge", "more than 200,000 bytes"),
        ("streamed", "more than 200,000 bytes"),
        ("slow", "did not answer in time"),
        ("loop", "pages in a loop"),
        ("missing", "HTTP 404"),
    ],
)
def test_a_bad_feed_is_a_clear_problem_and_stores_nothing(
    geo_client: TestClient,
    keys: Keys,
    session: Session,
    publisher: tuple[Publisher, str],
    path: str,
    words: str,
) -> None:
    _, base = publisher
    response = _harvest(geo_client, keys.moderator, f"{base}/{path}")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unusable_feed"
    assert words in error["message"]
    assert error["details"][0]["field"] == "url"
    assert _count(session) == 0


def test_a_feed_down_for_a_moment_is_retried(
    geo_client: TestClient, keys: Keys, publisher: tuple[Publisher, str]
) -> None:
    feed, base = publisher
    response = _harvest(geo_client, keys.moderator, f"{base}/flaky", dry_run=True)
    assert response.status_code == 200, response.text
    assert feed.hits["flaky"] == 2 + 3  # two refusals, then three pages


def test_harvest_needs_a_moderator_and_a_known_la(
    geo_client: TestClient, keys: Keys, publisher: tuple[Publisher, str]
) -> None:
    _, base = publisher
    assert _harvest(geo_client, keys.leeds, f"{base}/feed").status_code == 403
    body = {"url": f"{base}/feed", "la": "Atlantis"}
    response = geo_client.post("/api/v1/oruk/harvest", json=body, headers=bearer(keys.moderator))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"].startswith("la")
    for url in ("ftp://example.org/services", "not a url"):
        body = {"url": url, "la": "Leeds"}
        bad = geo_client.post("/api/v1/oruk/harvest", json=body, headers=bearer(keys.moderator))
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "unusable_feed"


def test_cli_harvest(
    geo_client: TestClient,
    keys: Keys,
    session: Session,
    publisher: tuple[Publisher, str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, base = publisher
    monkeypatch.setenv("NEETMAP_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        dry = runner.invoke(cli, ["oruk", "harvest", f"{base}/feed", "--la", "Leeds", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "9 services read for E08000035" in dry.output
        assert _count(session) == 0
        done = runner.invoke(cli, ["oruk", "harvest", f"{base}/feed", "--la", "383"])
        assert done.exit_code == 0, done.output
        assert _count(session) == 8
        bad = runner.invoke(cli, ["oruk", "harvest", f"{base}/notjson", "--la", "Leeds"])
        assert bad.exit_code == 1
        assert "did not answer with JSON" in bad.output
    finally:
        get_settings.cache_clear()


def test_our_own_feed_harvests_back_with_every_term_matched(
    geo_client: TestClient, keys: Keys, seeded: Session, settings: Any
) -> None:
    """What /oruk publishes, a harvester reads back whole: every classification by its id."""
    from api.main import create_app
    from models.typology.vocabulary import MULTI_VALUED

    published = {
        r.name: r
        for r in seeded.exec(
            select(Intervention).where(col(Intervention.publication_state) == "published")
        )
    }
    geo_client.app.state.oruk_feed_limits = FeedLimits()  # type: ignore[attr-defined]
    with serve_app(create_app(settings)) as base:  # a real app: the default timeouts
        response = _harvest(geo_client, keys.moderator, f"{base}/oruk", dry_run=False)
    assert response.status_code == 201, response.text
    report = response.json()
    assert len(report["created_ids"]) == len(published)
    assert all(not s["unmatched"] and not s["problems"] for s in report["services"])
    seeded.rollback()
    copies = seeded.exec(
        select(Intervention).where(col(Intervention.id).in_(report["created_ids"]))
    )
    for copy in copies:
        original = published[copy.name]
        for dimension in (*MULTI_VALUED, "status"):
            assert copy.values(dimension) == original.values(dimension), (copy.name, dimension)
        assert (copy.age_min, copy.age_max) == (original.age_min, original.age_max)
        assert copy.provider == original.provider
        assert {a.code for a in copy.areas} == {LEEDS}
