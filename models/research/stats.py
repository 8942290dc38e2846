"""Cross-tabulations of matching interventions by area and typology, zero cells included.

The counting rule is that of `models.research.areas`: an intervention counts once in each LA it
serves, once in each region it serves (however many of its LAs it serves) and once under each
value it carries on a typology dimension. The filter is `InterventionFilter.where()`, as for
the list and the map. The database lists the matching ids; `models.interventions.facets` gives, per value,
the ids carrying it; `models.interventions.crosstab` counts (see there for why).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from models.base import table_of
from models.freshness.caches import FacetCache
from models.interventions.crosstab import Cell, Ids, cross_counts, parse_ids
from models.interventions.facets import FacetReader, id_list, read_facet
from models.interventions.filters import InterventionFilter
from models.interventions.tables import Intervention
from models.typology.vocabulary import DIMENSIONS

GROUP_DIMENSIONS: Final[tuple[str, ...]] = ("la", "region", *DIMENSIONS)


def matching_ids(session: Session, flt: InterventionFilter, facets: FacetReader | None) -> Ids:
    """Ids of the interventions matching the filter, ascending, each once: from the facets
    when the filter's criteria allow, else from the database."""
    found = flt.ids_in_memory(facets)
    if found is not None:
        return found
    intervention = table_of(Intervention)
    statement = select(id_list(session, intervention.c.id)).where(flt.where())
    return np.unique(parse_ids(session.connection().execute(statement).scalar_one()))


def count_cells(
    session: Session,
    flt: InterventionFilter,
    dimensions: Sequence[str],
    cache: FacetCache | None = None,
) -> tuple[dict[Cell, int], int]:
    """Matching interventions per combination of values that occurs, and in all (the total).

    With a `FacetCache` the facets come from it when the data has not changed since.
    """
    unknown = [d for d in dimensions if d not in GROUP_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown group_by dimension {unknown[0]!r}")
    reader = cache.current(session) if cache is not None else None
    matching = matching_ids(session, flt, reader)
    facets = [reader(d) if reader else read_facet(session, d) for d in dimensions]
    return cross_counts(matching, facets), len(matching)


def complete_table(
    counts: Mapping[Cell, int],
    values: Sequence[Sequence[str]],
    keep: Callable[[Cell], bool] | None = None,
) -> list[tuple[Cell, int]]:
    """Every combination of the given values (zero where nothing matched) that `keep`
    accepts, in the values' order.

    Values found in the data but not listed (an LA without boundaries, say) are appended
    rather than dropped, so the cells always add up to what was counted; to leave some out,
    drop them from `counts` first.
    """
    axes: list[list[str]] = []
    for index, listed in enumerate(values):
        seen = dict.fromkeys(listed)
        for cell in counts:
            seen.setdefault(cell[index])
        axes.append(list(seen))
    cells = itertools.product(*axes)
    return [(cell, counts.get(cell, 0)) for cell in cells if keep is None or keep(cell)]
