"""Request ids, the JSON access line and the Prometheus metrics, on the real app."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.observability.logs import ACCESS_LOGGER, json_formatter


@pytest.fixture
def access_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Reads the access lines written so far, as the production formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_request_id_is_generated_and_echoed(client: TestClient) -> None:
    first = client.get("/livez").headers["x-request-id"]
    second = client.get("/livez").headers["x-request-id"]
    assert len(first) == 32
    assert first != second


def test_request_id_from_the_caller_is_kept_and_a_hostile_one_replaced(
    client: TestClient,
) -> None:
    assert client.get("/livez", headers={"X-Request-ID": "lb-7f3a.91"}).headers["x-request-id"] == (
        "lb-7f3a.91"
    )
    hostile = 'x" injected\\n{"status": 200}'
    echoed = client.get("/livez", headers={"X-Request-ID": hostile}).headers["x-request-id"]
    assert echoed != hostile
    assert len(echoed) == 32
    too_long = client.get("/livez", headers={"X-Request-ID": "a" * 129}).headers["x-request-id"]
    assert too_long != "a" * 129


def test_request_id_is_readable_by_browsers(client: TestClient) -> None:
    response = client.get("/livez", headers={"Origin": "https://maps.example"})
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


def test_one_json_line_per_request_with_the_key_prefix_but_never_the_key(
    client: TestClient, access_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    secret = "nmk_0a1b2c3d_" + "s" * 43
    client.get("/api/v1/interventions/999999", headers={"X-Request-ID": "req-1"})
    client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {secret}"})
    lines = access_lines()
    assert len(lines) == 2
    first, second = lines
    assert first["method"] == "GET"
    assert first["path"] == "/api/v1/interventions/999999"
    assert first["route"] == "/api/v1/interventions/{intervention_id}"
    assert first["status"] == 404
    assert first["request_id"] == "req-1"
    assert first["key"] is None
    assert first["duration_ms"] >= 0
    assert first["level"] == "INFO"
    assert second["status"] == 401
    assert second["key"] == "nmk_0a1b2c3d"
    assert "s" * 43 not in json.dumps(lines)


def test_metrics_count_by_route_template_not_by_path(client: TestClient) -> None:
    for record_id in (999991, 999992, 999993):
        client.get(f"/api/v1/interventions/{record_id}")
    client.post("/api/v1/interventions/5/publish")  # a route of a router in a router
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    samples = _samples(client)
    by_route = (
        "neetmap_http_requests_total",
        (
            ("method", "GET"),
            ("route", "/api/v1/interventions/{intervention_id}"),
            ("status", "404"),
        ),
    )
    assert samples[by_route] == 3
    unmatched = (
        "neetmap_http_requests_total",
        (("method", "GET"), ("route", "unmatched"), ("status", "404")),
    )
    assert samples[unmatched] == 2
    nested = (
        "neetmap_http_requests_total",
        (
            ("method", "POST"),
            ("route", "/api/v1/interventions/{intervention_id}/publish"),
            ("status", "401"),
        ),
    )
    assert samples[nested] == 1
    assert not any("999991" in str(labels) or "/no/such" in str(labels) for _, labels in samples)
    latency = (
        "neetmap_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/v1/interventions/{intervention_id}")),
    )
    assert samples[latency] == 3


def test_metrics_show_pool_use_and_cache_hits(client: TestClient) -> None:
    client.get("/api/v1/interventions")
    client.get("/api/v1/interventions?status=active")
    samples = _samples(client)
    assert samples[("neetmap_db_pool_connections_in_use", (("engine", "primary"),))] == 0
    hits = samples[("neetmap_cache_lookups_total", (("cache", "facets"), ("result", "hit")))]
    misses = samples[("neetmap_cache_lookups_total", (("cache", "facets"), ("result", "miss")))]
    assert misses >= 1
    assert hits + misses >= 2


def test_metrics_never_carry_keys_or_addresses(client: TestClient) -> None:
    client.get("/api/v1/submissions", headers={"Authorization": "Bearer nmk_0a1b2c3d_secret"})
    text = client.get("/metrics").text
    assert "nmk_" not in text
    assert "testclient" not in text
