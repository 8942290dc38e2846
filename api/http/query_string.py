"""Blank query parameters on reads mean "not given".

A search form sends every field, filled or not (`?q=&active_on=&sort=`). Most filters
already read a blank as absent, but typed ones (dates, enumerations) answered 422, so a form
failed only on the fields its user left empty. Dropping blank pairs from GET and HEAD requests
before routing gives every parameter the same rule. Writes keep their query as sent: there an
empty `dry_run=` is a mistake worth reporting.

Our own split rather than `urllib.parse.parse_qsl`: the library reads a bare `?name` as
`name=` (so OGC's refusal of an unknown `?foo` would be lost) and re-encodes what it keeps,
changing the bytes of queries the replay and the fast lane key their answers by.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Receive, Scope, Send

READS = frozenset({"GET", "HEAD"})


def may_have_blanks(query: bytes) -> bool:
    """False when no pair can be blank or empty (the usual query), checked without splitting:
    a blank value starts right after `=` with `&`, the end, `+`, `%` (an encoded space) or
    white space sent as it is."""
    return (
        query.endswith((b"=", b"&"))
        or query.startswith(b"&")
        or any(mark in query for mark in (b"=&", b"&&", b"=+", b"=%", b"= ", b"=\t"))
    )


def without_blanks(query: bytes) -> bytes:
    """`query` with every `name=` pair whose value is empty or only spaces removed."""
    kept = [
        pair
        for pair in query.split(b"&")
        if pair
        and (b"=" not in pair or unquote_plus(pair.partition(b"=")[2].decode("latin-1")).strip())
    ]
    return b"&".join(kept)


class BlankQueryMiddleware:
    """Drops blank query parameters from reads.

    Args:
        app: The ASGI application to wrap.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in READS
            and may_have_blanks(query := scope.get("query_string", b""))
        ):
            scope = {**scope, "query_string": without_blanks(query)}
        await self.app(scope, receive, send)
