"""What one request carries through the stack for its log line and metrics: a small mutable
holder put in the ASGI scope, so inner layers that copy the scope still share it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

from starlette.types import Scope

from models.freshness import Versions
from models.partners.accounts import prefix_of

#: The scope key holding the request's `RequestContext`.
SCOPE_KEY: Final = "neetmap.request"
#: A request id a client or proxy may send: short, printable, nothing a log reader could
#: mistake for structure. Anything else is replaced by a generated one.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
_HEX = frozenset("0123456789abcdef")


@dataclass
class RequestContext:
    """Filled in as the request goes: its id at once, the route template once routed, and
    `kept_under` when a layer answered from memory an answer fixed by the request and these
    data versions (`api.hotpath.fastlane` may then keep the final answer), `per_request`
    when a layer must see every such request (a rate limit counting it), so it never is."""

    request_id: str
    key_prefix: str | None
    route: str | None = None
    kept_under: Versions | None = None
    per_request: bool = False


def request_id_from(header: bytes | None) -> str:
    """The caller's `X-Request-ID` when it is a plain token, else a new random one."""
    if header is not None:
        text = header.decode("latin-1")
        if _ACCEPTED_ID.fullmatch(text):
            return text
    return os.urandom(16).hex()  # 128 random bits, as a uuid4, without building one


def key_prefix_from(authorization: bytes | None) -> str | None:
    """The visible prefix (`nmk_1a2b3c4d`) of a bearer key, never the secret: it names the key
    in logs and rate limits without a database lookup. None when no key-shaped token is sent."""
    if authorization is None:
        return None
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    prefix = prefix_of(token.strip())
    if prefix is None or not _HEX.issuperset(prefix[4:]):
        return None
    return prefix


def context_of(scope: Scope) -> RequestContext | None:
    """The request's context, when the observability middleware runs."""
    found: RequestContext | None = scope.get(SCOPE_KEY)
    return found


def client_address(scope: Scope) -> str:
    """The client's address as the server saw it (after trusted proxy headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
