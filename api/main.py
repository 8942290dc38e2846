"""The FastAPI application factory. Nothing connects or reads files until the app starts."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from api.errors import install_error_handlers
from api.hotpath.point import PointLookupMiddleware
from api.hotpath.replay import ReplayMiddleware, ReplayStore
from api.http.body_limit import BodyLimitMiddleware
from api.http.caching import ConditionalGetMiddleware, RenderedLayers, VaryMiddleware
from api.http.encoding import GZipMiddleware
from api.http.head_cors import CORSMiddleware, HeadMiddleware
from api.http.openapi_responses import complete_error_responses
from api.http.operation_ids import operation_id
from api.http.query_repeats import ReadRepeatsGuard
from api.http.query_string import BlankQueryMiddleware
from api.map import install_map
from api.observability import install_observability
from api.ogc import install_ogc
from api.oruk import harvest_routes as oruk_harvest_routes
from api.oruk import routes as oruk_routes
from api.oruk.harvest import FeedLimits
from api.protection import install_protection
from api.protection.rate_limits import EXPENSIVE_READS
from api.redirects import PublicRedirectMiddleware
from api.routes import areas, interventions, meta
from api.routes import submissions as submission_routes
from api.routes.exports import router as exports_router
from api.routes.research import router as research_router
from api.schemas.areas import GeometryCache
from api.schemas.context import ContextCache
from api.schemas.examples import add_examples
from api.schemas.geojson import document_shapes
from api.schemas.intervention_geojson import AreaUnionCache
from api.schemas.links import add_links
from api.settings import Settings, get_settings
from api.state import AppState, app_state
from api.submit import pages as submit_pages
from api.submit.cors import WriteCORSMiddleware
from api.tiles import install_tiles
from models.engine import StallBounds, create_db_engine, for_writing, usable_url
from models.freshness import DataVersions
from models.freshness.caches import CatalogueCache, FacetCache

DESCRIPTION = """
**What exists, where, and for whom**: NEET early interventions in England, classified on the
neetmap typology (version 1) and mapped to upper-tier local authorities.

Errors always have the shape `{"error": {"code", "message", "details"}}`.
Data: Open Government Licence v3.0. Contains OS data © Crown copyright and database right.
Source: Office for National Statistics.
"""

_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the engine is created in the lifespan from these settings.

    The database URL is checked here (without connecting), so a driver neetmap does not ship
    stops the start in one sentence rather than in a traceback from the lifespan.
    """
    settings = settings or get_settings()
    usable_url(settings.database_url)
    if settings.read_database_url:
        usable_url(settings.read_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(
            settings.database_url,
            statement_timeout_ms=settings.statement_timeout_ms,
            stall_bounds=StallBounds(
                lock_timeout_ms=settings.lock_timeout_ms,
                pool_timeout_s=settings.pool_timeout_s,
                idle_in_transaction_ms=settings.idle_in_transaction_ms,
            ),
            pool_size=settings.pool_size,
        )
        state = app_state(app)
        state.engine = engine
        state.write_engine = for_writing(engine)
        versions.attach(engine)
        # Public GETs (no key) read from the replica when one is set (api/deps.py).
        read_engine = engine
        if settings.read_database_url:
            read_engine = create_db_engine(
                settings.read_database_url,
                statement_timeout_ms=settings.statement_timeout_ms,
                pool_size=settings.pool_size,
            )
        state.read_engine = read_engine
        try:
            yield
        finally:
            engine.dispose()
            read_engine.dispose()

    app = FastAPI(
        title="neetmap",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        license_info={"name": "Open Government Licence v3.0 (data)"},
        # FastAPI's native OpenTelemetry looks its providers up on every request; neetmap's
        # own metrics and access line (api.observability) are on regardless.
        telemetry=None if settings.opentelemetry else _NO_TELEMETRY,
        docs_url=None,  # /docs and /redoc on local assets: api.map
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    state = app.state = AppState()
    state.settings = settings
    # The data versions every cache is keyed by, known in memory (`models.freshness`).
    versions = state.versions = DataVersions()
    state.catalogue = CatalogueCache(versions)
    state.geometry_cache = GeometryCache()
    state.union_cache = AreaUnionCache()
    state.rendered_layers = RenderedLayers()
    state.replay = ReplayStore()
    state.facet_cache = FacetCache(versions)
    state.context_cache = ContextCache(versions)
    state.oruk_feed_limits = FeedLimits()
    logging.getLogger("neetmap").setLevel(settings.log_level.upper())
    install_error_handlers(app)
    document_shapes(app)  # the GeoJSON responses' schemas
    install_ogc(app)  # after the handlers (it reshapes their answers), before the middleware
    # Innermost first: the read-repeat rule, answers kept per data version replayed before
    # routing, plain point lookups answered from the in-memory index, bounded
    # request bodies, ETags from identity bytes, then gzip (by
    # Accept-Encoding q-values, gzip variants tagged apart), CORS, one clean Vary, blank read
    # parameters dropped, and HEAD run as GET outermost.
    app.add_middleware(ReadRepeatsGuard, routes=app.router.routes, handlers=app.exception_handlers)
    app.add_middleware(ReplayMiddleware, store=state.replay, versions=versions)
    app.add_middleware(PointLookupMiddleware, state=state)
    # Rate limits and security headers just outside the replay, so answers kept in memory
    # get them too, and inside CORS (api/protection).
    install_protection(app, settings)
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_json_bytes,
        limits={"/api/v1/imports": settings.max_upload_bytes},
    )
    app.add_middleware(ConditionalGetMiddleware, max_age=settings.cache_max_age)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=[
            "ETag",
            "Location",
            "Link",
            "X-Total-Count",
            "Content-Disposition",
            "Warning",
            "Retry-After",
            "X-Request-ID",
        ],
        max_age=600,
    )
    app.add_middleware(WriteCORSMiddleware, origins=settings.cors_write_origins)
    app.add_middleware(VaryMiddleware)
    app.add_middleware(BlankQueryMiddleware)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(PublicRedirectMiddleware, public_url=settings.public_url)
    app.include_router(meta.router)
    app.include_router(interventions.router)
    app.include_router(areas.router)
    app.include_router(submission_routes.router)
    app.include_router(research_router)
    app.include_router(exports_router)
    install_tiles(app)
    install_map(app)
    app.include_router(oruk_routes.router)
    app.include_router(oruk_harvest_routes.router)
    app.include_router(submit_pages.router)
    # Last: request ids, access log and metrics outermost; /livez, /readyz, /metrics.
    install_observability(app, settings)
    _document_plumbing_errors(app)
    return app


def _document_plumbing_errors(app: FastAPI) -> None:
    """The OpenAPI document also lists the 4xx the middleware answers (413, 429, ...), and
    carries the response examples of the main reads and the links of the write API."""
    build = app.openapi
    completed: list[dict[str, Any]] = []  # the document as last completed

    def openapi() -> dict[str, Any]:
        document = build()  # rebuilt by FastAPI when routes are added
        if not completed or completed[0] is not document:
            completed[:] = [document]
            complete_error_responses(document, limited_reads=EXPENSIVE_READS)
            add_examples(document)
            add_links(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
