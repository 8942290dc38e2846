"""The loaded geography in memory: LA and region facts, the code crosswalk and a spatial index.

Every request that names a place needs these, and they change only when boundaries are
reloaded. So each API worker keeps one catalogue per boundary version (the newest
`boundary_load.id`) and rebuilds it when another process loads new boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlmodel import Session, col

from geodata.codes import LACodeRegistry, Resolution
from geodata.index import AreaIndex
from models.geography.area import LEVEL_LA, LEVEL_REGION, Area
from models.geography.boundary import BoundaryLoad, DfeLACode

NO_BOUNDARIES = (
    "No LA boundaries are loaded yet. Run `neetmap boundaries load PATH` "
    "(or `neetmap boundaries download`), or set NEETMAP_BOUNDARIES and restart the service."
)


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    level: str
    type: str
    region_code: str | None
    vintage: str | None
    bbox: tuple[float, float, float, float] | None


@dataclass
class AreaCatalogue:
    """One boundary version's areas: full geometries for the in-memory spatial index and the
    `full` maps, and the simplified ones stored at load for lighter maps and unions."""

    version: int
    las: dict[str, AreaInfo]
    regions: dict[str, AreaInfo]
    dfe_codes: Mapping[str, str]
    geometries: dict[str, BaseGeometry] = field(repr=False)
    simplified: dict[str, BaseGeometry] = field(repr=False)

    @cached_property
    def registry(self) -> LACodeRegistry:
        return LACodeRegistry(
            {code: info.name for code, info in self.las.items()},
            self.dfe_codes or None,
            regions={code: info.name for code, info in self.regions.items()},
        )

    @cached_property
    def la_index(self) -> AreaIndex:
        return AreaIndex(
            (code, self.geometries[code]) for code in self.las if code in self.geometries
        )

    @cached_property
    def region_index(self) -> AreaIndex:
        return AreaIndex(
            (code, self.geometries[code]) for code in self.regions if code in self.geometries
        )

    def resolve_la(self, text: str) -> Resolution:
        return self.registry.resolve(text)

    def resolve_region(self, text: str) -> str:
        return self.registry.resolve_region(text)

    def region_of(self, la_code: str) -> AreaInfo | None:
        region_code = self.las[la_code].region_code if la_code in self.las else None
        return self.regions.get(region_code) if region_code else None

    def las_in_region(self, region_code: str) -> list[str]:
        return sorted(code for code, info in self.las.items() if info.region_code == region_code)

    def codes_within(self, level: str, places: frozenset[str] | None) -> list[str]:
        """The LA (`la`) or region codes a table or layer lists, sorted: all of them, or with
        a place filter (`places`, the LAs it allows) only those LAs and their regions, so the
        map, the cross-tabs and the coverage of one filter list the same areas."""
        las = sorted(self.las if places is None else places & self.las.keys())
        if level == "la":
            return las
        if places is None:
            return sorted(self.regions)
        return sorted({region.code for code in las if (region := self.region_of(code))})


def boundary_version(session: Session) -> int | None:
    """The id of the newest boundary load, or None when no boundaries were ever loaded."""
    value = session.exec(select(func.max(col(BoundaryLoad.id)))).one()  # type: ignore[call-overload]
    return int(value[0]) if value[0] is not None else None


def load_catalogue(session: Session, version: int) -> AreaCatalogue:
    """Read every area and DfE code once."""
    las: dict[str, AreaInfo] = {}
    regions: dict[str, AreaInfo] = {}
    geometries: dict[str, BaseGeometry] = {}
    simplified: dict[str, BaseGeometry] = {}
    for area in session.exec(select(Area)).scalars():  # type: ignore[call-overload]
        if area.geom is None:
            continue
        bbox = (
            (area.min_lon, area.min_lat, area.max_lon, area.max_lat)
            if area.min_lon is not None
            else None
        )
        info = AreaInfo(
            area.code, area.name, area.level, area.type, area.region_code, area.vintage, bbox
        )
        target = regions if area.level == LEVEL_REGION else las if area.level == LEVEL_LA else None
        if target is not None:
            target[area.code] = info
            geometries[area.code] = area.geom
            simplified[area.code] = area.geom_simplified or area.geom
    dfe = {row.code: row.gss_code for row in session.exec(select(DfeLACode)).scalars()}  # type: ignore[call-overload]
    return AreaCatalogue(
        version=version,
        las=las,
        regions=regions,
        dfe_codes=dfe,
        geometries=geometries,
        simplified=simplified,
    )
