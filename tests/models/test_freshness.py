"""The data versions a worker keeps in memory (`models.freshness`): read once, not per call;
read again after a commit made in this process, and after `max_age_s` for commits made
elsewhere (a raw DBAPI commit stands for another process: SQLAlchemy sees none of it)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, select, text

from models.base import table_of
from models.freshness import DataVersions
from models.interventions.public_version import PublicVersion, bump_public_version


def _stored_public_version(engine: Engine) -> int:
    with engine.connect() as connection:
        table = table_of(PublicVersion)
        return int(connection.execute(select(table.c.version)).scalar_one())


def _bump_elsewhere(engine: Engine) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("UPDATE public_version SET version = version + 1 WHERE id = 1")
        raw.commit()
    finally:
        raw.close()


def test_versions_match_the_database(engine: Engine) -> None:
    versions = DataVersions(engine)
    assert versions.current().public == _stored_public_version(engine)


def test_a_commit_elsewhere_waits_for_the_bound(engine: Engine) -> None:
    versions = DataVersions(engine, max_age_s=3600)
    before = versions.current()
    _bump_elsewhere(engine)
    assert versions.fresh()
    assert versions.current() == before  # served from memory: no query per call
    assert DataVersions(engine, max_age_s=0).current().public == before.public + 1


def test_a_commit_in_this_process_is_seen_at_once(engine: Engine) -> None:
    versions = DataVersions(engine, max_age_s=3600)
    before = versions.current()
    with engine.begin() as connection:
        bump_public_version(connection)
    assert not versions.fresh()
    assert versions.current().public == before.public + 1


def test_known_versions_never_wait_for_the_database(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = DataVersions(engine, max_age_s=3600)
    before = versions.current()
    assert versions.known() == before
    with engine.begin() as connection:
        bump_public_version(connection)  # a commit in this process: stale at once

    def no_read() -> None:
        raise AssertionError("known() read the database")

    monkeypatch.setattr(versions, "_read", no_read)
    assert versions.known() is None


def test_a_read_does_not_make_versions_stale(engine: Engine) -> None:
    versions = DataVersions(engine, max_age_s=3600)
    versions.current()
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert versions.fresh()


def test_due_versions_are_served_while_checked_in_the_background(engine: Engine) -> None:
    versions = DataVersions(engine, max_age_s=60)
    before = versions.current()
    _bump_elsewhere(engine)
    versions._read_at -= 90  # due (past the age), within twice the age
    assert versions.fresh()  # still served, and a check started
    deadline = time.monotonic() + 30
    while versions.current().public == before.public and time.monotonic() < deadline:
        time.sleep(0.01)  # the check lands
    assert versions.current().public == before.public + 1


def test_versions_past_twice_their_age_are_read_before_use(engine: Engine) -> None:
    versions = DataVersions(engine, max_age_s=60)
    before = versions.current()
    _bump_elsewhere(engine)
    versions._read_at -= 130
    assert not versions.fresh()
    assert versions.current().public == before.public + 1
