"""Repeated reads answered by the outermost layer are the answers the whole stack gives."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.hotpath.fastlane import FastLane
from api.observability.context import context_of
from api.observability.metrics import Metrics
from api.observability.middleware import ObservabilityMiddleware, RouteTemplates
from models.freshness import DataVersions, Versions
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas

#: Headers that differ between any two requests.
PER_REQUEST = {"x-request-id", "date"}
LAYER = "/api/v1/areas?level=la&geometry=none"
TILE = "/ogc/tiles/WebMercatorQuad/6/31/20"
POINT = "/api/v1/areas/at?lat=53.8008&lon=-1.5491"
VARIANTS = [
    {},
    {"Accept-Encoding": "gzip"},
    {"Accept-Encoding": "gzip;q=0, identity"},
    {"Origin": "https://maps.example"},
    {"Origin": "https://maps.example", "Accept-Encoding": "gzip"},
]


def _lane(client: TestClient) -> FastLane:
    lane: FastLane = client.app.state.fast_lane  # type: ignore[attr-defined]
    return lane


def _seen(client: TestClient, method: str, path: str, headers: dict[str, str]) -> tuple:  # type: ignore[type-arg]
    client.app.state.versions.current()  # type: ignore[attr-defined] # fresh for 0.5 s
    response = client.request(method, path, headers=headers)
    kept = sorted((k, v) for k, v in response.headers.items() if k not in PER_REQUEST)
    return response.status_code, kept, response.content, response.headers["x-request-id"]


@pytest.mark.parametrize("path", [LAYER, TILE, POINT])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_repeated_read_is_the_same_answer_with_its_own_request_id(
    geo_client: TestClient, path: str, method: str
) -> None:
    for headers in VARIANTS:
        first = _seen(geo_client, method, path, headers)
        assert first[0] == 200, (headers, first[0])
        again = [_seen(geo_client, method, path, headers) for _ in range(3)]
        for answer in again:
            assert answer[:3] == first[:3], headers
        assert len({first[3], *(answer[3] for answer in again)}) == 4  # ids are per request
        etag = dict(first[1])["etag"]
        not_modified = [
            _seen(geo_client, method, path, {**headers, "If-None-Match": etag}) for _ in range(3)
        ]
        for answer in not_modified:
            assert answer[:3] == not_modified[0][:3]
            assert answer[0] == 304
            assert dict(answer[1])["etag"] == etag


def test_the_lane_keeps_answers_and_not_private_ones(geo_client: TestClient) -> None:
    lane = _lane(geo_client)
    for _ in range(3):
        assert geo_client.get(LAYER).status_code == 200
    geo_client.app.state.versions.current()  # type: ignore[attr-defined]
    assert geo_client.get(LAYER).status_code == 200
    sent = [(k.lower().encode(), v.encode()) for k, v in geo_client.headers.items()]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/areas",
        "query_string": b"level=la&geometry=none",
        "headers": [(b"host", b"testserver"), *sent],
        "scheme": "http",
        "root_path": "",
    }
    key = lane.key(scope)
    assert key is not None
    assert lane.lookup(key) is not None
    private = {**scope, "headers": [*scope["headers"], (b"authorization", b"Bearer x")]}
    assert lane.key(private) is None
    with_body = {**scope, "headers": [*scope["headers"], (b"content-length", b"3")]}
    assert lane.key(with_body) is None


def test_a_data_change_is_seen_at_once(geo_client: TestClient, session: Session) -> None:
    def leeds_count() -> int:
        body = geo_client.get(LAYER).json()
        [leeds] = [f for f in body["features"] if f["id"] == "E08000035"]
        count: int = leeds["properties"]["intervention_count"]
        return count

    before = [leeds_count() for _ in range(3)]
    assert len(set(before)) == 1
    draft = InterventionDraft.model_validate({"name": "Pathways", "la_codes": ["E08000035"]})
    create_intervention(session, draft, ensure_areas(session, ["E08000035"]), state="published")
    session.commit()
    assert leeds_count() == before[0] + 1


def test_a_repeated_point_lookup_counts_under_its_route(geo_client: TestClient) -> None:
    for _ in range(4):
        assert geo_client.get(POINT).status_code == 200
    metrics = geo_client.get("/metrics").text
    assert 'route="/api/v1/areas/at",status="200"' in metrics
    assert 'route="unmatched",status="200"' not in metrics


class _FreshVersions:
    """Versions that are always fresh, for the middleware alone."""

    def known(self) -> Versions | None:
        return Versions(1, None, 1)


class _VersionsThatMustNotBeRead:
    """Versions known or not, whose reading fails the test: the lane runs on the event loop."""

    def __init__(self, known: Versions | None) -> None:
        self._known = known

    def known(self) -> Versions | None:
        return self._known

    def current(self) -> Versions:
        raise AssertionError("the fast lane read the versions on the event loop")


@pytest.mark.parametrize("known", [None, Versions(4, None, 2)])
def test_the_lane_never_reads_the_versions(known: Versions | None) -> None:
    """A commit on another thread can make versions stale between any two calls; the lane
    takes what is known or nothing (then the request goes the ordinary way)."""
    lane = FastLane(cast(DataVersions, _VersionsThatMustNotBeRead(known)))
    scope = {"type": "http", "method": "GET", "path": "/x", "query_string": b"", "headers": []}
    key = lane.key(scope)
    assert (key is None) == (known is None)
    assert key is None or key[-1] == known


@pytest.mark.parametrize(("per_request", "inner_calls"), [(False, 1), (True, 3)])
def test_only_answers_fixed_by_the_versions_and_not_seen_per_request_are_kept(
    per_request: bool, inner_calls: int
) -> None:
    calls: list[int] = []

    async def inner(scope: Any, _receive: Any, send: Any) -> None:
        calls.append(1)
        context = context_of(scope)
        assert context is not None
        context.kept_under = Versions(1, None, 1)
        context.per_request = per_request
        await send({"type": "http.response.start", "status": 200, "headers": [(b"a", b"b")]})
        await send({"type": "http.response.body", "body": b"{}", "more_body": False})

    lane = FastLane(cast(DataVersions, _FreshVersions()))
    app = ObservabilityMiddleware(
        inner, metrics=Metrics(), logger=None, templates=RouteTemplates(), lane=lane
    )
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:  # pragma: no cover - nothing reads the body
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/x", "query_string": b"", "headers": []}
    for _ in range(3):
        asyncio.run(app(dict(scope), receive, send))
    assert len(calls) == inner_calls
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [200, 200, 200]
    assert all((b"a", b"b") in m["headers"] for m in starts)
    assert len({dict(m["headers"])[b"x-request-id"] for m in starts}) == 3
