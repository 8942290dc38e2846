"""`neetmap keys rotate`: a new key at once, the old one working through the overlap only."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from api.cli import app
from tests.api.partner_keys import bearer, delete_submission_data

runner = CliRunner()


@pytest.fixture
def cli_on_test_database(
    client: TestClient, engine: Engine, database_url: str, use_database: Callable[[str], None]
) -> Iterator[TestClient]:
    use_database(database_url)
    yield client
    delete_submission_data(engine)


def _secret(*args: str) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1], result.output


def _status(client: TestClient, key: str) -> int:
    return client.get("/api/v1/moderation", headers=bearer(key)).status_code


def test_rotation_overlaps_then_the_old_key_stops(cli_on_test_database: TestClient) -> None:
    client = cli_on_test_database
    first, _ = _secret("keys", "create", "--name", "Ops moderator", "--role", "moderator")
    prefix = first.split("_")[0] + "_" + first.split("_")[1]
    second, said = _secret("keys", "rotate", prefix, "--overlap-hours", "2")
    assert "works until" in said
    assert second != first
    assert (_status(client, first), _status(client, second)) == (200, 200)

    listed = runner.invoke(app, ["keys", "list"]).output
    assert "from " in listed, "the old key shows when it stops"

    again = runner.invoke(app, ["keys", "rotate", prefix])
    assert again.exit_code == 1
    assert "already rotated" in again.output

    second_prefix = "_".join(second.split("_")[:2])
    third, _ = _secret("keys", "rotate", second_prefix, "--overlap-hours", "0")
    assert (_status(client, second), _status(client, third)) == (401, 200)
    assert _status(client, first) == 200, "the first key is still within its own overlap"

    revoked = runner.invoke(app, ["keys", "revoke", prefix])
    assert revoked.exit_code == 0, revoked.output
    assert _status(client, first) == 401, "revoking ends an overlap at once"
