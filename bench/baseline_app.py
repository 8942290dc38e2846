"""The minimal FastAPI app `bench.compare` measures neetmap against: the same uvicorn (uvloop,
httptools, one worker, no access log), no middleware, no database, and the same bytes.

- `/layer`: the LA layer's bytes as neetmap sent them (the gzip form when the client
  accepts gzip), from files `bench.compare` writes into `NEETMAP_BASELINE_DIR`;
- `/at?lat&lon`: an async route with the same two validated query parameters returning a
  dict of the same shape as neetmap's point lookup (serialised by FastAPI);
- `/area/{code}`: an async route returning one LA's bytes as neetmap sent them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Query, Request, Response
from fastapi import Path as PathParam

DIRECTORY = Path(os.environ.get("NEETMAP_BASELINE_DIR", "."))


def _read(name: str) -> bytes:
    path = DIRECTORY / name
    return path.read_bytes() if path.exists() else b""


LAYER, LAYER_GZ = _read("layer.json"), _read("layer.json.gz")
AREA, AREA_GZ = _read("area.json"), _read("area.json.gz")
POINT: dict[str, Any] = orjson.loads(_read("point.json") or b"{}")
GEOJSON = "application/geo+json"

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
