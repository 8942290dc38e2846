"""Areas: upper-tier local authorities and English regions, keyed by their GSS code."""

from datetime import datetime
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow
from models.geography.geometry import Geometry

LEVEL_LA = "la"
LEVEL_REGION = "region"
#: GSS codes of the areas held: upper-tier LAs (E06 unitary, E08 metropolitan, E09 London,
#: E10 county: `geodata.io.LA_TYPES`) and English regions (E12), for the OpenAPI document.
LA_CODE_PATTERN = r"^E(0[689]|10)\d{6}$"
REGION_CODE_PATTERN = r"^E12\d{6}$"


class Area(SQLModel, table=True):
    """One LA or region. Geometry is optional: an area may be known by code before boundaries load."""

    __tablename__ = "area"
    __table_args__ = (Index("ix_area_level_region_code", "level", "region_code"),)

    code: str = Field(primary_key=True, max_length=9)
    name: str = Field(max_length=200)
    level: str = Field(max_length=10, description="'la' or 'region'")
    type: str = Field(
        max_length=20, description="unitary, metropolitan, london_borough, county, region"
    )
    region_code: str | None = Field(default=None, max_length=9)
    vintage: str | None = Field(default=None, max_length=20)
    geom: Any = Field(default=None, sa_column=Column(Geometry("MULTIPOLYGON"), nullable=True))
    geom_simplified: Any = Field(
        default=None, sa_column=Column(Geometry("MULTIPOLYGON"), nullable=True)
    )
    min_lon: float | None = None
    min_lat: float | None = None
    max_lon: float | None = None
    max_lat: float | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def geometry(self) -> BaseGeometry | None:
        """The full-detail boundary, typed for callers (the column itself is untyped for SQLModel)."""
        geom: BaseGeometry | None = self.geom
        return geom
