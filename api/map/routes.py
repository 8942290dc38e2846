"""`/` (HTML for browsers, JSON links otherwise), `/map`, and `/docs` and `/redoc` on
locally served Swagger UI and ReDoc.

Leaflet comes from the `xstatic-leaflet` wheel and Swagger UI and ReDoc from the
`fastapi-offline` wheel, so the pages work on a network that reaches nothing but this
service.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastapi_offline
import xstatic.pkg.leaflet
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from models.typology.vocabulary import DIMENSIONS, VOCABULARIES

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
LEAFLET_ASSETS = Path(xstatic.pkg.leaflet.BASE_DIR)
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)
LINKS = (
    ("map", "/map", "Map of NEET early interventions by local authority"),
    ("service-doc", "/docs", "API documentation (Swagger UI)"),
    ("service-desc", "/openapi.json", "OpenAPI definition"),
    ("data", "/ogc", "OGC API landing page (features and vector tiles)"),
    ("tiles", "/ogc/tiles", "Vector tiles (OGC API - Tiles, TileJSON)"),
    ("submit", "/submit", "Submit your local authority's interventions"),
    ("interventions", "/api/v1/interventions", "Interventions (JSON API)"),
)
#: Dimensions offered as map filters, each a labelled select of its vocabulary.
FILTER_DIMENSIONS = DIMENSIONS

router = APIRouter(include_in_schema=False)


def _wants_html(request: Request) -> bool:
    """A browser asks for text/html first; API clients and curl get JSON."""
    accept = request.headers.get("accept", "")
    html = accept.find("text/html")
    js = accept.find("application/json")
    return html >= 0 and (js < 0 or html < js)


@router.get("/")
def read_home(request: Request) -> Response:
    """Where to go from here: the map, the docs, the OGC API, the submission page."""
    if _wants_html(request):
        page = TEMPLATES.TemplateResponse(request, "home.html", {"links": LINKS})
        page.headers["Vary"] = "Accept"
        return page
    body: dict[str, Any] = {
        "title": "neetmap",
        "description": "NEET early interventions in England: what exists, where, and for whom.",
        "links": [
            {"rel": rel, "href": str(request.base_url).rstrip("/") + href, "title": title}
            for rel, href, title in LINKS
        ],
    }
    return JSONResponse(body, headers={"Vary": "Accept"})


@router.get("/map", response_class=HTMLResponse)
def read_map(request: Request) -> Response:
    """The national map: a choropleth of intervention counts with every filter."""
    typology = {
        dimension: [
            {"slug": t.slug, "label": t.label, "description": t.description}
            for t in VOCABULARIES[dimension]
        ]
        for dimension in DIMENSIONS
    }
    return TEMPLATES.TemplateResponse(
        request,
        "map.html",
        {
            "dimensions": FILTER_DIMENSIONS,
            "typology": typology,
            "typology_json": json.dumps(typology),
            "attribution": ATTRIBUTION,
        },
    )


def install_map(app: FastAPI) -> None:
    """The pages, their static files, and the docs on local assets (the app is built with
    `docs_url=None, redoc_url=None`, so these are the only /docs and /redoc)."""
    app.mount("/static/map", StaticFiles(directory=HERE / "static"), name="map-static")
    app.mount("/static/leaflet", StaticFiles(directory=LEAFLET_ASSETS), name="leaflet")
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-static")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def read_swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API documentation",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def read_swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def read_redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url="/static/docs/redoc.standalone.js",
            redoc_favicon_url="/static/docs/favicon.png",
            with_google_fonts=False,
        )

    app.include_router(router)
