"""The `/ogc` part of the app's OpenAPI document, as OpenAPI 3.0 (OGC's oas30 class).

FastAPI writes OpenAPI 3.1; the schemas of these routes use only what 3.0 also has, except
`{"type": "null"}` in an `anyOf` (3.0 says `nullable: true`), `examples` lists on schemas
(3.0 has one `example`) and GeoJSON's fixed-length number arrays (positions and bboxes as
`prefixItems`; 3.0 has one `items` schema), which are rewritten here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.ogc.problems import PREFIX

OPENAPI_30_TYPE = "application/vnd.oai.openapi+json;version=3.0"


def openapi_30(app: FastAPI) -> dict[str, Any]:
    full = app.openapi()
    paths = {
        p: item
        for p, item in full.get("paths", {}).items()
        if p == PREFIX or p.startswith(PREFIX + "/")
    }
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {**full["info"], "title": "neetmap OGC API - Features"},
        "servers": [{"url": "/"}],
        "paths": _to_30(paths),
        "components": {"schemas": _to_30(full.get("components", {}).get("schemas", {}))},
    }
    return document


def _to_30(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_30(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            out.pop(key)
            out["nullable"] = True
            if len(rest) == 1:
                out.update(rest[0])
            else:
                out[key] = rest
    if "prefixItems" in out:
        types = {item.get("type") for item in out.pop("prefixItems")}
        out["items"] = {"type": types.pop()} if len(types) == 1 and None not in types else {}
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list) and "schema" not in out and "type" in out:
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    return out
