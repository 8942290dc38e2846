"""Connection handling on PostgreSQL: losing the database is a 503, never a 500, and heals itself.

Each test has its own database (and app), because killing connections or pointing the app at
nothing must not disturb the shared test database.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session
from starlette.requests import Request

from api.deps import get_session
from api.http.error_shape import ErrorResponse
from api.main import create_app
from api.migrations import upgrade
from api.routes import exports
from api.settings import Settings
from models.engine import create_db_engine
from models.intake.seed import seed
from models.partners.keys import create_key
from tests.conftest import PG_ADMIN_URL, discard_database, empty_database_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database holding the sample interventions."""
    url = empty_database_url("postgresql", tmp_path)
    upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed(session)
        session.commit()
    engine.dispose()
    yield url
    discard_database(url)


def _terminate_backends(url: str) -> int:
    """pg_terminate_backend on every connection to the app's database; how many there were."""
    name = make_url(url).database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def _assert_unavailable(response: Response) -> None:
    assert response.status_code == 503, response.text[:300]
    body = ErrorResponse.model_validate(response.json())
    assert body.error.code == "database_unavailable"
    assert response.headers["retry-after"]
    assert "Traceback" not in response.text
    assert "psycopg" not in response.text


def test_terminated_connections_are_replaced_without_an_error(pg_url: str) -> None:
    with TestClient(create_app(Settings(database_url=pg_url))) as client:
        assert client.get("/api/v1/interventions").status_code == 200
        assert _terminate_backends(pg_url) >= 1

        after = client.get("/api/v1/interventions")
        # pool_pre_ping finds the dead connection at checkout and opens a new one.
        assert after.status_code == 200, after.text
        assert after.json()["total"] > 0
        assert client.get("/healthz").status_code == 200


def test_a_connection_killed_mid_request_is_a_503_then_recovers(pg_url: str) -> None:
    app = create_app(Settings(database_url=pg_url))
    killed: list[int] = []

    def kill_once(conn: Connection, *_: object) -> None:
        """Terminate the backend just before the request's first statement, past the pre-ping."""
        if not killed:
            pid = conn.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        event.listen(app.state.engine, "before_cursor_execute", kill_once)
        try:
            _assert_unavailable(client.get("/api/v1/interventions"))
        finally:
            event.remove(app.state.engine, "before_cursor_execute", kill_once)
        assert killed
        assert client.get("/api/v1/interventions").status_code == 200


def test_health_is_503_in_the_error_shape_while_the_database_is_unreachable() -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/neetmap"
    with TestClient(create_app(Settings(database_url=url))) as client:
        _assert_unavailable(client.get("/healthz"))
        _assert_unavailable(client.get("/api/v1/interventions"))


