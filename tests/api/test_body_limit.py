"""Request bodies are bounded before anyone reads them: by Content-Length, or while streaming."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from api.http.body_limit import BodyLimitMiddleware
from api.main import create_app
from api.settings import Settings
from tests.api.partner_keys import Keys, bearer, issue_keys

LIMIT = 1_000


@pytest.fixture
def small_client(settings: Settings) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_json_bytes": LIMIT, "max_upload_bytes": 5 * LIMIT})
    with TestClient(create_app(limited)) as client:
        yield client


def _big_json() -> bytes:
    return b'{"name": "' + b"x" * 2 * LIMIT + b'", "la_codes": ["E08000035"]}'


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/interventions"), ("PATCH", "/api/v1/interventions/1")]
)
def test_a_declared_body_over_the_limit_is_413_before_the_key_is_checked(
    small_client: TestClient, method: str, path: str
) -> None:
    response = small_client.request(
        method, path, content=_big_json(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413  # not 401: the body was never read
    error = response.json()["error"]
    assert error["code"] == "content_too_large"
    assert "1,000 bytes" in error["message"]
    assert [(d["field"], d["location"]) for d in error["details"]] == [("body", "body")]


@pytest.fixture
def keys(session: Session, geo_client: TestClient, engine: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/interventions", _big_json()), ("/api/v1/imports", b"name,la_codes\n" * LIMIT)],
)
def test_a_streamed_body_over_the_limit_is_413(
    small_client: TestClient, keys: Keys, path: str, body: bytes
) -> None:
    def chunks() -> Iterator[bytes]:
        yield body

    response = small_client.post(
        path,
        content=chunks(),  # no Content-Length: sent chunked, counted as it is read
        headers=bearer(keys.leeds, **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "content_too_large"
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == ("file" if path.endswith("imports") else "body")


def test_uploads_have_their_own_larger_limit(small_client: TestClient) -> None:
    csv = b"name,la_codes\n" + b"A,E08000035\n" * 200  # over the JSON limit, under the upload one
    response = small_client.post(
        "/api/v1/imports", content=csv, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 401  # reached the route: the key is checked next


async def _echo_body(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def test_the_middleware_stops_reading_at_the_limit_while_streaming() -> None:
    """Without Content-Length, reading stops at the first chunk past the limit: a client
    streaming forever costs the server at most the limit plus one chunk."""
    received: list[int] = []
    sent: list[Message] = []

    async def endless() -> Message:
        received.append(100)
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    async def collect(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/interventions",
        "headers": [(b"transfer-encoding", b"chunked")],
        "query_string": b"",
    }
    middleware = BodyLimitMiddleware(_echo_body, default_limit=LIMIT, limits={})
    anyio.run(middleware, scope, endless, collect)
    assert sum(received) == LIMIT + 100
    assert sent[0]["status"] == 413
    assert b"content_too_large" in sent[1]["body"]


def test_bodies_within_the_limit_pass_through() -> None:
    sent: list[Message] = []
    chunks = iter([b"a" * 600, b"b" * 400])

    async def two_chunks() -> Message:
        chunk = next(chunks)
        return {"type": "http.request", "body": chunk, "more_body": chunk.startswith(b"a")}

    async def collect(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/x",
        "headers": [],
        "query_string": b"",
    }
    import anyio

    anyio.run(
        BodyLimitMiddleware(_echo_body, default_limit=LIMIT, limits={}), scope, two_chunks, collect
    )
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"1000")


@pytest.mark.parametrize(
    ("path", "content_type", "start"),
    [
        ("/api/v1/imports", "text/csv", b"name,la_codes\nA,E08000035\n"),
        (
            "/api/v1/imports",
            "multipart/form-data; boundary=xyz",
            b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\nname,la_codes\nA,E0800",
        ),
        ("/api/v1/interventions", "application/json", b'{"name": "Half'),
    ],
)
def test_a_client_gone_mid_upload_is_one_quiet_log_line(
    geo_client: TestClient,
    keys: Keys,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    path: str,
    content_type: str,
    start: bytes,
) -> None:
    """The body starts, then the client disconnects: no traceback, no 500, nothing stored."""
    events = iter(
        [
            {"type": "http.request", "body": start, "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[Message] = []

    async def receive() -> Message:
        return next(events, {"type": "http.disconnect"})

    async def send(message: Message) -> None:
        sent.append(message)

    headers = bearer(keys.leeds, **{"Content-Type": content_type, "Content-Length": "5000"})
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    caplog.set_level("INFO")
    anyio.run(geo_client.app, scope, receive, send)  # raises nothing
    assert [r for r in caplog.records if r.levelno >= 40] == []
    gone = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(gone) == 1
    assert gone[0].exc_info is None
    assert path in gone[0].getMessage()
    assert not any(m["type"] == "http.response.start" and m["status"] >= 500 for m in sent)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intervention")).scalar_one() == 0
