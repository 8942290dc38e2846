"""Responses rendered once per data version: body, gzip form and ETag, then handed out.

The gzip form is sent only where `api.http.encoding.GZipMiddleware` would have compressed (a
client accepting gzip, a body of at least `GZIP_MINIMUM` bytes), and the ETag is the one
`api.http.caching` would have computed from the identity bytes, so a cached answer is
byte-for-byte the answer the middleware stack gives an uncached one, at the cost of a lookup.
"""

from __future__ import annotations

import gzip

from fastapi import Request
from starlette.responses import Response

from api.http.caching import body_etag
from api.http.encoding import accepts_gzip

#: The smallest body the gzip middleware compresses (`api.main`).
GZIP_MINIMUM = 1024

Rendered = tuple[bytes, bytes, str]


def prerender(body: bytes) -> Rendered:
    """A body with its gzip form and ETag, computed once (compressed at the slowest level:
    it is paid once per version)."""
    return body, gzip.compress(body, 9), body_etag(body)


def rendered_response(request: Request, rendered: Rendered, media_type: str) -> Response:
    """The plain or gzip form of a rendered body, with its ETag."""
    plain, gzipped, etag = rendered
    if len(plain) >= GZIP_MINIMUM and accepts_gzip(request.headers.get("accept-encoding")):
        return Response(
            gzipped, media_type=media_type, headers={"Content-Encoding": "gzip", "ETag": etag}
        )
    return Response(plain, media_type=media_type, headers={"ETag": etag})
