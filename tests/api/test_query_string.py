"""Blank read parameters dropped by `api.http.query_string.without_blanks`."""

from __future__ import annotations

import pytest

from api.http.query_string import without_blanks


def test_a_query_without_blanks_passes_byte_for_byte() -> None:
    query = b"la=E08000035,E09000007&q=caf%C3%A9+bar&bbox=-1.8,53.6,-1.3,54.0"
    assert without_blanks(query) is query


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        (b"q=&active_on=&sort=name", b"sort=name"),
        (b"age=+&la=%20&limit=5", b"limit=5"),
        (b"flag&limit=5", b"limit=5"),
        (b"q=&la=E08000035,E09000007", b"la=E08000035%2CE09000007"),  # re-encoded, same URL
        (b"q=&active_on=", b""),
    ],
)
def test_blank_pairs_are_dropped(query: bytes, kept: bytes) -> None:
    assert without_blanks(query) == kept
