"""Every 4xx a route answers is in the OpenAPI document; malformed JSON is the same documented
422 on every write route, naming the field `body`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.http.error_shape import ErrorResponse
from api.main import create_app
from api.settings import Settings
from tests.api.partner_keys import Keys, bearer, issue_keys, submit


@pytest.fixture
def settings(database_url: str) -> Settings:
    """No rate limits: the walk sends hundreds of writes, and each should reach its route
    (`test_rate_limits_are_documented` turns them on)."""
    return Settings(database_url=database_url, rate_limits=False)


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


def test_reject_with_malformed_json_is_the_documented_422(
    geo_client: TestClient, keys: Keys
) -> None:
    record = submit(geo_client, keys.leeds)
    headers = bearer(keys.moderator, **{"Content-Type": "application/json"})
    answers = [
        geo_client.post(
            f"/api/v1/interventions/{record['id']}/reject", content=b'{"reason": ', headers=headers
        ),
        geo_client.post(
            "/api/v1/interventions",
            content=b'{"name": ',
            headers=bearer(keys.leeds, **{"Content-Type": "application/json"}),
        ),
    ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        error = ErrorResponse.model_validate(answer.json()).error
        assert error.message == "The request body is not valid JSON."
        assert [(d.field, d.location) for d in error.details] == [("body", "body")]
    assert (
        "422"
        in geo_client.get("/openapi.json").json()["paths"][
            "/api/v1/interventions/{intervention_id}/reject"
        ]["post"]["responses"]
    )


METHODS = ("get", "post", "patch", "delete", "put")
JSON = {"Content-Type": "application/json"}


def _hostile_requests(
    method: str, path: str, operation: dict[str, Any], key: str, limit: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """What careless and hostile clients send this operation: junk path values, unknown and
    repeated parameters, no key, and (where it takes a body) bodies that are too large, not
    JSON, not UTF-8, broken forms, of the wrong type, with stale or weak If-Match."""
    params = operation.get("parameters", [])
    for value in ("x", "999999", "1"):
        filled = path
        for param in params:
            if param["in"] == "path":
                filled = filled.replace("{" + param["name"] + "}", value)
        yield filled, {}
        yield filled, {"headers": bearer(key)}
        query = [p["name"] for p in params if p["in"] == "query"]
        if query:
            repeated = [(query[0], "a"), (query[0], "b"), ("zz_unknown", "1")]
            yield filled, {"params": repeated, "headers": bearer(key)}
            yield filled, {"params": [(name, "\x00-1e999") for name in query]}
        yield filled, {"headers": bearer(key, Accept="application/x-nothing-known")}
        if "requestBody" not in operation:
            continue
        for body, headers in [
            (b"x" * (limit + 1), JSON),
            (b'{"name": ', JSON),
            (b"\xff\xfe{", JSON),
            (b"--zz\r\nbroken", {"Content-Type": "multipart/form-data; boundary=zz"}),
            (b"x", {"Content-Type": "multipart/form-data"}),
            (b"name=x", {"Content-Type": "application/x-www-form-urlencoded"}),
            (b"name\r\nx\r\n", {"Content-Type": "text/csv"}),
            (b"\x89PNG\r\n", {"Content-Type": "image/png"}),
            (b"{}", {**JSON, "If-Match": '"1-0"'}),
            (b"{}", {**JSON, "If-Match": 'W/"1-1"'}),
        ]:
            yield filled, {"content": body, "headers": bearer(key, **headers)}


def _documented(operation: dict[str, Any], status: int) -> bool:
    return str(status) in operation["responses"]


def test_every_4xx_of_every_route_is_documented(geo_client: TestClient, keys: Keys) -> None:
    """Walks every operation of the OpenAPI document with the requests above, then twice
    more with rate limits of one request, and checks that each 4xx it answers is documented
    for that operation, in the documented error shape."""
    document = geo_client.get("/openapi.json").json()
    limit = Settings().max_json_bytes
    undocumented: set[tuple[str, str, int]] = set()
    answered: set[int] = set()
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            for url, kwargs in _hostile_requests(method, path, operation, keys.admin, limit):
                response = geo_client.request(method.upper(), url, **kwargs)
                assert response.status_code < 500, (method, url, response.text[:300])
                if 400 <= response.status_code < 500:
                    answered.add(response.status_code)
                    if not _documented(operation, response.status_code):
                        undocumented.add((method, path, response.status_code))
                    if "problem+json" not in response.headers.get("content-type", ""):
                        ErrorResponse.model_validate(response.json())
    assert not undocumented, sorted(undocumented)
    # The walk met the plumbing's errors, not only the routes' own.
    assert {401, 404, 413, 422}.issubset(answered), answered


def test_rate_limits_are_documented(settings: Settings, engine: Engine) -> None:
    """Every operation a 429 can reach (writes, the expensive reads) documents it."""
    limited = Settings(
        database_url=settings.database_url, rate_limit_writes="1/hour", rate_limit_reads="1/hour"
    )
    with TestClient(create_app(limited)) as client:
        document = client.get("/openapi.json").json()
        for path, item in document["paths"].items():
            for method in METHODS:
                if method not in item or "{" in path:
                    continue
                statuses = {client.request(method.upper(), path).status_code for _ in range(2)}
                assert (429 in statuses) == _documented(item[method], 429), (method, path)
