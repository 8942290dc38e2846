"""The conformance classes `/ogc/conformance` lists: exactly those the tests exercise.

A module-level tuple so other OGC building blocks (vector tiles) extend it when they are
mounted beside these routes: `CONFORMANCE += (...)` before the app is built, or list
`CONFORMANCE + TILES_CONFORMANCE` in their own answer.
"""

from __future__ import annotations

_FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
_FILTER = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
_CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"

CONFORMANCE: tuple[str, ...] = (
    _FEATURES + "core",
    _FEATURES + "geojson",
    _FEATURES + "html",
    _FEATURES + "oas30",
    _FILTER + "queryables",
    _FILTER + "filter",
    _FILTER + "features-filter",
    _CQL2 + "cql2-text",
    _CQL2 + "cql2-json",
    _CQL2 + "basic-cql2",
    _CQL2 + "advanced-comparison-operators",
    _CQL2 + "basic-spatial-functions",
    _CQL2 + "basic-spatial-functions-plus",
    _CQL2 + "array-functions",
)
