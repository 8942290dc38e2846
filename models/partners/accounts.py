"""API keys for partner LAs, moderators and admins, and the idempotency record of their POSTs.

A key is shown once and only its SHA-256 is stored. With 32 random bytes of secret a fast hash
is enough (nothing to brute-force, unlike a password), and the short visible prefix finds the
row so the hash comparison, done in constant time, is against one candidate only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow

Role = Literal["partner", "moderator", "admin"]
ROLES: Final[tuple[Role, ...]] = ("partner", "moderator", "admin")
#: Roles that may read and moderate every record, whatever their LA scope.
MODERATING_ROLES: Final[frozenset[str]] = frozenset({"moderator", "admin"})

KEY_PREFIX: Final = "nmk"
_DUMMY_HASH: Final = hashlib.sha256(b"no such key").hexdigest()


class ApiKey(SQLModel, table=True):
    """One issued key. Never deleted: revoking stamps `revoked_at`, so history keeps its author."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, description="Who holds the key, e.g. 'Leeds NEET team'.")
    role: str = Field(max_length=10, description="partner, moderator or admin.")
    prefix: str = Field(max_length=16, unique=True, description="Visible start of the key.")
    hash: str = Field(max_length=64, description="SHA-256 of the whole key, hex.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiKeyArea(SQLModel, table=True):
    """One LA a partner key may write to. Codes, not foreign keys: boundary reloads replace areas
    and the scope check resolves stored codes to the current ones."""

    __tablename__ = "api_key_area"

    key_id: int = Field(
        sa_column=Column(Integer, ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True)
    )
    area_code: str = Field(sa_column=Column(String(9), primary_key=True))


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed on a retry."""

    __tablename__ = "idempotency_record"

    key_id: int = Field(
        sa_column=Column(Integer, ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True)
    )
    idempotency_key: str = Field(sa_column=Column(String(200), primary_key=True))
    request_hash: str = Field(max_length=64, description="SHA-256 of the request, canonical.")
    status_code: int
    response: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    headers: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh (key, prefix): `nmk_<8 hex>_<43 url-safe chars>`, 32 random bytes of secret."""
    prefix = f"{KEY_PREFIX}_{secrets.token_hex(4)}"
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def prefix_of(key: str) -> str | None:
    """The lookup prefix of a presented key, or None when it is not shaped like one of ours."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8:
        return None
    return f"{parts[0]}_{parts[1]}"


def key_matches(presented: str, stored_hash: str | None) -> bool:
    """Constant-time comparison; with no candidate row it still compares, against a dummy."""
    candidate = hash_key(presented)
    if stored_hash is None:
        hmac.compare_digest(candidate, _DUMMY_HASH)
        return False
    return hmac.compare_digest(candidate, stored_hash)
