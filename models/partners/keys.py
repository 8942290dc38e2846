"""Issuing, finding and revoking API keys. Functions flush; the caller commits once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlmodel import Session, col, select

from models.base import utcnow
from models.errors import InvalidInputError, NotFoundError
from models.partners.accounts import (
    ApiKey,
    ApiKeyArea,
    Role,
    hash_key,
    key_matches,
    new_key,
    prefix_of,
)


@dataclass(frozen=True)
class KeyInfo:
    """A key as the API and the CLI see it: never its secret or hash."""

    id: int
    name: str
    role: str
    prefix: str
    la_codes: tuple[str, ...]
    revoked: bool
    #: When a key replaced by `rotate_key` stops working (None: no end set, or already ended).
    expires_at: datetime | None = None


def _info(session: Session, key: ApiKey) -> KeyInfo:
    assert key.id is not None
    statement = (
        select(ApiKeyArea.area_code)
        .where(col(ApiKeyArea.key_id) == key.id)
        .order_by(col(ApiKeyArea.area_code))
    )
    codes = tuple(session.exec(statement).all())
    ended = _ended(key)
    expires = key.revoked_at if key.revoked_at is not None and not ended else None
    return KeyInfo(key.id, key.name, key.role, key.prefix, codes, ended, expires)


def _ended(key: ApiKey) -> bool:
    """Revoked now, or past the end of its rotation overlap (`revoked_at` may be ahead)."""
    return key.revoked_at is not None and key.revoked_at <= utcnow()


def create_key(
    session: Session, name: str, role: Role, la_codes: Sequence[str]
) -> tuple[KeyInfo, str]:
    """A new key and its secret, which is returned here once and stored only as a hash."""
    if not name.strip():
        raise InvalidInputError("A key needs a name saying who holds it.")
    if role == "partner" and not la_codes:
        raise InvalidInputError("A partner key needs at least one LA (or a region).")
    key, prefix = new_key()
    row = ApiKey(name=name.strip(), role=role, prefix=prefix, hash=hash_key(key))
    session.add(row)
    session.flush()
    assert row.id is not None
    codes = sorted(dict.fromkeys(la_codes))
    session.add_all(ApiKeyArea(key_id=row.id, area_code=code) for code in codes)
    session.flush()
    return _info(session, row), key


def list_keys(session: Session) -> list[KeyInfo]:
    """Every key ever issued, oldest first."""
    keys = session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()
    return [_info(session, key) for key in keys]


def revoke_key(session: Session, ref: str) -> KeyInfo:
    """Revoke a key named by id or prefix at once (also one still in a rotation overlap);
    revoking twice keeps the first time."""
    key = _find(session, ref)
    if key.revoked_at is None or not _ended(key):
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
    return _info(session, key)


def authenticate(session: Session, presented: str) -> KeyInfo | None:
    """The active key matching a presented secret, compared in constant time, or None."""
    prefix = prefix_of(presented)
    key = None
    if prefix is not None:
        key = session.exec(select(ApiKey).where(col(ApiKey.prefix) == prefix)).first()
    if not key_matches(presented, key.hash if key is not None else None):
        return None
    assert key is not None
    if _ended(key):
        return None
    return _info(session, key)


def _find(session: Session, ref: str) -> ApiKey:
    where = col(ApiKey.id) == int(ref) if ref.isdigit() else col(ApiKey.prefix) == ref
    key = session.exec(select(ApiKey).where(where)).first()
    if key is None:
        raise NotFoundError(f"There is no API key {ref}; `neetmap keys list` shows them.")
    return key


def rotate_key(session: Session, ref: str, overlap: timedelta) -> tuple[KeyInfo, KeyInfo, str]:
    """A new key with the same holder, role and LAs as key `ref`, which keeps working for
    `overlap` (so its holder can swap keys without an outage) and then stops. Returns the old
    key, the new one and the new secret."""
    old = _find(session, ref)
    if _ended(old):
        raise InvalidInputError(
            f"Key {ref} is revoked: issue a new key with `neetmap keys create`."
        )
    if old.revoked_at is not None:
        raise InvalidInputError(
            f"Key {ref} was already rotated and stops at {old.revoked_at:%Y-%m-%d %H:%M} UTC: "
            "rotate its replacement instead."
        )
    assert old.id is not None
    codes = session.exec(select(ApiKeyArea.area_code).where(col(ApiKeyArea.key_id) == old.id)).all()
    role = cast(Role, old.role)
    new, secret = create_key(session, old.name, role, list(codes))
    old.revoked_at = utcnow() + overlap
    session.add(old)
    session.flush()
    return _info(session, old), new, secret
