"""The home page negotiates HTML or JSON; the map and docs pages ship their own assets."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_home_is_json_for_api_clients_and_html_for_browsers(client: TestClient) -> None:
    as_json = client.get("/", headers={"Accept": "application/json"})
    assert as_json.status_code == 200
    hrefs = {link["href"].removeprefix("http://testserver") for link in as_json.json()["links"]}
    assert {"/map", "/docs", "/ogc", "/submit"} <= hrefs
    assert "Accept" in as_json.headers["vary"]
    as_html = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert as_html.headers["content-type"].startswith("text/html")
    for path in ("/map", "/docs", "/ogc", "/submit"):
        assert f'href="{path}"' in as_html.text
    assert as_json.headers["etag"] != as_html.headers["etag"]


def test_pages_load_only_local_assets(client: TestClient) -> None:
    for page in ("/map", "/docs", "/redoc"):
        html = client.get(page, headers={"Accept": "text/html"})
        assert html.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html.text)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert client.get(asset).status_code == 200, asset


def test_the_map_offers_every_typology_dimension_with_labels(client: TestClient) -> None:
    html = client.get("/map").text
    typology = client.get("/api/v1/typology").json()["dimensions"]
    for dimension, terms in typology.items():
        assert f'<label for="f-{dimension}">' in html
        for term in terms:
            assert f'value="{term["slug"]}"' in html
    assert 'for="f-region"' in html
    assert 'for="f-age"' in html
    assert "Contains OS data © Crown copyright and database right" in html
