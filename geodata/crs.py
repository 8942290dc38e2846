"""Named coordinate reference systems, so that code outside the tile rooms spells no EPSG code inline.

The tile rooms (`models.tiles`, `api.tiles`) still name Web Mercator (3857) themselves.
"""

from typing import Final

WGS84: Final = "EPSG:4326"
"""Canonical CRS of every geometry this project stores or serves (lon/lat, RFC 7946)."""

SRID_WGS84: Final = 4326
"""The SRID of `WGS84`, for database geometry columns."""
