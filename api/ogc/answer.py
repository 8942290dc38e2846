"""Sending a rendered OGC document: JSON or HTML bytes, cached per data version.

The bodies of the collection pages are the same bytes for every client until the public
data or the boundaries change, so, as the map layers are (`api.http.caching.RenderedLayers`),
they are rendered and gzipped once per (change stamp, address, format) and kept in the
`PageCache`, from which `api.ogc.pages.OGCFastPath` answers later requests for them.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from api.http.encoding import accepts_gzip
from api.ogc.html import HTML_MEDIA_TYPE
from api.ogc.negotiation import Format
from api.ogc.pages import gzip_page, page_key
from api.state import app_state
from models.freshness import Versions


def send(
    request: Request,
    fmt: Format,
    media_type: str,
    render: Callable[[], bytes],
    stamp: Versions | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The body, kept for the fast path when `stamp` (the data version it shows) is given."""
    kind = HTML_MEDIA_TYPE if fmt == "html" else media_type
    if stamp is None:
        return Response(render(), media_type=kind, headers=headers)
    pages = app_state(request.app).ogc_pages
    key = page_key(request.url, fmt)
    page = pages.get(key)
    if page is None or page.stamp != stamp:
        page = gzip_page(stamp, render(), kind, headers or {})
        pages.put(key, page)
    extra = dict(page.headers)
    if accepts_gzip(request.headers.get("accept-encoding")):
        extra["Content-Encoding"] = "gzip"
        return Response(page.gzipped, media_type=kind, headers={**extra, "ETag": page.etag})
    return Response(page.plain, media_type=kind, headers={**extra, "ETag": page.etag})
