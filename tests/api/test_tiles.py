"""The tile routes over HTTP: discovery documents, the tiles' headers and caching, the same
counts as the JSON API for the same filter, and bad input as 400/404, never a 500."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point
from sqlalchemy import select
from sqlmodel import Session

from api.tiles import TILES_CONFORMANCE, TILES_LANDING_LINKS
from models.interventions.tables import Intervention, InterventionArea, Venue

LEEDS = "E08000035"
LEEDS_Z6 = "/ogc/tiles/WebMercatorQuad/6/31/20"  # Leeds and most of the North
MVT = "application/vnd.mapbox-vector-tile"


@pytest.fixture
def api(geo_client: TestClient, seeded: Session) -> TestClient:
    return geo_client


def _counts(content: bytes) -> dict[str, int]:
    layer = mapbox_vector_tile.decode(content)["local-authorities"]
    return {
        f["properties"]["code"]: f["properties"]["intervention_count"] for f in layer["features"]
    }


def test_a_tile_has_the_json_apis_counts_for_the_same_filter(api: TestClient) -> None:
    for query in ("", "?target_group=send", "?transition_point=year_11_post_16&age=15"):
        tile = api.get(LEEDS_Z6 + query, headers={"Accept-Encoding": "identity"})
        assert tile.status_code == 200
        assert tile.headers["content-type"] == MVT
        areas = api.get(f"/api/v1/areas{query}{'&' if query else '?'}geometry=none&context=false")
        expected = {
            f["properties"]["code"]: f["properties"]["intervention_count"]
            for f in areas.json()["features"]
        }
        counts = _counts(tile.content)
        assert LEEDS in counts
        assert counts == {code: expected[code] for code in counts}
    assert _counts(api.get(LEEDS_Z6).content) != _counts(
        api.get(LEEDS_Z6 + "?target_group=ehe").content
    )


def test_tiles_are_cacheable_gzip_and_revalidate(api: TestClient) -> None:
    zipped = api.get(LEEDS_Z6, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["cache-control"].startswith("public, max-age=")
    plain = api.get(LEEDS_Z6, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.content == plain.content  # httpx decodes gzip: the same tile
    etag = plain.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = api.get(LEEDS_Z6, headers={"If-None-Match": etag, "Accept-Encoding": "identity"})
    assert again.status_code == 304
    assert api.get(LEEDS_Z6, headers={"If-None-Match": zipped.headers["etag"]}).status_code == 304
    raw = api.get(LEEDS_Z6, headers={"Accept-Encoding": "gzip"}, extensions={})
    assert gzip.decompress(gzip.compress(raw.content)) == plain.content


def test_an_empty_tile_is_a_204(api: TestClient) -> None:
    empty = api.get("/ogc/tiles/WebMercatorQuad/5/0/0")
    assert empty.status_code == 204
    assert empty.content == b""
    assert empty.headers["cache-control"].startswith("public")


def test_a_data_change_invalidates_rendered_tiles(api: TestClient, seeded: Session) -> None:
    tile = "/ogc/tiles/WebMercatorQuad/10/507/329?collections=interventions"
    assert api.get(tile).status_code == 204
    before = api.get(LEEDS_Z6).headers["etag"]
    leeds_before = _counts(api.get(LEEDS_Z6).content)[LEEDS]
    link = select(InterventionArea.intervention_id).where(InterventionArea.area_code == LEEDS)  # type: ignore[arg-type]
    record = seeded.exec(select(Intervention).where(Intervention.id.in_(link))).scalars().first()  # type: ignore[call-overload, union-attr]
    record.venues.append(Venue(name="Leeds hub", geom=Point(-1.5491, 53.7997)))
    seeded.commit()
    shown = api.get(tile)
    assert shown.status_code == 200
    points = mapbox_vector_tile.decode(shown.content)["interventions"]["features"]
    assert [p["properties"]["venue"] for p in points] == ["Leeds hub"]
    record.publication_state = "withdrawn"
    seeded.commit()
    assert api.get(LEEDS_Z6).headers["etag"] != before
    assert _counts(api.get(LEEDS_Z6).content)[LEEDS] == leeds_before - 1
    assert api.get(tile).status_code == 204


def test_collections_picks_layers(api: TestClient) -> None:
    tile = api.get(LEEDS_Z6 + "?collections=regions")
    assert set(mapbox_vector_tile.decode(tile.content)) == {"regions"}


def test_tilejson_carries_the_filters_into_the_tile_urls(api: TestClient) -> None:
    doc = api.get("/ogc/tiles/WebMercatorQuad?f=tilejson&target_group=send&region=North%20East")
    assert doc.status_code == 200
    assert doc.headers["content-type"].startswith("application/vnd.mapbox.tile+json")
    assert "Accept" in doc.headers["vary"]
    by_accept = api.get(
        "/ogc/tiles/WebMercatorQuad", headers={"Accept": "application/vnd.mapbox.tile+json"}
    )
    assert by_accept.json()["tilejson"] == "3.0.0"
    body = doc.json()
    assert body["tilejson"] == "3.0.0"
    assert (body["minzoom"], body["maxzoom"]) == (0, 12)
    assert {layer["id"] for layer in body["vector_layers"]} == {
        "local-authorities",
        "regions",
        "interventions",
    }
    la = next(layer for layer in body["vector_layers"] if layer["id"] == "local-authorities")
    assert set(la["fields"]) == {"code", "name", "region", "region_name", "intervention_count"}
    template = body["tiles"][0]
    assert "target_group=send" in template
    assert "region=North%20East" in template
    url = urlsplit(template.replace("{z}", "6").replace("{x}", "31").replace("{y}", "20"))
    tile = api.get(f"{url.path}?{url.query}")
    assert tile.status_code == 200
    codes = set(_counts(tile.content))
    assert codes
    assert all(code.startswith(("E06", "E08")) for code in codes)
    west, south, east, north = body["bounds"]
    assert west < -1.5 < east
    assert south < 53.8 < north


def test_ogc_discovery_documents(api: TestClient) -> None:
    tilesets = api.get("/ogc/tiles").json()["tilesets"]
    assert tilesets[0]["dataType"] == "vector"
    meta = api.get("/ogc/tiles/WebMercatorQuad?target_group=send").json()
    rels = {link["rel"]: link for link in meta["links"]}
    assert rels["item"]["templated"] is True
    assert "{tileMatrix}/{tileCol}/{tileRow}" in rels["item"]["href"]
    assert "target_group=send" in rels["item"]["href"]
    assert rels["alternate"]["type"] == "application/vnd.mapbox.tile+json"
    assert (
        api.get(urlsplit(rels["alternate"]["href"]).path + "?f=tilejson").json()["tilejson"]
        == "3.0.0"
    )
    tms = api.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    assert tms["id"] == "WebMercatorQuad"
    assert len(tms["tileMatrices"]) >= 13
    assert api.get("/ogc/tileMatrixSets").json()["tileMatrixSets"][0]["id"] == "WebMercatorQuad"
    assert any(c.endswith("/conf/mvt") for c in TILES_CONFORMANCE)
    assert {link["href"] for link in TILES_LANDING_LINKS} == {"/ogc/tiles", "/ogc/tileMatrixSets"}


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/ogc/tiles/WebMercatorQuad/13/0/0", 404, None),
        ("/ogc/tiles/WebMercatorQuad/6/64/0", 404, None),
        ("/ogc/tiles/WebMercatorQuad/6/0/64", 404, None),
        ("/ogc/tiles/WorldCRS84Quad/6/31/20", 404, None),
        ("/ogc/tiles/WebMercatorQuad/six/31/20", 400, "z"),
        ("/ogc/tiles/WebMercatorQuad/6/31.5/20", 400, "x"),
        ("/ogc/tiles/WebMercatorQuad/6/31/-20", 400, "y"),
        ("/ogc/tiles/WebMercatorQuad/6/31/99999999999999999999", 400, "y"),
        ("/ogc/tiles/WebMercatorQuad/6/31/20?collections=roads", 400, "collections"),
        ("/ogc/tiles/WebMercatorQuad/6/31/20?target_group=pirates", 400, "target_group"),
        ("/ogc/tiles/WebMercatorQuad/6/31/20?age=old", 400, "age"),
        ("/ogc/tiles/WebMercatorQuad/6/31/20?la=Atlantis", 400, "la"),
        ("/ogc/tiles/WebMercatorQuad/6/31/20?bbox=1,2,3", 400, "bbox"),
        ("/ogc/tiles/WebMercatorQuad?f=png", 400, "f"),
        ("/ogc/tiles/WebMercatorQuad?active_on=yesterday", 400, "active_on"),
        ("/ogc/tileMatrixSets/Nope", 404, None),
    ],
)
def test_bad_input_is_a_400_or_404_in_the_standard_shape(
    api: TestClient, path: str, status: int, field: str | None
) -> None:
    response = api.get(path)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]
    if field:
        assert field in {detail["field"] for detail in error["details"]}
