"""Place filters as LA code sets: `la` lists, regions, a bounding box and a point; and the
one area a path names (`area_named`).

Each place criterion becomes one tuple of current LA codes; `InterventionFilter` keeps the
records serving at least one LA of every tuple. Problems are collected, not raised, so a
request hears about every bad value at once.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.errors import query_problem
from geodata.errors import GeodataError
from geodata.la_lists import read_la_list
from models.errors import AmbiguousAreaError, FieldProblem, NotFoundError
from models.geography.catalogue import AreaCatalogue, AreaInfo
from models.geography.spatial import las_containing, las_intersecting


def la_codes(
    items: list[str],
    catalogue: AreaCatalogue,
    problems: list[FieldProblem],
    warnings: list[str],
) -> tuple[str, ...]:
    """Every LA named by the `la` values, in order, each once."""
    codes: list[str] = []
    for item in items:
        for found in read_la_list(item, catalogue.resolve_la):
            if isinstance(found, GeodataError):
                problems.append(query_problem("la", found.message))
                continue
            codes.extend(found.codes)
            if found.warning:
                warnings.append(found.warning)
    return tuple(dict.fromkeys(codes))


def region_codes(
    items: list[str], catalogue: AreaCatalogue, problems: list[FieldProblem]
) -> tuple[str, ...]:
    """The regions named by the `region` values, in order, each once."""
    codes: list[str] = []
    for text in items:
        try:
            codes.append(catalogue.resolve_region(text))
        except GeodataError as exc:
            problems.append(query_problem("region", exc.message))
    return tuple(dict.fromkeys(codes))


def region_las(regions: tuple[str, ...], catalogue: AreaCatalogue) -> tuple[str, ...]:
    """Every LA of the regions."""
    return tuple(
        dict.fromkeys(code for region in regions for code in catalogue.las_in_region(region))
    )


def bbox_las(
    session: Session,
    catalogue: AreaCatalogue,
    raw: str,
    problems: list[FieldProblem],
    warnings: list[str],
) -> tuple[str, ...]:
    """The LAs touching the box; a box that touches none matches nothing, with a warning."""
    try:
        box = parse_bbox(raw)
    except ValueError as exc:
        problems.append(query_problem("bbox", str(exc)))
        return ()
    codes = tuple(las_intersecting(session, catalogue, box))
    if not codes:
        warnings.append(
            f"The bbox {raw} touches no English local authority, so no intervention matches."
        )
    return codes


def point_las(
    session: Session,
    catalogue: AreaCatalogue,
    lat: float,
    lon: float,
    warnings: list[str],
) -> tuple[str, ...]:
    """The LA at the point; a point outside England matches nothing, with a warning."""
    codes = tuple(las_containing(session, catalogue, lon, lat))
    if not codes:
        warnings.append(
            f"The point (lat {lat}, lon {lon}) is not inside any English local authority, "
            "so no intervention matches."
        )
    return codes


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """`minlon,minlat,maxlon,maxlat` in WGS84 degrees, corners in order."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
    if not all(abs(v) != float("inf") and v == v for v in (minlon, minlat, maxlon, maxlat)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise ValueError("bbox longitudes must be between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ValueError("bbox latitudes must be between -90 and 90")
    if minlon > maxlon or minlat > maxlat:
        raise ValueError("bbox corners are reversed: give minlon,minlat,maxlon,maxlat")
    return minlon, minlat, maxlon, maxlat


def area_named(catalogue: AreaCatalogue, text: str) -> tuple[AreaInfo, dict[str, Any]]:
    """The LA or region a path names (code, old code, DfE code or name) and how it was read;
    a name now covering several LAs is an AmbiguousAreaError listing them."""
    try:
        region_code = catalogue.resolve_region(text)
    except GeodataError:
        region_code = None
    if region_code and region_code in catalogue.regions:
        return catalogue.regions[region_code], {"input": text, "from": "region", "warning": None}
    try:
        resolution = catalogue.resolve_la(text)
    except GeodataError as exc:
        raise NotFoundError(exc.message) from None
    if resolution.ambiguous:
        candidates = [
            f"{code} {catalogue.las[code].name}"
            for code in resolution.codes
            if code in catalogue.las
        ]
        message = f"'{text}' now covers several LAs ({', '.join(candidates)}); ask for one of them."
        raise AmbiguousAreaError(
            f"{message} {resolution.warning or ''}".strip(),
            [FieldProblem("code", candidate) for candidate in candidates],
        )
    return catalogue.las[resolution.codes[0]], {
        "input": text,
        "from": resolution.resolved_from,
        "warning": resolution.warning,
    }