class _Gateway:
    """A loopback TCP relay to PostgreSQL that can be cut and restored, like a DB restart."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        assert self._listener is not None
        for sock in [self._listener, *self._sockets]:
            try:  # shutdown, not just close: it also wakes the thread blocked in accept()
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass


def test_database_going_away_is_503_and_the_service_recovers_when_it_returns(
    pg_url: str,
) -> None:
    target = make_url(pg_url)
    gateway = _Gateway((target.host or "127.0.0.1", target.port or 5432))
    via_gateway = target.set(port=gateway.port).render_as_string(hide_password=False)
    try:
        with TestClient(create_app(Settings(database_url=via_gateway))) as client:
            assert client.get("/api/v1/interventions").status_code == 200

            gateway.cut()
            _assert_unavailable(client.get("/api/v1/interventions"))
            _assert_unavailable(client.get("/healthz"))

            gateway.restore()
            deadline = time.monotonic() + 10
            statuses = []
            while time.monotonic() < deadline:
                statuses.append(client.get("/api/v1/interventions").status_code)
                if statuses[-1] == 200:
                    break
                time.sleep(0.2)
            assert statuses[-1] == 200, statuses
            assert set(statuses) <= {200, 503}
            assert client.get("/healthz").json()["database"]["status"] == "ok"
    finally:
        gateway.cut()


def test_a_pool_exhausted_by_a_hanging_database_is_a_busy_503_on_any_route(pg_url: str) -> None:
    """A tiny pool (1 + 2 overflow) held by connections that hang: reads, an export, a keyed
    write and an OGC page all answer at once 503 `database_busy` with `Retry-After`, the shape
    of a lock held too long, and 200 again as soon as a connection is free."""
    app = create_app(Settings(database_url=pg_url, pool_size=1, pool_timeout_s=0.3))
    with TestClient(app) as client:
        engine = app.state.engine
        with Session(engine) as session:
            secret = create_key(session, "pool", "partner", ["E08000035"])[1]
            session.commit()
        auth = {"Authorization": f"Bearer {secret}"}
        held = [engine.connect() for _ in range(3)]  # as if each hung on a dead database
        try:
            answers = [
                client.get("/api/v1/interventions?q=pool"),
                client.get("/api/v1/stats?group_by=region"),
                client.get("/api/v1/export?format=csv"),
                client.get("/ogc/collections/interventions/items?limit=3"),
                client.post(
                    "/api/v1/interventions",
                    json={"name": "Pool", "la_codes": ["E08000035"]},
                    headers=auth,
                ),
            ]
            for response in answers:
                assert response.status_code == 503, (response.request.url, response.text[:300])
                assert response.json()["error"]["code"] == "database_busy"
                assert response.headers["retry-after"] == "2"
        finally:
            for connection in held:
                connection.close()
        assert client.get("/api/v1/interventions?q=pool").status_code == 200


def test_statement_timeout_is_applied_to_every_connection(pg_url: str) -> None:
    app = create_app(Settings(database_url=pg_url, statement_timeout_ms=1234))
    with TestClient(app), app.state.engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "1234ms"


def test_a_query_past_the_statement_timeout_says_so_without_retry_after(pg_url: str) -> None:
    """A slow query is not an outage: 503 `query_timeout`, advice, and no Retry-After."""
    app = create_app(Settings(database_url=pg_url, statement_timeout_ms=100))

    def sleep_instead(
        _conn: Connection, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> tuple[str, Any]:
        if "FROM intervention" in statement:
            return "SELECT pg_sleep(2)", {}
        return statement, parameters

    with TestClient(app) as client:
        event.listen(app.state.engine, "before_cursor_execute", sleep_instead, retval=True)
        try:
            response = client.get("/api/v1/interventions")
            export = client.get("/api/v1/export", params={"format": "csv"})
        finally:
            event.remove(app.state.engine, "before_cursor_execute", sleep_instead)
        assert export.status_code == 503, export.text
        advice = ErrorResponse.model_validate(export.json()).error.message
        assert "Narrow the filters" in advice
        assert "/api/v1/export" not in advice  # not sent to where it already is
        assert response.status_code == 503, response.text
        body = ErrorResponse.model_validate(response.json())
        assert body.error.code == "query_timeout"
        assert "took too long" in body.error.message
        assert "/api/v1/export" in body.error.message
        assert "retry-after" not in response.headers
        assert client.get("/api/v1/interventions").status_code == 200


@pytest.mark.parametrize("sqlstate", ["serialization_failure", "deadlock_detected"])
def test_a_lost_write_race_is_a_409_to_send_again(pg_url: str, sqlstate: str) -> None:
    """PostgreSQL's own error (raised by the server, not faked in Python) reaches the client as
    a conflict to retry, not as the database being down."""
    app = create_app(Settings(database_url=pg_url))

    def fail_instead(
        _conn: Connection, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> tuple[str, Any]:
        if "FROM intervention" in statement:
            return f"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{sqlstate}'; END $$", {}
        return statement, parameters

    with TestClient(app) as client:
        event.listen(app.state.engine, "before_cursor_execute", fail_instead, retval=True)
        try:
            response = client.get("/api/v1/interventions")
        finally:
            event.remove(app.state.engine, "before_cursor_execute", fail_instead)
        assert response.status_code == 409, response.text
        assert ErrorResponse.model_validate(response.json()).error.code == "write_conflict"
        assert response.headers["retry-after"] == "1"
        assert client.get("/api/v1/interventions").status_code == 200


def test_a_connection_lost_before_the_session_closes_is_not_raised(pg_url: str) -> None:
    """Closing runs after the response has started: a database restarted in between must not
    turn a delivered answer into a server error or a dropped connection."""
    app = create_app(Settings(database_url=pg_url))
    with TestClient(app):
        request = Request({"type": "http", "method": "GET", "app": app, "headers": []})
        sessions = get_session(request)
        session = next(sessions)
        assert session.exec(text("SELECT 1")).one()[0] == 1  # type: ignore[call-overload]
        assert _terminate_backends(pg_url) >= 1
        with pytest.raises(StopIteration):
            next(sessions)  # what FastAPI does after the response: close the session


def test_an_export_under_way_is_not_cut_short_by_the_statement_timeout(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first page is read under the timeout (so a slow export fails as a 503); once
    the 200 has gone, a later page that is slow must not truncate the file."""
    monkeypatch.setattr(exports, "PAGE_SIZE", 5)
    app = create_app(Settings(database_url=pg_url, statement_timeout_ms=200))

    def slow_later_pages(
        _conn: Connection, cursor: Any, statement: str, parameters: Any, *_: object
    ) -> None:
        if "intervention.id >" in statement and dict(parameters).get("id_1") == 5:
            cursor.execute("SELECT pg_sleep(0.5)")  # the second page, after ids 1-5

    with TestClient(app) as client:
        expected = client.get("/api/v1/interventions", params={"limit": 500}).json()["total"]
        event.listen(app.state.engine, "before_cursor_execute", slow_later_pages)
        try:
            response = client.get("/api/v1/export", params={"format": "csv"})
        finally:
            event.remove(app.state.engine, "before_cursor_execute", slow_later_pages)
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == expected + 1  # every record, and the header
