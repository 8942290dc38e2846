"""The minimal FastAPI app `bench.compare` measures neetmap against: the same uvicorn (uvloop,
httptools, one worker, no access log), no middleware, no database, and the same bytes.

- `/layer`: the LA layer's bytes as neetmap sent them (the gzip form when the client
  accepts gzip), from files `bench.compare` writes into `NEETMAP_BASELINE_DIR`;
- `/at?lat&lon`: an async route with the same two validated query parameters returning a
  dict of the same shape as neetmap's point lookup (serialised by FastAPI);
- `/area/{code}`: an async route returning one LA's bytes as neetmap sent them;
- `/tile`: an async route returning a vector tile's bytes as neetmap sent them (`bench.tiles`).

`bare` (serve `bench.baseline_app:bare`) is a Starlette app with that one tile route, and
`raw` a plain ASGI callable answering every request with the tile: what uvicorn itself
costs per request, the ceiling any app on it can reach.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

DIRECTORY = Path(os.environ.get("NEETMAP_BASELINE_DIR", "."))


def _read(name: str) -> bytes:
    path = DIRECTORY / name
    return path.read_bytes() if path.exists() else b""


LAYER, LAYER_GZ = _read("layer.json"), _read("layer.json.gz")
AREA, AREA_GZ = _read("area.json"), _read("area.json.gz")
TILE, TILE_GZ = _read("tile.mvt"), _read("tile.mvt.gz")
POINT: dict[str, Any] = orjson.loads(_read("point.json") or b"{}")
GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"

app = FastAPI()


def _same_bytes(request: Request, plain: bytes, gzipped: bytes) -> Response:
    if gzipped and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(gzipped, media_type=GEOJSON, headers={"Content-Encoding": "gzip"})
    return Response(plain, media_type=GEOJSON)


@app.get("/layer")
async def layer(request: Request) -> Response:
    return _same_bytes(request, LAYER, LAYER_GZ)


@app.get("/at")
async def point(
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
) -> dict[str, Any]:
    return {**POINT, "lat": lat, "lon": lon}


@app.get("/area/{code}")
async def area(
    request: Request,
    code: Annotated[str, PathParam(max_length=100)],  # noqa: ARG001 - parsed, as neetmap does
) -> Response:
    return _same_bytes(request, AREA, AREA_GZ)


@app.get("/tile")
async def tile(request: Request) -> Response:
    if TILE_GZ and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(TILE_GZ, media_type=MVT, headers={"Content-Encoding": "gzip"})
    return Response(TILE, media_type=MVT)


async def _starlette_tile(request: StarletteRequest) -> StarletteResponse:
    if TILE_GZ and "gzip" in request.headers.get("accept-encoding", ""):
        return StarletteResponse(TILE_GZ, media_type=MVT, headers={"Content-Encoding": "gzip"})
    return StarletteResponse(TILE, media_type=MVT)


bare = Starlette(routes=[Route("/tile", _starlette_tile)])

_RAW_PLAIN = [(b"content-type", MVT.encode()), (b"content-length", b"%d" % len(TILE))]
_RAW_GZIP = [
    (b"content-type", MVT.encode()),
    (b"content-encoding", b"gzip"),
    (b"content-length", b"%d" % len(TILE_GZ)),
]


async def raw(scope: Scope, receive: Receive, send: Send) -> None:
    """The tile for every GET, straight onto the ASGI interface (no routing, no objects)."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    coded = b""
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            coded = value
    gzipped = bool(TILE_GZ) and b"gzip" in coded
    headers, body = (_RAW_GZIP, TILE_GZ) if gzipped else (_RAW_PLAIN, TILE)
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
