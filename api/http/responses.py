"""Response classes: GeoJSON media type, and bytes serialised once with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response


class GeoJSONResponse(Response):
    """`application/geo+json` (RFC 7946), serialised with orjson."""

    media_type = "application/geo+json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)
