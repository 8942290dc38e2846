"""Database failures as answers: busy (503 with Retry-After), a lost write race (409), a
statement stopped at its timeout, or no database at all.

Each says whether sending the same request again will help, so a client can retry only
what is worth retrying.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from api.http.error_shape import error_response

log = logging.getLogger("neetmap.api")


#: SQLSTATE query_canceled: PostgreSQL stopped the statement at `statement_timeout`.
QUERY_CANCELED = "57014"
QUERY_TIMEOUT_MESSAGE = (
    "The query took too long and was stopped. Narrow the filters (a place, a typology value, "
    "fewer words in q), or download every matching record at once from /api/v1/export."
)


#: SQLSTATE lock_not_available: a lock held elsewhere outlasted `lock_timeout`.
LOCK_NOT_AVAILABLE = "55P03"
#: Seconds a client should wait before sending again a request the database was too busy for.
BUSY_RETRY_AFTER_S = 2

#: SQLSTATEs of a write that lost to a simultaneous one: serialization failure, deadlock.
WRITE_RACES = frozenset({"40001", "40P01"})


def _busy() -> JSONResponse:
    """503 `database_busy` with `Retry-After`: nothing was read or stored, and the same request
    sent again in a moment will very likely go through."""
    response = error_response(
        503,
        "database_busy",
        "The database is busy with other work just now, so nothing was read or stored. "
        "Send the same request again in a moment.",
    )
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
    return response


async def on_database(request: Request, exc: Exception) -> JSONResponse:
    """The answer to a database failure, by its kind (logged once, never its text)."""
    if isinstance(exc, PoolTimeoutError):
        # Every pooled connection stayed busy past pool_timeout (a burst, a stall elsewhere):
        # answered at once rather than queueing the request behind the others, with the same
        # shape as a lock held too long, since for the client it is the same fact.
        log.warning("database busy: no pooled connection within pool_timeout")
        return _busy()
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if sqlstate in WRITE_RACES:
        # Rolled back in favour of another writer: nothing stored; sending again will do.
        log.warning("write conflict (%s): %s", sqlstate, exc.__class__.__name__)
        response = error_response(
            409,
            "write_conflict",
            "Another change to the same records was being saved at the same moment, so "
            "nothing of yours was stored. Send the same request again.",
        )
        response.headers["Retry-After"] = "1"
        return response
    if sqlstate == LOCK_NOT_AVAILABLE:
        # A lock held elsewhere: answered within lock_timeout rather than when the client
        # gives up, so the backlog never outlives the stall. Nothing was stored. (Every
        # pooled connection busy past pool_timeout is the same 503, above.)
        log.warning("database busy: %s", exc.__class__.__name__)
        return _busy()
    if sqlstate == QUERY_CANCELED:
        # This request was too heavy: the same again would time out again (no Retry-After).
        log.warning("statement timeout: %s", exc.__class__.__name__)
        message = QUERY_TIMEOUT_MESSAGE
        if request.url.path.startswith("/api/v1/export"):  # the export itself: just narrow
            message = message.split(", or download")[0] + "."
        return error_response(503, "query_timeout", message)
    log.error("database unavailable: %s", exc)
    response = error_response(
        503, "database_unavailable", "The database is not reachable just now; try again shortly."
    )
    response.headers["Retry-After"] = "5"
    return response
