"""A worker's context snapshot follows a new `context load` on the very next request."""

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from api.schemas.context import ContextCache
from models.context.queries import context_version
from tests.models.test_context import load_real_context


def test_the_snapshot_follows_a_reload_at_once(boundaries: Engine, shared_dir: Path) -> None:
    cache = ContextCache()
    first = load_real_context(boundaries, shared_dir)
    with Session(boundaries) as session:
        assert cache.get(session).version == first
    second = load_real_context(boundaries, shared_dir)
    with Session(boundaries) as session:
        assert cache.get(session).version == second == context_version(session)
