"""Protection of the service from its traffic: rate limits and browser security headers,
installed by `install_protection`."""

from __future__ import annotations

from fastapi import FastAPI

from api.protection.headers import SecurityHeadersMiddleware
from api.protection.rate_limits import RateLimitMiddleware
from api.settings import Settings

__all__ = ["install_protection"]


def install_protection(app: FastAPI, settings: Settings) -> None:
    """Call before the other middleware in `create_app`, so these layers sit inside CORS: a
    429 then carries the CORS headers and `Retry-After` is readable from a browser."""
    if settings.rate_limits:
        app.add_middleware(
            RateLimitMiddleware,
            writes=settings.rate_limit_writes,
            reads=settings.rate_limit_reads,
            storage=settings.rate_limit_storage,
        )
    app.add_middleware(SecurityHeadersMiddleware)
