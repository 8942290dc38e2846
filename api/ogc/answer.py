"""Sending a rendered OGC document: JSON or HTML bytes, cached per data version.

The bodies of the collection pages are the same bytes for every client until the public
data or the boundaries change, so, as the map layers do (`api.caching.RenderedLayers`),
they are rendered and gzipped once per (change stamp, address, format) and each request
after costs a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from fastapi import Request
from fastapi.responses import Response

from api.caching import RenderedLayers
from api.encoding import accepts_gzip
from api.ogc.html import HTML_MEDIA_TYPE
from api.ogc.negotiation import Format


def send(
    request: Request,
    fmt: Format,
    media_type: str,
    render: Callable[[], bytes],
    key: Hashable | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The body, from the cache when `key` (the data version it depends on) is given."""
    kind = HTML_MEDIA_TYPE if fmt == "html" else media_type
    if key is None:
        return Response(render(), media_type=kind, headers=headers)
    layers: RenderedLayers = request.app.state.rendered_layers
    full_key = ("ogc", key, str(request.url), fmt)
    plain, gzipped, etag = layers.get_or_render(full_key, render)
    if accepts_gzip(request.headers.get("accept-encoding")):
        extra = {"Content-Encoding": "gzip", "ETag": etag}
        return Response(gzipped, media_type=kind, headers={**(headers or {}), **extra})
    return Response(plain, media_type=kind, headers={**(headers or {}), "ETag": etag})
