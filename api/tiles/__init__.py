"""Vector tiles over HTTP: OGC API - Tiles style discovery, TileJSON 3.0.0 and the tiles."""

from api.tiles.discovery import TILES_CONFORMANCE, TILES_LANDING_LINKS
from api.tiles.routes import install_tiles

__all__ = ["TILES_CONFORMANCE", "TILES_LANDING_LINKS", "install_tiles"]
