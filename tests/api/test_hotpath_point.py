"""The plain point lookup answered before routing gives exactly what the route gives."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.hotpath.point import PointLookupMiddleware, plain_point
from api.state import AppState

POINTS = [
    ("53.8008", "-1.5491"),  # Leeds
    ("51.5074", "-0.1278"),  # Westminster, a London borough
    ("50.7184", "-3.5339"),  # Exeter: Devon, a county
    ("54.5", "2.0"),  # the North Sea: the route's 404
    ("-0.0", "0.0"),  # the sea off Africa
]
#: Headers that differ between any two requests.
PER_REQUEST = {"x-request-id", "date"}


def _answer(client: TestClient, query: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    response = client.get(f"/api/v1/areas/at?{query}", headers=headers)
    kept = {k: v for k, v in response.headers.items() if k not in PER_REQUEST}
    return response.status_code, kept, response.content


@pytest.mark.parametrize(("lat", "lon"), POINTS)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Accept-Encoding": "gzip"}, {"Origin": "https://maps.example"}],
)
def test_plain_lookup_matches_the_route(
    geo_client: TestClient, lat: str, lon: str, headers: dict[str, str]
) -> None:
    # `%2E` for the dot: the same numbers, but not the plain form, so the route answers.
    routed = _answer(geo_client, f"lat={lat.replace('.', '%2E')}&lon={lon}", **headers)
    for query in (f"lat={lat}&lon={lon}", f"lon={lon}&lat={lat}"):
        assert _answer(geo_client, query, **headers) == routed
    etag = routed[1].get("etag")
    if etag is not None:
        status, kept, body = _answer(
            geo_client, f"lat={lat}&lon={lon}", **headers, **{"If-None-Match": etag}
        )
        assert (status, body) == (304, b"")
        assert kept["etag"] == etag


def test_errors_still_come_from_the_route(geo_client: TestClient) -> None:
    for query in ("lat=91&lon=0", "lat=52&lon=181", "lat=52", "lat=52&lat=53&lon=0"):
        response = geo_client.get(f"/api/v1/areas/at?{query}")
        assert response.status_code == 422, query
        assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("query", "point"),
    [
        (b"lat=53.8&lon=-1.5", (53.8, -1.5)),
        (b"lon=-1.5&lat=53.8", (53.8, -1.5)),
        (b"lat=90&lon=-180", (90.0, -180.0)),
        (b"lat=91&lon=0", None),
        (b"lat=1&lat=2", None),
        (b"lat=1&lon=2&x=3", None),
        (b"lat=1e1&lon=2", None),
        (b"lat=%35&lon=2", None),
        (b"lat=&lon=2", None),
    ],
)
def test_only_the_plain_form_is_taken(query: bytes, point: tuple[float, float] | None) -> None:
    assert plain_point(query) == point


def test_the_middleware_answers_without_the_route(geo_client: TestClient, backend: str) -> None:
    assert geo_client.get("/api/v1/areas/at?lat=53.8008&lon=-1.5491").status_code == 200
    state = geo_client.app.state  # type: ignore[attr-defined]
    assert isinstance(state, AppState)
    reached: list[str] = []
    sent: list[dict[str, Any]] = []

    async def route(_scope: Any, _receive: Any, _send: Any) -> None:
        reached.append("route")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:  # pragma: no cover - a GET reads no body
        return {"type": "http.request", "body": b""}

    middleware = PointLookupMiddleware(route, state=state)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/areas/at",
        "query_string": b"lat=53.8008&lon=-1.5491",
        "headers": [],
    }
    state.versions.current()  # fresh for the next half second
    asyncio.run(middleware(scope, receive, send))
    if backend == "postgresql":  # the lookup is a PostGIS query there: the route's
        assert reached == ["route"]
        return
    assert reached == []
    assert sent[0]["status"] == 200
    assert b'"E08000035"' in sent[1]["body"]
