"""No query string makes an ORUK read answer 500 (the JSON API's fuzzing, on /oruk)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from api.oruk.taxonomy import TAXONOMIES, TERMS
from tests.api.test_fuzz import SETTINGS, _assert_not_a_server_error, fuzz_client, values

__all__ = ["fuzz_client"]  # the fixture, with its real boundaries and records

ORUK_PARAMS = [
    "page",
    "per_page",
    "taxonomy_term_id",
    "taxonomy_id",
    "text",
    "search",
    "minimum_age",
    "maximum_age",
]
ids = st.sampled_from([TERMS[0].id, TERMS[-1].id, TAXONOMIES[2].id, f"{TERMS[3].id},{TERMS[9].id}"])
oruk_queries = st.lists(st.tuples(st.sampled_from(ORUK_PARAMS), st.one_of(values, ids)), max_size=6)


@SETTINGS
@given(query=oruk_queries)
def test_oruk_lists_never_fail(fuzz_client: TestClient, query: list[tuple[str, str]]) -> None:
    for path in ("/oruk/services", "/oruk/service_at_locations", "/oruk/taxonomy_terms"):
        _assert_not_a_server_error(fuzz_client, path, query)


@SETTINGS
@given(name=st.one_of(values, ids))
def test_oruk_one_thing_never_fails(fuzz_client: TestClient, name: str) -> None:
    from urllib.parse import quote

    for kind in ("services", "taxonomies", "taxonomy_terms", "service_at_locations"):
        _assert_not_a_server_error(fuzz_client, f"/oruk/{kind}/{quote(name, safe='')}", [])
