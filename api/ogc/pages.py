"""Rendered OGC pages kept per data version, and a fast path that answers from them.

A GIS client or a map asks the same few URLs over and over; between two published changes
the answer is the same bytes. Once a URL has been answered (after every parameter was
validated and the page rendered), `OGCFastPath` answers it again from the cache without
routing, dependency solving or the thread hops of sync dependencies: only the change stamp
(`models.freshness.stamp.change_stamp`, three primary-key lookups) is read, in one thread
hop and shared by the requests waiting on it (`StampReader`), so a published change still
shows at once. It sits innermost, below the ETag, gzip, CORS and HEAD middlewares, which
treat its answers as any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from anyio import to_thread
from starlette.datastructures import URL, Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.encoding import accepts_gzip
from api.ogc.negotiation import FORMATS, Format, prefers_html
from api.ogc.problems import PREFIX
from api.state import app_state
from models.cache import IN_KEY, VersionedCache
from models.freshness import Versions


@dataclass(frozen=True)
class Page:
    stamp: Versions
    plain: bytes
    gzipped: bytes
    etag: str
    media_type: str
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """The newest rendering of each (URL, format), least recently used first out; each page
    names its stamp, which the fast path compares (`models.cache.IN_KEY`)."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._kept: VersionedCache[tuple[str, str], Page] = VersionedCache(max_entries)

    def get(self, key: tuple[str, str]) -> Page | None:
        return self._kept.peek(IN_KEY, key)

    def put(self, key: tuple[str, str], page: Page) -> None:
        self._kept.replace(IN_KEY, key, page)


def page_format(scope: Scope) -> Format | None:
    """The format the route would choose, or None when `f` is not valid (the route says so)."""
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if name == "f":
            return value.lower() if value.lower() in FORMATS else None
    return "html" if prefers_html(Headers(scope=scope).get("accept", "")) else "json"


async def current_stamp(app: ASGIApp) -> Versions:
    """The worker's data versions (`models.freshness`): from memory when fresh, else read
    once off the event loop. Every `/ogc` page is kept under them."""
    versions = app_state(app).versions
    known = versions.known()
    return known if known is not None else await to_thread.run_sync(versions.current)


class OGCFastPath:
    """Answers a GET of an `/ogc` page already rendered for the current data version."""

    def __init__(self, app: ASGIApp, *, pages: PageCache) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        fmt = page_format(scope)
        page = self.pages.get((str(URL(scope=scope)), fmt)) if fmt else None
        if page is None or "engine" not in app_state(scope["app"]):
            await self.app(scope, receive, send)
            return
        try:
            stamp = await current_stamp(scope["app"])
        except Exception:  # the database is not answering: the route reports it properly
            await self.app(scope, receive, send)
            return
        if stamp != page.stamp:
            await self.app(scope, receive, send)
            return
        gzip = accepts_gzip(Headers(scope=scope).get("accept-encoding"))
        headers = [(k.encode(), v.encode()) for k, v in page.headers]
        headers += [(b"content-type", page.media_type.encode()), (b"etag", page.etag.encode())]
        body = page.gzipped if gzip else page.plain
        if gzip:
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def page_key(url: URL, fmt: Format) -> tuple[str, str]:
    return (str(url), fmt)


def gzip_page(stamp: Versions, body: bytes, media_type: str, headers: dict[str, str]) -> Page:
    """A page rendered once: its body, gzipped at the slowest level (once per version), ETag."""
    import gzip

    from api.http.caching import body_etag

    return Page(
        stamp, body, gzip.compress(body, 9), body_etag(body), media_type, tuple(headers.items())
    )
