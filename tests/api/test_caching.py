"""HTTP caching and the web: ETags and 304s, Cache-Control, Vary, gzip and CORS."""

import gzip

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.types import Receive, Scope, Send

from api.http import caching
from api.http.caching import ConditionalGetMiddleware, matching_tag
from api.http.encoding import GZipMiddleware, accepts_gzip, gzip_etag
from api.main import create_app
from api.settings import Settings
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match matches the ETag or its gzip variant (`*` matches any)."""
    return matching_tag(if_none_match, etag) is not None


LIST = "/api/v1/interventions"


def _add(session: Session, name: str) -> None:
    draft = InterventionDraft(name=name, la_codes=["E08000035"])
    create_intervention(session, draft, ensure_areas(session, ["E08000035"]), state="published")
    session.commit()


def _is_strong(etag: str) -> bool:
    return not etag.startswith("W/") and len(etag) > 2 and etag[0] == etag[-1] == '"'


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x",W/"abc"', True),
        ("*", True),
        ('"abcd"', False),
        ('"ab"', False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_uses_the_weak_comparison(header: str | None, matches: bool) -> None:
    assert etag_matches(header, '"abc"') is matches


@pytest.mark.parametrize(
    "path",
    [LIST, f"{LIST}?format=csv", f"{LIST}?format=geojson&geometry=none", "/api/v1/typology"],
)
def test_every_read_has_a_strong_etag_and_answers_304(
    client: TestClient, seeded: Session, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert _is_strong(etag)
    assert client.get(path).headers["etag"] == etag  # same bytes, same tag
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(path, headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == first.headers["cache-control"]
        assert again.headers["vary"] == "Accept-Encoding, Origin"
        assert "content-type" not in again.headers
    stale = client.get(path, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_a_change_in_the_data_changes_the_list_etag(client: TestClient, session: Session) -> None:
    _add(session, "First")
    before = client.get(LIST)
    _add(session, "Second")
    after = client.get(LIST, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["total"] == 2
    assert after.headers["etag"] != before.headers["etag"]


def test_one_record_has_an_etag_too(client: TestClient, session: Session) -> None:
    _add(session, "One")
    record_id = client.get(LIST).json()["items"][0]["id"]
    first = client.get(f"{LIST}/{record_id}")
    assert _is_strong(first.headers["etag"])
    again = client.get(f"{LIST}/{record_id}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_public_reads_are_cacheable_for_the_configured_time(
    database_url: str, engine: Engine
) -> None:
    with TestClient(create_app(Settings(database_url=database_url, cache_max_age=123))) as client:
        response = client.get(LIST)
    assert response.headers["cache-control"] == "public, max-age=123"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (LIST, {"Authorization": "Bearer anything"}),
        (f"{LIST}?limit=0", {}),
        (f"{LIST}/987654", {}),
        ("/no/such/page", {}),
        ("/healthz", {}),
    ],
)
def test_credentials_errors_and_health_are_never_stored(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)
    assert response.headers["cache-control"] == "no-store"


def test_errors_have_no_etag(client: TestClient) -> None:
    response = client.get(LIST, params={"limit": 0})
    assert response.status_code == 422
    assert "etag" not in response.headers


def test_vary_is_listed_once_with_gzip_and_cors(geo_client: TestClient) -> None:
    response = geo_client.get(
        "/api/v1/areas",
        params={"geometry": "simplified"},
        headers={"Accept-Encoding": "gzip", "Origin": "https://maps.example.org"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding, Origin"


def test_geojson_over_1kb_is_gzipped_and_small_bodies_are_not(geo_client: TestClient) -> None:
    with geo_client.stream(
        "GET", "/api/v1/areas?geometry=simplified", headers={"Accept-Encoding": "gzip"}
    ) as big:
        compressed = b"".join(big.iter_raw())
    assert big.headers["content-type"] == "application/geo+json"
    assert big.headers["content-encoding"] == "gzip"
    assert len(compressed) == int(big.headers["content-length"])
    plain = geo_client.get(
        "/api/v1/areas", params={"geometry": "simplified"}, headers={"Accept-Encoding": "identity"}
    )
    assert gzip.decompress(compressed) == plain.content
    assert len(compressed) < len(plain.content) / 3
    # a distinct strong tag per content coding (RFC 9110 8.8.3)
    assert big.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    assert _is_strong(big.headers["etag"])
    small = geo_client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_cors_lets_any_origin_read_by_default(client: TestClient) -> None:
    response = client.get(LIST, headers={"Origin": "https://maps.example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "etag" in exposed
    assert "link" in exposed
    preflight = client.options(
        LIST,
        headers={
            "Origin": "https://maps.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_cors_origins_are_configurable(database_url: str, engine: Engine) -> None:
    settings = Settings(database_url=database_url, cors_origins="https://maps.example.org")
    with TestClient(create_app(settings)) as client:
        allowed = client.get(LIST, headers={"Origin": "https://maps.example.org"})
        other = client.get(LIST, headers={"Origin": "https://elsewhere.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://maps.example.org"
    assert "access-control-allow-origin" not in other.headers
    assert allowed.headers["vary"] == "Accept-Encoding, Origin"


def _streaming_app(chunks: list[bytes], etag: str | None = None) -> ConditionalGetMiddleware:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/plain")]
        if etag:
            headers.append((b"etag", etag.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return ConditionalGetMiddleware(app, max_age=60)


def _get(app: ConditionalGetMiddleware, **headers: str) -> httpx.Response:
    return TestClient(app).get("/", headers=headers)  # no lifespan: a bare ASGI app


def test_a_streamed_body_is_tagged_from_all_its_chunks() -> None:
    whole = _get(_streaming_app([b"one", b"two"]))
    assert whole.content == b"onetwo"
    assert whole.headers["etag"] == caching.body_etag(b"onetwo")
    assert (
        _get(
            _streaming_app([b"one", b"two"]), **{"If-None-Match": whole.headers["etag"]}
        ).status_code
        == 304
    )


def test_a_handler_etag_is_kept_and_its_body_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caching, "MAX_TAGGED_BODY", 1)
    response = _get(_streaming_app([b"one", b"two"], etag='"v7"'))
    assert response.headers["etag"] == '"v7"'
    assert response.content == b"onetwo"
    assert _get(_streaming_app([b"x"], etag='"v7"'), **{"If-None-Match": '"v7"'}).status_code == 304


def test_a_body_too_big_to_hold_streams_on_untagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caching, "MAX_TAGGED_BODY", 4)
    response = _get(_streaming_app([b"one", b"two", b"three"]))
    assert response.content == b"onetwothree"
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "public, max-age=60"


def _get_paths(client: TestClient, record_id: int) -> list[str]:
    """Every documented GET route, with its path parameters filled in."""
    documented = client.get("/openapi.json").json()["paths"]
    return [
        path.replace("{intervention_id}", str(record_id)).replace("{code}", "Leeds")
        for path, operations in documented.items()
        if "get" in operations
    ]


def test_head_answers_every_get_route_with_the_gets_headers(
    geo_client: TestClient, session: Session
) -> None:
    _add(session, "One")
    record_id = geo_client.get(LIST).json()["items"][0]["id"]
    paths = _get_paths(geo_client, record_id)
    assert {"/healthz", LIST, "/api/v1/typology", "/api/v1/areas/Leeds"} <= set(paths)
    for path in paths:
        get = geo_client.get(path)
        head = geo_client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        for name in ("content-type", "content-length", "content-encoding", "etag", "cache-control"):
            assert head.headers.get(name) == get.headers.get(name), (path, name)
        if "etag" in get.headers and get.status_code == 200:
            again = geo_client.head(path, headers={"If-None-Match": get.headers["etag"]})
            assert again.status_code == 304, path


def test_head_on_a_streamed_export_sends_headers_only(client: TestClient, session: Session) -> None:
    _add(session, "One")
    get = client.get("/api/v1/export", params={"format": "csv"})
    head = client.head("/api/v1/export", params={"format": "csv"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-disposition"] == get.headers["content-disposition"]


def test_methods_a_route_refuses_are_405_in_the_error_shape(client: TestClient) -> None:
    bare = client.options("/api/v1/typology")
    assert bare.status_code == 405
    assert bare.json()["error"]["code"] == "method_not_allowed"
    assert bare.headers["allow"] == "GET, HEAD"
    head_on_post = client.head("/api/v1/imports")
    assert head_on_post.status_code == 405
    assert head_on_post.headers["allow"] == "POST"


def test_a_refused_cors_preflight_is_in_the_error_shape(database_url: str, engine: Engine) -> None:
    settings = Settings(database_url=database_url, cors_origins="https://maps.example.org")
    with TestClient(create_app(settings)) as client:
        refused = client.options(
            LIST,
            headers={
                "Origin": "https://elsewhere.example.com",
                "Access-Control-Request-Method": "GET",
            },
        )
        allowed = client.options(
            LIST,
            headers={"Origin": "https://maps.example.org", "Access-Control-Request-Method": "GET"},
        )
    assert refused.status_code == 400
    body = refused.json()["error"]
    assert body["code"] == "cors_not_allowed"
    assert [(d["field"], d["location"]) for d in body["details"]] == [("Origin", "header")]
    assert "access-control-allow-origin" not in refused.headers
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://maps.example.org"


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("*;q=0.1, identity", True),
        ("gzip;q=0, identity", False),
        ("gzip; q=0.000", False),
        ("identity", False),
        ("br", False),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("gzip;q=abc", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header: str | None, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


@pytest.mark.parametrize("path", ["/api/v1/areas?geometry=simplified", "/api/v1/typology"])
def test_gzip_refused_with_q_0_is_not_sent(geo_client: TestClient, path: str) -> None:
    refused = geo_client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    assert int(refused.headers["content-length"]) == len(refused.content) > 1024
    wanted = geo_client.get(path, headers={"Accept-Encoding": "identity;q=0.5, gzip"})
    assert wanted.headers["content-encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/api/v1/areas?geometry=simplified", "/api/v1/typology"])
def test_each_coding_has_its_own_tag_and_either_revalidates(
    geo_client: TestClient, path: str
) -> None:
    plain = geo_client.get(path, headers={"Accept-Encoding": "identity"})
    zipped = geo_client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["etag"] == gzip_etag(plain.headers["etag"]) != plain.headers["etag"]
    for held, coding in ((zipped, "gzip"), (plain, "identity"), (zipped, "identity")):
        again = geo_client.get(
            path, headers={"Accept-Encoding": coding, "If-None-Match": held.headers["etag"]}
        )
        assert again.status_code == 304, (held.headers["etag"], coding)
        assert again.headers["etag"] == held.headers["etag"]


def test_an_export_revalidates_with_its_gzip_tag(client: TestClient, session: Session) -> None:
    _add(session, "One")
    first = client.get("/api/v1/export", headers={"Accept-Encoding": "gzip"})
    assert first.headers["etag"].endswith('-gzip"')
    again = client.get(
        "/api/v1/export",
        headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


def test_a_private_answers_tag_is_left_for_if_match() -> None:
    """A partner's record is read with credentials (no-store) and its ETag goes back in
    If-Match, so gzip leaves it as the handler set it."""

    async def versioned(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"etag", b'"8-1"')]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"x" * 2000})

    app = GZipMiddleware(ConditionalGetMiddleware(versioned, max_age=60), minimum_size=1024)
    private = TestClient(app).get("/", headers={"Authorization": "Bearer k"})
    public = TestClient(app).get("/")
    assert private.headers["content-encoding"] == public.headers["content-encoding"] == "gzip"
    assert private.headers["etag"] == '"8-1"'
    assert public.headers["etag"] == '"8-1-gzip"'
