"""What a worker keeps for the application's life, typed: engines, settings, data versions and
the per-version caches (`models.cache.VersionedCache` inside each).

Starlette's `app.state` takes any attribute and types none, so a misspelt cache name was a
500 found at run time. `create_app` installs an `AppState` as `app.state`; code reads it
through `app_state(app)`, which mypy checks. Every cache here keys its entries by the data
versions (`models.freshness`), so none needs telling when data changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import State

if TYPE_CHECKING:  # type-only: the rooms below import this module, not the reverse
    from sqlalchemy import Engine
    from starlette.types import ASGIApp

    from api.hotpath.fastlane import FastLane
    from api.hotpath.replay import ReplayStore
    from api.http.caching import RenderedLayers
    from api.ogc.pages import PageCache
    from api.oruk.harvest import FeedLimits
    from api.schemas.areas import GeometryCache
    from api.schemas.context import ContextCache
    from api.schemas.intervention_geojson import AreaUnionCache
    from api.settings import Settings
    from models.freshness import DataVersions
    from models.freshness.caches import CatalogueCache, FacetCache
    from models.tiles.render import TileRenderer


class AppState(State):
    """The application's state; set by `create_app` and the `install_*` functions."""

    settings: Settings
    #: Set by the lifespan: the primary's engine, its writing variant and the reads' engine
    #: (the replica's when NEETMAP_READ_DATABASE_URL is set, else the primary's).
    engine: Engine
    write_engine: Engine
    read_engine: Engine
    versions: DataVersions
    catalogue: CatalogueCache
    facet_cache: FacetCache
    context_cache: ContextCache
    geometry_cache: GeometryCache
    union_cache: AreaUnionCache
    rendered_layers: RenderedLayers
    replay: ReplayStore
    fast_lane: FastLane
    ogc_pages: PageCache
    #: Set by `api.tiles.install_tiles`: the worker's tile state and its rendered tiles.
    tile_renderer: TileRenderer
    rendered_tiles: RenderedLayers
    #: How far an ORUK harvest reads a feed (tests set smaller bounds).
    oruk_feed_limits: FeedLimits


def app_state(app: ASGIApp) -> AppState:
    """The typed state of the app (`request.app`, `scope["app"]`)."""
    state = getattr(app, "state", None)
    if not isinstance(state, AppState):
        raise TypeError("this app was not made by api.main.create_app")
    return state
