"""Features of each collection under one request's filters: the same filter object, the same
geometry caches and the same serialisers as `/api/v1/areas` and the GeoJSON list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from sqlmodel import Session

from api.filtering.params import InterventionQuery
from api.ogc.collections import Collection
from api.ogc.params import ItemsParams
from api.schemas.areas import area_properties, feature
from api.schemas.intervention_geojson import features
from api.state import app_state
from models.errors import NotFoundError
from models.geography.catalogue import AreaCatalogue
from models.interventions.cql.evaluate import matches
from models.interventions.cql.parse import parse
from models.interventions.cql.places import area_places, intervention_places
from models.interventions.cql.temporal import running_within
from models.interventions.cql.translate import Translator
from models.interventions.cql.tree import And, Expr
from models.interventions.filters import InterventionFilter
from models.interventions.queries import get_intervention, list_interventions
from models.research.areas import count_by_area

PRECISION = 5


@dataclass(frozen=True)
class Found:
    features: list[dict[str, Any]]
    matched: int
    warnings: tuple[str, ...]


def item_filters(
    session: Session,
    catalogue: AreaCatalogue,
    collection: Collection,
    query: InterventionQuery,
    params: ItemsParams,
) -> tuple[InterventionFilter, Expr | None, tuple[str, ...]]:
    """The interventions' filter (typology, place and `datetime`) and, for the area
    collections, the CQL2 expression on the areas themselves."""
    resolved = query.resolve(session, catalogue)
    dated = None
    if params.interval is not None:
        dated = running_within(params.interval.start, params.interval.end)
    if params.filter is None:
        return resolved.narrowed(expression=dated), None, resolved.warnings
    if collection.level is None:
        translator = Translator(collection.queryables, intervention_places(session, catalogue))
    else:
        translator = Translator(collection.queryables, area_places(catalogue, collection.level))
    expr = translator.expression(parse(params.filter, params.filter_lang))
    if collection.level is not None:
        return resolved.narrowed(expression=dated), expr, resolved.warnings
    combined = expr if dated is None else And((dated, expr))
    return resolved.narrowed(expression=combined), None, resolved.warnings


def area_items(
    request: Request,
    session: Session,
    catalogue: AreaCatalogue,
    collection: Collection,
    filters: tuple[InterventionFilter, Expr | None, tuple[str, ...]],
    page: tuple[int, int],
) -> Found:
    flt, expr, warnings = filters
    level = collection.level or "la"
    counts = count_by_area(session, flt, level, app_state(request.app).facet_cache)
    areas = catalogue.las if level == "la" else catalogue.regions
    rows = [
        area_properties(catalogue, areas[code], counts.get(code, 0))
        for code in catalogue.codes_within(level, flt.place_las())
    ]
    if expr is not None:
        rows = [props for props in rows if matches(expr, props)]
    limit, offset = page
    chosen = rows[offset : offset + limit]
    return Found(
        [_area_feature(request, catalogue, props) for props in chosen], len(rows), warnings
    )


def _area_feature(
    request: Request, catalogue: AreaCatalogue, props: dict[str, Any]
) -> dict[str, Any]:
    cache = app_state(request.app).geometry_cache
    code = props["code"]
    info = catalogue.las.get(code) or catalogue.regions[code]
    return feature(props, cache.fragment(catalogue, code, "full", PRECISION), info.bbox, PRECISION)


def intervention_items(
    request: Request,
    session: Session,
    catalogue: AreaCatalogue,
    filters: tuple[InterventionFilter, Expr | None, tuple[str, ...]],
    page: tuple[int, int],
) -> Found:
    flt, _, warnings = filters
    limit, offset = page
    facets = app_state(request.app).facet_cache.current(session)
    result = list_interventions(session, flt, limit=limit, offset=offset, facets=facets)
    unions = app_state(request.app).union_cache
    return Found(features(result.items, "areas", catalogue, unions), result.total, warnings)


def one_area(
    request: Request, session: Session, catalogue: AreaCatalogue, collection: Collection, code: str
) -> dict[str, Any]:
    areas = catalogue.las if collection.level == "la" else catalogue.regions
    info = areas.get(code)
    if info is None:
        raise NotFoundError(f"There is no feature '{code[:100]}' in {collection.id}.")
    counts = count_by_area(
        session, InterventionFilter(), info.level, app_state(request.app).facet_cache
    )
    return _area_feature(request, catalogue, area_properties(catalogue, info, counts.get(code, 0)))


def one_intervention(
    request: Request, session: Session, catalogue: AreaCatalogue, feature_id: str
) -> dict[str, Any]:
    if not feature_id.isdigit() or not 0 < int(feature_id) < 2**31:
        raise NotFoundError(f"There is no feature '{feature_id[:100]}' in interventions.")
    row = get_intervention(session, int(feature_id), InterventionFilter())
    (found,) = features([row], "areas", catalogue, app_state(request.app).union_cache)
    return found


def dumps(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)
