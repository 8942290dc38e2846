"""`neetmap db backup` and `db restore`: a round trip keeps every row of every table, and a
truncated file, another schema revision or a non-empty target is refused, changing nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from api.cli import app
from api.migrations import alembic_config, upgrade
from api.operations.backup import backup
from models.engine import create_db_engine
from tests.api.partner_keys import Keys, bearer, edit, issue_keys, publish, submit

runner = CliRunner()


@pytest.fixture
def keys(geo_client: TestClient, boundaries: Engine) -> Iterator[Keys]:
    yield from issue_keys(boundaries)


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table neetmap has (and the migration stamp), in key order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        inspector = inspect(connection)
        names = sorted({*SQLModel.metadata.tables, "alembic_version"})
        for name in names:
            key = inspector.get_pk_constraint(name)["constrained_columns"] or [
                c["name"] for c in inspector.get_columns(name)
            ]
            order = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in key)
            rows = connection.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}'))
            found[name] = [tuple(row) for row in rows]
    return found


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_round_trip_keeps_every_table(
    geo_client: TestClient,
    keys: Keys,
    database_url: str,
    new_database: Callable[[], str],
    use_database: Callable[[str], None],
    tmp_path: Path,
) -> None:
    published = submit(geo_client, keys.leeds, name="Leeds mentoring, published")
    live = publish(geo_client, keys.moderator, published["id"])
    version = geo_client.get(f"/api/v1/submissions/{live['id']}", headers=bearer(keys.leeds))
    waiting = edit(geo_client, keys.leeds, live["id"], version.headers["etag"], name="Renamed")
    assert waiting.status_code == 200, waiting.text
    withdrawn = submit(geo_client, keys.wakefield, name="Wakefield", la_codes=["E08000036"])
    gone = geo_client.delete(
        f"/api/v1/interventions/{withdrawn['id']}", headers=bearer(keys.wakefield)
    )
    assert gone.status_code in {200, 204}, gone.text
    source = create_db_engine(database_url)
    before = _tables(source)
    source.dispose()
    assert before["intervention_version"], "the history must be in the backup"
    assert before["api_key"]
    assert before["area"]

    path = tmp_path / "neetmap.backup"
    use_database(database_url)
    made = _invoke("db", "backup", str(path))
    assert made.exit_code == 0, made.output
    again = _invoke("db", "backup", str(path))
    assert again.exit_code == 1
    assert "already exists" in again.output

    target = new_database()
    use_database(target)
    restored = _invoke("db", "restore", str(path))
    assert restored.exit_code == 0, restored.output
    engine = create_db_engine(target)
    after = _tables(engine)
    engine.dispose()
    assert after == before


def test_restore_onto_a_migrated_empty_database(
    database_url: str,
    new_database: Callable[[], str],
    use_database: Callable[[str], None],
    tmp_path: Path,
) -> None:
    path = tmp_path / "neetmap.backup"
    use_database(database_url)
    assert _invoke("db", "backup", str(path)).exit_code == 0
    target = new_database()
    upgrade(target)  # what a `db prepare` without boundaries leaves
    use_database(target)
    restored = _invoke("db", "restore", str(path))
    assert restored.exit_code == 0, restored.output


def test_restore_refuses_a_non_empty_database(
    geo_client: TestClient, database_url: str, use_database: Callable[[str], None], tmp_path: Path
) -> None:
    path = tmp_path / "neetmap.backup"
    use_database(database_url)
    assert _invoke("db", "backup", str(path)).exit_code == 0
    engine = create_db_engine(database_url)
    before = _tables(engine)
    refused = _invoke("db", "restore", str(path))
    after = _tables(engine)
    engine.dispose()
    assert refused.exit_code == 1
    assert "already holds data (in area" in refused.output
    assert "new, empty database" in refused.output
    assert after == before


def test_restore_refuses_a_truncated_backup(
    database_url: str,
    new_database: Callable[[], str],
    use_database: Callable[[str], None],
    tmp_path: Path,
) -> None:
    path = tmp_path / "neetmap.backup"
    use_database(database_url)
    assert _invoke("db", "backup", str(path)).exit_code == 0
    whole = path.read_bytes()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    target = new_database()
    use_database(target)
    refused = _invoke("db", "restore", str(cut))
    assert refused.exit_code == 1
    assert "truncated" in refused.output
    assert "nothing was restored" in refused.output
    engine = create_db_engine(target)
    with engine.connect() as connection:
        assert not set(inspect(connection).get_table_names()) & set(SQLModel.metadata.tables)
    engine.dispose()


def test_restore_refuses_another_schema_revision(
    new_database: Callable[[], str], use_database: Callable[[str], None], tmp_path: Path
) -> None:
    old = new_database()
    scripts = ScriptDirectory.from_config(alembic_config(old))
    below = scripts.get_revision("head").down_revision
    assert isinstance(below, str)
    upgrade(old, below)
    path = tmp_path / "old.backup"
    backup(old, path)  # the command refuses to back up a database below head; the library not
    target = new_database()
    use_database(target)
    refused = _invoke("db", "restore", str(path))
    assert refused.exit_code == 1
    assert f"was made at schema revision {below}" in refused.output


def test_restore_refuses_a_file_that_is_no_backup(
    new_database: Callable[[], str], use_database: Callable[[str], None], tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    use_database(new_database())
    refused = _invoke("db", "restore", str(path))
    assert refused.exit_code == 1
    assert "is not a neetmap backup" in refused.output
    missing = _invoke("db", "restore", str(tmp_path / "absent.backup"))
    assert missing.exit_code == 1
    assert "There is no backup file" in missing.output
