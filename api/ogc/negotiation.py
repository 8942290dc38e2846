"""JSON or HTML: `f=json|html` first, else the `Accept` header, as OGC API - Features asks.

A browser (which asks for text/html first) gets the readable page; GIS clients, which ask
for GeoJSON or JSON, get that. A wrong `f` is a 400 listing the values there are.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from models.errors import FieldProblem, InvalidInputError

Format = Literal["json", "html"]
FORMATS: tuple[Format, ...] = ("json", "html")
_JSON_TYPES = ("application/json", "application/geo+json", "application/schema+json")


async def chosen_format(
    request: Request,
    f: Annotated[
        str | None,
        Query(description="Response format: `json` (GeoJSON for features) or `html`."),
    ] = None,
) -> Format:
    if f is not None:
        if f.lower() not in FORMATS:
            message = f"'{f}' is not a format of this service; allowed: {', '.join(FORMATS)}"
            raise InvalidInputError(f"f: {message}", [FieldProblem("f", message, location="query")])
        return "html" if f.lower() == "html" else "json"
    return "html" if prefers_html(request.headers.get("accept", "")) else "json"


def prefers_html(accept: str) -> bool:
    """Whether text/html ranks above every JSON type (ties go to the one listed first)."""
    best: tuple[float, int, bool] | None = None
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        media = media.lower()
        if media not in ("text/html", *_JSON_TYPES):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        candidate = (q, -position, media == "text/html")
        if q > 0 and (best is None or candidate[:2] > best[:2]):
            best = candidate
    return bool(best and best[2])


FormatDep = Annotated[Format, Depends(chosen_format)]
