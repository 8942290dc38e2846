"""GeoJSON shapes in the OpenAPI document, for bodies that orjson writes.

The GeoJSON routes splice geometry rendered once per boundary version (orjson Fragments) into
bodies the tests pin byte for byte; building geojson-pydantic Features per request would cost
the hot path its speed and change the bytes. So the shapes (geojson-pydantic `Feature` and
`FeatureCollection` subclasses, beside each schema module's conversion) describe and do not
serialise: a route names its shape with `geojson_response`, `document_shapes` puts every
shape named into the app's OpenAPI components, and the tests validate real bodies against them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

GEOJSON = "application/geo+json"
_REF = "#/components/schemas/{model}"
#: Every shape a route has named, by its component name (filled as the route modules load).
_SHAPES: dict[str, type[BaseModel]] = {}


def geojson_response(description: str, *shapes: type[BaseModel]) -> dict[str, Any]:
    """A `responses=` entry: `application/geo+json` in one of `shapes`.

    Not FastAPI's `model` key: that documents the route's own media type (JSON for most), and
    these routes answer JSON errors beside GeoJSON."""
    for shape in shapes:
        if _SHAPES.setdefault(shape.__name__, shape) is not shape:
            raise ValueError(f"two GeoJSON shapes are called {shape.__name__}")
    refs = [{"$ref": _REF.format(model=shape.__name__)} for shape in shapes]
    schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"description": description, "content": {GEOJSON: {"schema": schema}}}


def document_shapes(app: FastAPI) -> None:
    """Add the named shapes (and what they are made of) to the app's OpenAPI components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI's own, kept on the app after the first call
        schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
        if _SHAPES and not _SHAPES.keys() <= schemas.keys():
            shapes = [(shape, "serialization") for shape in _SHAPES.values()]
            _, found = models_json_schema(shapes, ref_template=_REF)  # type: ignore[arg-type]
            for name, schema in found.get("$defs", {}).items():
                schemas.setdefault(name, schema)  # a model FastAPI named already is the same
        return document

    app.openapi = openapi  # type: ignore[method-assign]
