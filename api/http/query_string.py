"""Blank query parameters on reads mean "not given".

A search form sends every field, filled or not (`?q=&active_on=&sort=`). Most filters
already read a blank as absent, but typed ones (dates, enumerations) answered 422, so a form
failed only on the fields its user left empty. Dropping blank pairs from GET and HEAD requests
before routing gives every parameter the same rule. Writes keep their query as sent: there an
empty `dry_run=` is a mistake worth reporting.

The pairs are read and written by `urllib.parse` (what Starlette's `QueryParams` uses), so a
blank reads exactly as the routes will read it; a query without blanks passes as sent, byte
for byte, and one with blanks is re-encoded (`,` may come back as `%2C`: the same URL).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

READS = frozenset({"GET", "HEAD"})


def without_blanks(query: bytes) -> bytes:
    """`query` without the pairs whose value is empty or only spaces (a bare `name` too)."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)  # as Starlette reads it
    kept = [(name, value) for name, value in pairs if value.strip()]
    return query if len(kept) == len(pairs) else urlencode(kept).encode("ascii")


class BlankQueryMiddleware:
    """Drops blank query parameters from reads.

    Args:
        app: The ASGI application to wrap.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in READS and scope.get("query_string"):
            scope = {**scope, "query_string": without_blanks(scope["query_string"])}
        await self.app(scope, receive, send)
