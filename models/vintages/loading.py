"""Replace the stored LA and region boundaries with a new vintage, inside the caller's transaction.

Everything that can fail on bad input (reading files, repairing geometries, placing LAs in
regions, dissolving regions, a file covering only part of England) runs before the first
statement, so a bad file leaves the loaded boundaries untouched. Interventions never lose an
area: links to codes the new vintage no longer has are moved to their successors, with a
version in each record's history, before the old areas go (models.vintages.links).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from geodata.completeness import check_complete
from geodata.dfe_codes import load_dfe_la_codes
from geodata.errors import BoundaryFileError
from geodata.geometry import bounds_of, simplify_coverage
from geodata.io import dissolve_regions, read_la_boundaries, read_region_boundaries
from geodata.regions import (
    ENGLISH_REGIONS,
    RegionError,
    assign_regions_spatially,
    read_dfe_regions,
    regions_of_las,
)
from models.base import utcnow
from models.geography.area import LEVEL_LA, LEVEL_REGION, Area
from models.geography.boundary import BoundaryLoad, DfeLACode
from models.vintages.links import retire_stale_areas

SIMPLIFY_TOLERANCE_DEG: Final = 0.002
"""About 150 m: invisible at the zoom levels where whole LAs are drawn. The one tolerance of the
`geom_simplified` column, which every simplified geometry the API serves is read from."""
REGIONS_FROM_FILE: Final = "file"
REGIONS_DISSOLVED: Final = "dissolved"
VINTAGE_MAX_LENGTH: Final = 20  # boundary_load.vintage and area.vintage


@dataclass(frozen=True)
class BoundaryInputs:
    """The files of one load, read and validated; nothing here has touched the database."""

    las: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame | None
    dfe_codes: dict[str, str] | None
    dfe_regions: dict[str, str] | None
    source: str

    @property
    def vintage(self) -> str | None:
        vintage: str | None = self.las.attrs.get("vintage")
        return vintage


def read_boundary_inputs(
    path: Path,
    *,
    code_column: str | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    vintage: str | None = None,
    regions: Path | None = None,
    la_codes: Path | None = None,
    source: str | None = None,
) -> BoundaryInputs:
    """Read the LA file, and the regions file and DfE list when given; raise GeodataError.

    `vintage` labels the boundaries (else it is read from the code column or file name);
    `layer` and `crs` are for files that need them (see geodata.io.read_la_boundaries).
    """
    if vintage is not None and not 0 < len(vintage.strip()) <= VINTAGE_MAX_LENGTH:
        raise BoundaryFileError(
            f"A vintage label has 1 to {VINTAGE_MAX_LENGTH} characters, e.g. 2023 or 2023-05."
        )
    las = read_la_boundaries(path, code_column, name_column, layer=layer, crs=crs)
    if vintage is not None:
        las.attrs["vintage"] = vintage.strip()
    region_frame = read_region_boundaries(regions) if regions is not None else None
    dfe_codes = load_dfe_la_codes(la_codes) if la_codes is not None else None
    dfe_regions = read_dfe_regions(la_codes) if la_codes is not None else None
    return BoundaryInputs(las, region_frame, dfe_codes, dfe_regions, source or str(path))


def load_boundary_inputs(
    session: Session, inputs: BoundaryInputs, *, allow_partial: bool = False
) -> BoundaryLoad:
    """`replace_boundaries` with everything read by `read_boundary_inputs`."""
    return replace_boundaries(
        session,
        inputs.las,
        inputs.regions,
        vintage=inputs.vintage,
        source=inputs.source,
        dfe_codes=inputs.dfe_codes,
        dfe_regions=inputs.dfe_regions,
        allow_partial=allow_partial,
    )


@dataclass(frozen=True)
class _Plan:
    """Rows to write, computed in memory first."""

    rows: list[dict[str, Any]]
    la_names: dict[str, str]
    region_count: int
    regions_from: str


def _area_row(
    code: str, name: str, geom: BaseGeometry, simplified: BaseGeometry, **fixed: Any
) -> dict[str, Any]:
    """One Area row; `fixed` holds the columns shared by a level (level, type, vintage...)."""
    min_lon, min_lat, max_lon, max_lat = bounds_of(geom)
    bbox = {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}
    return {
        "code": code,
        "name": name or code,
        "geom": geom,
        "geom_simplified": simplified,
        **bbox,
        **fixed,
    }


def _plan(
    las: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame | None,
    vintage: str | None,
    dfe_regions: Mapping[str, str] | None,
) -> _Plan:
    """Validate and compute every row; raises GeodataError before any database work."""
    if len(las) == 0:
        raise BoundaryFileError("There are no LA boundaries to load.")
    if regions is not None and len(regions) == 0:
        raise BoundaryFileError("The regions file has no English regions.")
    codes = [str(code) for code in las["code"]]
    spatial = assign_regions_spatially(las, regions) if regions is not None else None
    region_of = regions_of_las(codes, spatial=spatial, listed=dfe_regions)
    if regions is None:
        named = {la: (r, ENGLISH_REGIONS.get(r, r)) for la, r in region_of.items()}
        regions = dissolve_regions(las, named)
        regions_from, region_vintage = REGIONS_DISSOLVED, vintage
    else:
        absent = sorted(set(region_of.values()) - set(regions["code"]))
        if absent:
            raise RegionError(
                f"Some LAs lie in regions the regions file lacks: {', '.join(absent)}."
            )
        regions_from, region_vintage = REGIONS_FROM_FILE, regions.attrs.get("vintage") or vintage
    now = utcnow()
    la_fixed = {"level": LEVEL_LA, "vintage": vintage, "updated_at": now}
    # LAs tile England, and so do regions: each level is simplified as one coverage.
    la_geoms, region_geoms = list(las.geometry), list(regions.geometry)
    la_simple = simplify_coverage(la_geoms, SIMPLIFY_TOLERANCE_DEG)
    region_simple = simplify_coverage(region_geoms, SIMPLIFY_TOLERANCE_DEG)
    rows = [
        _area_row(code, name, geom, simple, type=type_, region_code=region_of[code], **la_fixed)
        for code, name, type_, geom, simple in zip(
            codes, las["name"], las["type"], la_geoms, la_simple, strict=True
        )
    ]
    region_fixed = {"level": LEVEL_REGION, "type": "region", "region_code": None}
    rows += [
        _area_row(code, name, geom, simple, vintage=region_vintage, updated_at=now, **region_fixed)
        for code, name, geom, simple in zip(
            regions["code"], regions["name"], region_geoms, region_simple, strict=True
        )
    ]
    la_names = {row["code"]: row["name"] for row in rows if row["level"] == LEVEL_LA}
    return _Plan(rows, la_names, len(regions), regions_from)


def replace_boundaries(
    session: Session,
    las: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame | None = None,
    *,
    vintage: str | None,
    source: str,
    dfe_codes: Mapping[str, str] | None = None,
    dfe_regions: Mapping[str, str] | None = None,
    allow_partial: bool = False,
) -> BoundaryLoad:
    """Store `las` (from geodata.io) and regions as the current boundaries; the caller commits.

    Regions come from `regions` when given, else from dissolving the LAs; LAs are placed in
    regions by geodata.regions' precedence (regions file, then DfE list, then its table).
    `dfe_codes` replaces the stored DfE codes; without it the stored ones stay. Unless
    `allow_partial`, LAs that cover only part of England raise PartialBoundariesError.
    Returns the new BoundaryLoad, whose id is the boundary version.
    """
    if not allow_partial:
        new = dict(zip(las["code"], las["name"], strict=True))
        check_complete(_loaded_las(session), new, source="The boundary file")
    plan = _plan(las, regions, vintage, dfe_regions)
    session.flush()  # pending rows (e.g. bare areas from the seed) must be visible below
    _upsert_areas(session, plan.rows)
    retire_stale_areas(session, plan.la_names, {row["code"] for row in plan.rows})
    if dfe_codes is not None:
        session.exec(delete(DfeLACode))
        if dfe_codes:
            rows = [{"code": code, "gss_code": gss} for code, gss in sorted(dfe_codes.items())]
            session.exec(insert(DfeLACode), params=rows)
    session.expire_all()  # the bulk statements bypassed any objects the caller holds
    load = BoundaryLoad(
        vintage=vintage,
        source=source[:500],
        la_count=len(plan.la_names),
        region_count=plan.region_count,
        regions_from=plan.regions_from,
    )
    session.add(load)
    session.flush()
    return load


def _loaded_las(session: Session) -> dict[str, str]:
    """Code -> name of the LAs with boundaries now (not the bare rows of unknown codes)."""
    query = select(Area.code, Area.name).where(
        col(Area.level) == LEVEL_LA, col(Area.geom).is_not(None)
    )
    return dict(session.exec(query).all())


def _upsert_areas(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new codes and update known ones, each as one executemany (portable upsert)."""
    codes = [row["code"] for row in rows]
    known = set(session.exec(select(Area.code).where(col(Area.code).in_(codes))).all())
    updates = [row for row in rows if row["code"] in known]
    inserts = [row for row in rows if row["code"] not in known]
    if updates:
        session.exec(update(Area), params=updates)
    if inserts:
        session.exec(insert(Area), params=inserts)
