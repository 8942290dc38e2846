"""A small ORUK publisher for harvest tests: a realistic feed built from the profile's own
examples, and the bad feeds a harvester meets (not JSON, not ORUK, too large, slow, looping,
briefly down)."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections import Counter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.oruk.taxonomy import TERM_BY_SLUG
from tests.api.oruk.oruk_schema import ORUK_DIR

PAGE_CAP = 4  # the feed gives at most this many services a page, whatever is asked
LEEDS_HUB = {"latitude": 53.7997, "longitude": -1.5492}


def example_of(schema: dict[str, Any]) -> Any:
    """An instance made of the schema's own `example` values (numbers read as numbers)."""
    if "properties" in schema:
        return {name: example_of(sub) for name, sub in schema["properties"].items()}
    if schema.get("type") == "array":
        return [example_of(schema["items"])]
    value = schema.get("example")
    if schema.get("type") == "number" and value is not None:
        return float(value)
    return value


def _example_service() -> dict[str, Any]:
    schema = json.loads((ORUK_DIR / "schema" / "compiled" / "service.json").read_text())
    example: dict[str, Any] = example_of(schema)
    return example


def _term(taxonomy: str | None, name: str, **extra: Any) -> dict[str, Any]:
    term = {"id": str(uuid.uuid4()), "name": name, "description": name, **extra}
    if taxonomy:
        term["taxonomy"] = taxonomy
    return {"id": str(uuid.uuid4()), "link_type": "service", "taxonomy_term": term}


def _ours(dimension: str, slug: str) -> dict[str, Any]:
    entry = TERM_BY_SLUG[dimension, slug]
    return {"id": str(uuid.uuid4()), "taxonomy_term_id": entry.id, "link_type": "service"}


def service(number: int, name: str | None, **fields: Any) -> dict[str, Any]:
    """The profile's example service, made one of ours: its own id, name, ages and place."""
    item = _example_service()
    item["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"test-feed/{number}"))
    item["name"] = name
    item["url"] = f"https://example.org/services/{number}"
    item["minimum_age"], item["maximum_age"] = 14.0, 19.0
    item["organization"]["name"] = "Leeds Youth Partnership"
    item["service_at_locations"][0]["location"].update(LEEDS_HUB)
    item["attributes"], item["funding"] = [], []
    item.update(fields)
    return item


def realistic_services() -> list[dict[str, Any]]:
    """Nine services over three pages: matched terms of every kind, unmatched ones, a
    malformed service."""
    example_funding = _example_service()["funding"][0]
    return [
        service(
            1,
            "Leeds Pathways mentoring",
            attributes=[
                _ours("target_group", "neet"),
                _term("Target group", "Care leavers"),
                _term("esd service types", "Mentoring"),
                _term("Open Eligibility", "Food bank"),
            ],
            funding=[
                {"id": str(uuid.uuid4()), "source": "UK Shared Prosperity Fund"},
                example_funding,
            ],
        ),
        service(
            2,
            "Year 11 summer transition",
            status="defunct",
            attributes=[_term(None, "Year 11 to post-16"), _term(None, "mental health")],
        ),
        *(
            service(n, f"Leeds service {n}", attributes=[_ours("intervention_type", "outreach")])
            for n in range(3, 8)
        ),
        service(8, None, url="not a web address", maximum_age=100.0),
        service(9, "Unknown taxonomy only", attributes=[_term("Open Eligibility", "Legal aid")]),
    ]


def one_to_one(item: dict[str, Any]) -> dict[str, Any]:
    """The list shape: no arrays (the harvester must ask for each full service)."""
    return {k: v for k, v in item.items() if not isinstance(v, list)}


def _page(services: list[dict[str, Any]], request: Request, *, loop: bool = False) -> JSONResponse:
    page = int(request.query_params.get("page", "1"))
    per_page = min(int(request.query_params.get("per_page", "10")), PAGE_CAP)
    total_pages = -(-len(services) // per_page)
    chosen = services[:per_page] if loop else services[(page - 1) * per_page : page * per_page]
    return JSONResponse(
        {
            "total_items": len(services),
            "total_pages": 50 if loop else total_pages,
            "page_number": page,
            "size": len(chosen),
            "first_page": page == 1,
            "last_page": False if loop else page >= total_pages,
            "empty": not services,
            "contents": [one_to_one(s) for s in chosen],
        }
    )


class Publisher:
    """The feed's state: tests change a service upstream and count requests."""

    def __init__(self, services: list[dict[str, Any]]) -> None:
        self.services = copy.deepcopy(services)
        self.hits: Counter[str] = Counter()
        self.app = Starlette(routes=self._routes())

    def _routes(self) -> list[Route]:
        async def listing(request: Request) -> Response:
            self.hits["list"] += 1
            return _page(self.services, request)

        async def detail(request: Request) -> Response:
            self.hits["detail"] += 1
            wanted = request.path_params["id"]
            found = [s for s in self.services if s["id"] == wanted]
            return JSONResponse(found[0]) if found else JSONResponse({"detail": "no"}, 404)

        async def not_json(_: Request) -> Response:
            return HTMLResponse("<html><body>Service directory</body></html>")

        async def not_oruk(_: Request) -> Response:
            return JSONResponse({"services": [{"id": "1"}]})

        async def too_large(_: Request) -> Response:
            return Response(
                b'{"contents": [' + b" " * 300_000 + b"]}", media_type="application/json"
            )

        async def too_large_streamed(_: Request) -> Response:
            async def chunks() -> Any:
                yield b'{"contents": ['
                for _ in range(100):
                    yield b" " * 10_000
                yield b"]}"

            return StreamingResponse(chunks(), media_type="application/json")

        async def slow(request: Request) -> Response:
            await asyncio.sleep(4)  # past the tests' 1 s read timeout, every try
            return _page(self.services, request)

        async def looping(request: Request) -> Response:
            return _page(self.services, request, loop=True)

        async def flaky(request: Request) -> Response:
            self.hits["flaky"] += 1
            if self.hits["flaky"] <= 2:
                return JSONResponse({"detail": "busy"}, 503)
            return _page(self.services, request)

        return [
            Route("/feed/services", listing),
            Route("/feed/services/{id}", detail),
            Route("/flaky/services", flaky),
            Route("/flaky/services/{id}", detail),
            Route("/notjson/services", not_json),
            Route("/notoruk/services", not_oruk),
            Route("/huge/services", too_large),
            Route("/streamed/services", too_large_streamed),
            Route("/slow/services", slow),
            Route("/loop/services", looping),
        ]
