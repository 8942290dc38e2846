"""The change stamp behind the OGC fast path: shared by waiting requests, never older than
a request."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from api.ogc import pages
from api.ogc.pages import StampReader
from models.public_version import bump_public_version
from models.queries.versions import ChangeStamp, change_stamp


def test_requests_waiting_together_share_one_read(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = pages._read_stamp

    def counted(bound: Engine) -> ChangeStamp:
        reads.append(1)
        return real(bound)

    monkeypatch.setattr(pages, "_read_stamp", counted)
    reader = StampReader()

    async def burst() -> list[ChangeStamp]:
        return list(await asyncio.gather(*(reader.read(engine) for _ in range(20))))

    stamps = asyncio.run(burst())
    with Session(engine) as session:
        assert set(stamps) == {change_stamp(session)}
    assert 1 <= len(reads) <= 2


def test_a_change_before_a_request_shows_in_its_stamp(engine: Engine) -> None:
    reader = StampReader()

    async def read() -> ChangeStamp:
        return await reader.read(engine)

    before = asyncio.run(read())
    with engine.begin() as conn:
        bump_public_version(conn)
    after = asyncio.run(read())
    assert after != before
