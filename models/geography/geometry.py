"""The one dialect-aware geometry column: PostGIS `geometry(<type>, 4326)` or WKB on SQLite.

Application code only ever sees shapely geometries. On PostgreSQL values travel as hex EWKB,
which PostGIS accepts as text input and returns by default, so no SQL wrapping is needed; on
SQLite (no SpatiaLite) they are plain WKB blobs and spatial predicates run in memory instead.
Migrations import this type, so it must never be renamed or moved.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

from geodata.crs import SRID_WGS84


class PostGISGeometry(UserDefinedType[Any]):
    """The PostGIS column type itself; only its DDL name matters here."""

    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = SRID_WGS84) -> None:
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **_: Any) -> str:
        return f"geometry({self.geometry_type},{self.srid})"


class Geometry(TypeDecorator[BaseGeometry]):
    """A geometry column of one type and SRID, stored natively where the database can."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = SRID_WGS84) -> None:
        super().__init__()
        self.geometry_type = geometry_type.upper()
        self.srid = srid

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostGISGeometry(self.geometry_type, self.srid))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return shapely.to_wkb(shapely.set_srid(value, self.srid), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:  # noqa: ARG002
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = bytes(value)
        geometry: BaseGeometry = shapely.from_wkb(value)
        return geometry
