"""What a tile says, whichever database draws it: each area's properties under the filter,
and the venues of the matching interventions.

Counts come from the choropleth's own counting (`matching_ids` and `cross_counts`, as in
`count_by_area`), so a tile, `/api/v1/areas` and `/api/v1/stats` cannot disagree; the
geometry is all the encoders add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from models.base import table_of
from models.freshness.caches import FacetCache
from models.geography.area import LEVEL_LA, LEVEL_REGION
from models.geography.catalogue import AreaCatalogue
from models.interventions.crosstab import Ids, cross_counts
from models.interventions.facets import read_facet
from models.interventions.filters import InterventionFilter
from models.interventions.tables import Intervention, Venue
from models.research.stats import matching_ids

Properties = dict[str, Any]


@dataclass(frozen=True, eq=False)
class AreaContent:
    """Properties of the LAs and regions a filter lists, by code, in code order, and the ids
    of the interventions it matches (whose venues the shapely encoder draws)."""

    las: dict[str, Properties]
    regions: dict[str, Properties]
    matching: Ids


def area_content(
    session: Session,
    catalogue: AreaCatalogue,
    flt: InterventionFilter,
    facet_cache: FacetCache | None = None,
) -> AreaContent:
    """Each listed area's properties: as `/api/v1/areas`, only the LAs inside a place filter
    (and their regions) are listed."""
    places = flt.place_las()
    matching, la_counts, region_counts = _counts(session, flt, facet_cache)
    las: dict[str, Properties] = {}
    for code in catalogue.codes_within(LEVEL_LA, places):
        info = catalogue.las[code]
        region = catalogue.region_of(code)
        las[code] = {
            "code": code,
            "name": info.name,
            "region": region.code if region else "",
            "region_name": region.name if region else "",
            "intervention_count": la_counts.get(code, 0),
        }
    regions = {
        code: {
            "code": code,
            "name": catalogue.regions[code].name,
            "intervention_count": region_counts.get(code, 0),
        }
        for code in catalogue.codes_within(LEVEL_REGION, places)
        if code in catalogue.regions
    }
    return AreaContent(las, regions, matching)


def _counts(
    session: Session, flt: InterventionFilter, facet_cache: FacetCache | None
) -> tuple[Ids, dict[str, int], dict[str, int]]:
    """The matching ids, and how many per LA and per region: `count_by_area`'s counting (the
    choropleth's), with the filter evaluated once for both."""
    reader = facet_cache.current(session) if facet_cache is not None else None
    matching = matching_ids(session, flt, reader)
    counts = []
    for dimension in (LEVEL_LA, "region"):
        facet = reader(dimension) if reader else read_facet(session, dimension)
        counts.append({cell[0]: n for cell, n in cross_counts(matching, [facet]).items()})
    return matching, counts[0], counts[1]


def every_venue() -> Select[Any]:
    """Every venue with its intervention's id and name, in venue order: what the shapely
    encoder keeps in memory per data version and picks from by the filter's ids."""
    venue, intervention = table_of(Venue), table_of(Intervention)
    return (
        select(intervention.c.id, intervention.c.name, venue.c.name.label("venue"), venue.c.geom)
        .join(venue, venue.c.intervention_id == intervention.c.id)
        .order_by(venue.c.id)
    )


def venue_rows(flt: InterventionFilter) -> Select[Any]:
    """Every venue of a matching intervention: id, name, venue name and point (`geom`)."""
    venue, intervention = table_of(Venue), table_of(Intervention)
    return (
        select(
            intervention.c.id,
            intervention.c.name,
            venue.c.name.label("venue"),
            venue.c.geom,
        )
        .join(venue, venue.c.intervention_id == intervention.c.id)
        .where(flt.where())
        .order_by(venue.c.id)
    )
