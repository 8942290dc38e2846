"""Link objects and the service root as the client addressed it."""

from __future__ import annotations

from fastapi import Request

from api.ogc.problems import PREFIX


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    out = {"href": href, "rel": rel, "type": media_type}
    if title:
        out["title"] = title
    return out


def service_root(request: Request) -> str:
    """Absolute `/ogc` URL for this request's host, scheme and mount point."""
    return str(request.base_url).rstrip("/") + PREFIX
