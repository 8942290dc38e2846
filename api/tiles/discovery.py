"""The documents that let a client find the tiles: OGC API - Tiles tileset lists and
metadata, the tile matrix set, and TileJSON 3.0.0.

Every document that names the tile URL carries the request's filter parameters, so a map
library given one TileJSON URL draws the filtered choropleth with no glue code.
"""

from __future__ import annotations

from typing import Any, Final

from models.tiles import EXTENT, LAYERS, MAX_ZOOM, MIN_ZOOM, TILE_MATRIX_SET
from models.tiles.grid import tile_matrix_set

MVT: Final = "application/vnd.mapbox-vector-tile"
TILEJSON: Final = "application/vnd.mapbox.tile+json"
JSON: Final = "application/json"
ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)
#: England's LAs, west, south, east, north (WGS84), a little wider than the May 2023 layer.
ENGLAND_BOUNDS: Final = (-6.42, 49.86, 1.77, 55.82)
_CONF = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"

#: The OGC API - Tiles (and Tile Matrix Set) conformance classes these routes implement,
#: for `/ogc/conformance`.
TILES_CONFORMANCE: Final = (
    _CONF + "core",
    _CONF + "tileset",
    _CONF + "tilesets-list",
    _CONF + "dataset-tilesets",
    _CONF + "collections-selection",
    _CONF + "mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
)

#: Links for the `/ogc` landing page (paths; the landing page makes them absolute).
TILES_LANDING_LINKS: Final = (
    {
        "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
        "href": "/ogc/tiles",
        "type": JSON,
        "title": "Vector tiles of LAs, regions and intervention venues",
    },
    {
        "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
        "href": "/ogc/tileMatrixSets",
        "type": JSON,
        "title": "Tile matrix sets",
    },
)


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def tile_template(base: str, query: str, *, ogc: bool) -> str:
    """The tile URL template: OGC variables or TileJSON's {z}/{x}/{y}."""
    path = "{tileMatrix}/{tileCol}/{tileRow}" if ogc else "{z}/{x}/{y}"
    return _with_query(f"{base}/ogc/tiles/{TILE_MATRIX_SET}/{path}", query)


def vector_layers() -> list[dict[str, Any]]:
    return [
        {
            "id": layer.id,
            "description": layer.description,
            "minzoom": layer.minzoom,
            "maxzoom": layer.maxzoom,
            "fields": dict(layer.fields),
        }
        for layer in LAYERS
    ]


def tilejson(base: str, query: str) -> dict[str, Any]:
    """TileJSON 3.0.0 for the layer set under these filters."""
    west, south, east, north = ENGLAND_BOUNDS
    return {
        "tilejson": "3.0.0",
        "name": "neetmap",
        "description": "NEET early interventions in England: LAs, regions and venues, with "
        "intervention counts under the filters in the tile URL.",
        "version": "1.0.0",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [tile_template(base, query, ogc=False)],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": [west, south, east, north],
        "center": [-1.5, 52.9, 6],
        "vector_layers": vector_layers(),
    }


def tileset_metadata(base: str, query: str) -> dict[str, Any]:
    """OGC API - Tiles tileset metadata (2DTMS 2.0 TileSet) with a TileJSON alternate."""
    west, south, east, north = ENGLAND_BOUNDS
    self_url = f"{base}/ogc/tiles/{TILE_MATRIX_SET}"
    return {
        "title": "neetmap vector tiles",
        "description": "LAs and regions with intervention counts, and intervention venues.",
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "tileMatrixSetURI": "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad",
        "boundingBox": {
            "lowerLeft": [west, south],
            "upperRight": [east, north],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        },
        "tileMatrixSetLimits": [_limits(z) for z in range(MIN_ZOOM, MAX_ZOOM + 1)],
        "layers": [
            {
                "id": layer.id,
                "title": layer.id,
                "description": layer.description,
                "dataType": "vector",
                "geometryDimension": 2 if layer.geometry == "polygons" else 0,
                "minTileMatrix": str(layer.minzoom),
                "maxTileMatrix": str(layer.maxzoom),
                "propertiesSchema": {
                    "type": "object",
                    "properties": {
                        name: {"type": "integer" if kind == "Number" else "string"}
                        for name, kind in layer.fields.items()
                    },
                },
            }
            for layer in LAYERS
        ],
        "attribution": ATTRIBUTION,
        "links": [
            {"rel": "self", "href": _with_query(self_url, query), "type": JSON},
            {
                "rel": "alternate",
                "href": f"{self_url}?f=tilejson" + (f"&{query}" if query else ""),
                "type": TILEJSON,
                "title": "TileJSON 3.0.0",
            },
            {
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                "href": f"{base}/ogc/tileMatrixSets/{TILE_MATRIX_SET}",
                "type": JSON,
            },
            {
                "rel": "item",
                "href": tile_template(base, query, ogc=True),
                "templated": True,
                "type": MVT,
            },
        ],
        "extent": EXTENT,
    }


def _limits(z: int) -> dict[str, Any]:
    """The tiles at zoom z that cover England."""
    west, south, east, north = ENGLAND_BOUNDS
    tms = tile_matrix_set()
    top_left = tms.tile(west, north, z)
    bottom_right = tms.tile(east, south, z)
    return {
        "tileMatrix": str(z),
        "minTileRow": top_left.y,
        "maxTileRow": bottom_right.y,
        "minTileCol": top_left.x,
        "maxTileCol": bottom_right.x,
    }


def tilesets_list(base: str, query: str) -> dict[str, Any]:
    """The dataset's tilesets (one: WebMercatorQuad vector tiles)."""
    self_url = f"{base}/ogc/tiles/{TILE_MATRIX_SET}"
    return {
        "tilesets": [
            {
                "title": "neetmap vector tiles",
                "dataType": "vector",
                "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
                "tileMatrixSetURI": (
                    "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
                ),
                "links": [
                    {"rel": "self", "href": _with_query(self_url, query), "type": JSON},
                    {
                        "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                        "href": f"{base}/ogc/tileMatrixSets/{TILE_MATRIX_SET}",
                        "type": JSON,
                    },
                ],
            }
        ],
        "links": [{"rel": "self", "href": _with_query(f"{base}/ogc/tiles", query), "type": JSON}],
    }


def tile_matrix_sets(base: str) -> dict[str, Any]:
    return {
        "tileMatrixSets": [
            {
                "id": TILE_MATRIX_SET,
                "title": "Google Maps Compatible for the World",
                "uri": "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad",
                "links": [
                    {
                        "rel": "self",
                        "href": f"{base}/ogc/tileMatrixSets/{TILE_MATRIX_SET}",
                        "type": JSON,
                    }
                ],
            }
        ]
    }


def tile_matrix_set_document() -> dict[str, Any]:
    """The WebMercatorQuad definition (OGC 2DTMS 2.0 JSON) as morecantile holds it."""
    document: dict[str, Any] = tile_matrix_set().model_dump(
        mode="json", exclude_none=True, by_alias=True
    )
    return document
