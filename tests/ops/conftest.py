"""Fresh databases for the operations tests, which need them empty, half-migrated or paired."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.settings import get_settings
from tests.conftest import discard_database, empty_database_url


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes new empty databases on the test's backend; all are dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        url = empty_database_url(backend, tmp_path)
        made.append(url)
        return url

    yield make
    for url in made:
        discard_database(url)


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Points the command line (NEETMAP_DATABASE_URL) at a database."""

    def point(url: str) -> None:
        monkeypatch.setenv("NEETMAP_DATABASE_URL", url)
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()
