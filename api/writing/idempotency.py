"""Idempotency-Key: the first answer to a key is stored beside the work it did, in the same
transaction, and a retry of the same request with the same key gets that answer again
instead of doing the work twice (a lost connection cannot duplicate a record or an import).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any, Final

from fastapi import Header
from sqlalchemy import delete, exc
from sqlmodel import Session

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
