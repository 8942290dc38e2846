"""Spatial predicates resolved in memory, exactly, as the bbox and point filters are.

SQLite here has no SpatiaLite, so (as for `bbox` and `lat`/`lon`) a geometry becomes the set
of LAs it touches, found by the catalogue's prepared-polygon index (exact, in shapely), plus
for interventions the ids of those with a venue it touches. The same code runs on PostgreSQL,
so both backends give the same answer.
"""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlmodel import Session

from models.geography.catalogue import AreaCatalogue
from models.interventions.cql.translate import PlaceOf
from models.interventions.cql.tree import Places
from models.interventions.tables import Venue


def area_places(catalogue: AreaCatalogue, level: str) -> PlaceOf:
    """For the LA (`la`) or region collection: the areas the geometry touches."""
    index = catalogue.la_index if level == "la" else catalogue.region_index

    def resolve(geom: BaseGeometry) -> Places:
        return Places(tuple(index.touching(geom)))

    return resolve


def intervention_places(session: Session, catalogue: AreaCatalogue) -> PlaceOf:
    """For interventions: serving an LA the geometry touches, or with a venue it touches."""

    def resolve(geom: BaseGeometry) -> Places:
        minx, miny, maxx, maxy = geom.bounds
        rows = session.exec(select(Venue.intervention_id, Venue.geom)).all()  # type: ignore[call-overload]
        ids = sorted(
            {
                int(intervention_id)
                for intervention_id, point in rows
                if minx <= point.x <= maxx and miny <= point.y <= maxy and geom.intersects(point)
            }
        )
        return Places(tuple(catalogue.la_index.touching(geom)), tuple(ids))

    return resolve
