"""Repeated reads answered by the outermost layer are the answers the whole stack gives."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.hotpath.fastlane import FastLane
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
