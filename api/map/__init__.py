"""The pages people open in a browser: the home page, the map, and the API docs, every
script and style served from the package (no CDN)."""

from api.map.routes import install_map

__all__ = ["install_map"]
