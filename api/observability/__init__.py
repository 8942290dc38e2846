"""Operations' view of the service: request ids, JSON access logs, Prometheus metrics and the
liveness and readiness probes, installed on an app by `install_observability`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.hotpath.fastlane import FastLane
from api.observability.logs import AccessLine, access_logger, silence_uvicorn_access
from api.observability.metrics import CountingFacetCache, CountingRenderedLayers, Metrics
from api.observability.middleware import ObservabilityMiddleware, RouteRecorder, RouteTemplates
from api.observability.probes import router as probes_router
from api.settings import Settings

__all__ = ["install_observability"]


def install_observability(app: FastAPI, settings: Settings) -> None:
    """Call last in `create_app`, so the middleware is the outermost layer (it then times and
    logs everything, 304s and HEADs included, and sees the final status)."""
    metrics = Metrics()
    app.state.metrics = metrics
    # Wrapped, not replaced: the caches keep whatever the app built them with.
    app.state.rendered_layers = CountingRenderedLayers(app.state.rendered_layers, metrics)
    app.state.facet_cache = CountingFacetCache(app.state.facet_cache, metrics)
    app.include_router(probes_router)
    app.add_route("/metrics", metrics.endpoint(), methods=["GET"], include_in_schema=False)
    templates = RouteTemplates()
    app.router.middleware_stack = RouteRecorder(
        app.router.middleware_stack, app.router.routes, templates
    )
    logger = AccessLine(access_logger()) if settings.access_log else None
    # Repeated reads answered from memory leave from here at once (`api.hotpath.fastlane`).
    lane = app.state.fast_lane = FastLane(app.state.versions)
    app.add_middleware(
        ObservabilityMiddleware, metrics=metrics, logger=logger, templates=templates, lane=lane
    )
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        async with inner(started):
            metrics.watch_pool(started.state.engine, "primary")
            read_engine = getattr(started.state, "read_engine", None)
            if read_engine is not None and read_engine is not started.state.engine:
                metrics.watch_pool(read_engine, "replica")
            if settings.access_log:
                silence_uvicorn_access()
            yield

    app.router.lifespan_context = lifespan
