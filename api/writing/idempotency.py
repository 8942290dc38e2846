"""Idempotency-Key: the first answer to a key is stored beside the work it did, in the same
transaction, and a retry of the same request with the same key gets that answer again
instead of doing the work twice (a lost connection cannot duplicate a record or an import).

`If-None-Match: *` on a create (RFC 9110 section 13.1.2: act only if the target has no
current representation) is where the key names the target: a POST to a collection makes a
new resource each time, so with no key `*` always holds, while with a key whose request
already created something, that something exists and the create answers 412 instead of
replaying the first answer, for a client that must know whether this request created it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any, Final

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy import delete, exc
from sqlmodel import Session

from api.http.error_shape import ErrorDetail, ErrorResponse, error_response
from api.writing.auth import Caller
from models.base import table_of, utcnow
from models.errors import FieldProblem, InvalidInputError
from models.partners.accounts import IdempotencyRecord


def request_hash(*parts: str | bytes) -> str:
    """A fingerprint of a request, to tell a retry from a different request with the same key."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=200,
        description="Any unique string; a retry with the same key and body returns the first "
        "answer instead of creating a duplicate.",
    ),
]

IfNoneMatch = Annotated[
    str | None,
    Header(
        max_length=200,
        description="`*`: create only if this request's target does not exist yet. With an "
        "`Idempotency-Key` whose request already created something, that is a 412 (its "
        "`Location` in the answer) instead of a replay of the first answer; without a key a "
        "POST always creates a new resource, so `*` always holds. Other values are ignored.",
    ),
]

#: The 412 of a create sent with `If-None-Match: *`, for `responses=`.
CREATED_ALREADY: Final[dict[str, Any]] = {
    "model": ErrorResponse,
    "description": "If-None-Match: * and this Idempotency-Key already created what it asks for "
    "(its Location in the answer)",
}

#: How long the first answer to an Idempotency-Key is kept and replayed.
IDEMPOTENCY_HOURS: Final = 24


def find_replay(
    session: Session, caller: Caller, idempotency_key: str, fingerprint: str
) -> IdempotencyRecord | None:
    """The stored first answer to this key, or None; 422 if the key came with another request.

    Answers are kept for IDEMPOTENCY_HOURS, long enough for any retry: after that the same
    key is a new request (an officer importing the same file again next week means it), and
    this key's older answers are deleted, so the table stays small.
    """
    table = table_of(IdempotencyRecord)
    session.exec(
        delete(table).where(
            table.c.key_id == caller.key.id,
            table.c.created_at < utcnow() - timedelta(hours=IDEMPOTENCY_HOURS),
        )
    )
    stored = session.get(IdempotencyRecord, (caller.key.id, idempotency_key))
    if stored is not None and stored.request_hash != fingerprint:
        raise InvalidInputError(
            "This Idempotency-Key was already used for a different request; use a new key.",
            [
                FieldProblem(
                    "Idempotency-Key",
                    "was already used with a different request body",
                    location="header",
                )
            ],
        )
    return stored


def remember(
    session: Session,
    caller: Caller,
    idempotency_key: str,
    fingerprint: str,
    status_code: int,
    body: dict[str, Any],
    headers: dict[str, str],
) -> bool:
    """Store the answer beside the work, in the same transaction; False if a twin got there first."""
    try:
        with session.begin_nested():
            session.add(
                IdempotencyRecord(
                    key_id=caller.key.id,
                    idempotency_key=idempotency_key,
                    request_hash=fingerprint,
                    status_code=status_code,
                    response=body,
                    headers=headers,
                )
            )
    except exc.IntegrityError:
        return False
    return True


def created_already(if_none_match: str | None, stored: IdempotencyRecord) -> JSONResponse | None:
    """The 412 for `If-None-Match: *` when this key already created something, else None."""
    if if_none_match is None or "*" not in (t.strip() for t in if_none_match.split(",")):
        return None
    location = stored.headers.get("Location")
    where = f" at {location}" if location else ""
    message = (
        f"If-None-Match: * asks to create only what does not exist, and this Idempotency-Key "
        f"already created it{where} (answered {stored.status_code} then); nothing was done."
    )
    detail = ErrorDetail(field="If-None-Match", message=message, location="header")
    response = error_response(412, "precondition_failed", message, [detail])
    for name in ("Location", "ETag"):
        if name in stored.headers:
            response.headers[name] = stored.headers[name]
    return response
