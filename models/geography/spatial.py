"""Point-in-LA and bbox lookups: in PostGIS when the database has it, else the in-memory index.

Both paths answer the same question with the same rule (a point on a boundary belongs to
every area it touches), so results do not depend on the backend.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from geodata.crs import SRID_WGS84
from models.geography.catalogue import AreaCatalogue

BBox = tuple[float, float, float, float]

_POINT_SQL = text(
    "SELECT code FROM area WHERE level = :level AND geom IS NOT NULL "
    f"AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID_WGS84})) ORDER BY code"
)
# Not ST_MakeEnvelope: with equal corners it makes a zero-area polygon that intersects
# nothing. The envelope of the diagonal is a point, a line or a box, as geodata.bbox_geometry.
_BBOX_SQL = text(
    "SELECT code FROM area WHERE level = 'la' AND geom IS NOT NULL "
    "AND ST_Intersects(geom, ST_SetSRID(ST_Envelope(ST_MakeLine("
    f"ST_MakePoint(:minlon, :minlat), ST_MakePoint(:maxlon, :maxlat))), {SRID_WGS84})) "
    "ORDER BY code"
)


def _in_postgis(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def las_containing(session: Session, catalogue: AreaCatalogue, lon: float, lat: float) -> list[str]:
    """Codes of the LAs containing a WGS84 point."""
    if _in_postgis(session):
        rows = session.connection().execute(_POINT_SQL, {"level": "la", "lon": lon, "lat": lat})
        return [row[0] for row in rows]
    return catalogue.la_index.containing(lon, lat)


def regions_containing(
    session: Session, catalogue: AreaCatalogue, lon: float, lat: float
) -> list[str]:
    """Codes of the regions containing a WGS84 point."""
    if _in_postgis(session):
        rows = session.connection().execute(_POINT_SQL, {"level": "region", "lon": lon, "lat": lat})
        return [row[0] for row in rows]
    return catalogue.region_index.containing(lon, lat)


def las_intersecting(session: Session, catalogue: AreaCatalogue, bbox: BBox) -> list[str]:
    """Codes of the LAs sharing a point with a WGS84 box (minlon, minlat, maxlon, maxlat)."""
    if _in_postgis(session):
        minlon, minlat, maxlon, maxlat = bbox
        params = {"minlon": minlon, "minlat": minlat, "maxlon": maxlon, "maxlat": maxlat}
        return [row[0] for row in session.connection().execute(_BBOX_SQL, params)]
    return catalogue.la_index.intersecting(*bbox)
