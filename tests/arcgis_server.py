"""A local stand-in for an ArcGIS FeatureServer query endpoint, for download tests.

It speaks just enough of the ArcGIS REST API (the layer's metadata, and queries with
returnCountOnly, resultOffset, resultRecordCount, orderByFields, exceededTransferLimit) to
exercise real paging over HTTP.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LAYER_PATH = "/arcgis/rest/services/CTYUA_TEST_BUC/FeatureServer/0"
QUERY_PATH = f"{LAYER_PATH}/query"


@dataclass
class FakeArcGIS:
    """What the fake server serves and how it misbehaves; `requests` logs each query."""

    features: list[dict[str, Any]]
    max_record_count: int = 2000
    fail_first: int = 0
    fail_status: int = 503
    error_body: dict[str, Any] | None = None
    flag_at_top_level: bool = False
    object_id_field: str | None = "FID"
    requests: list[dict[str, str]] = field(default_factory=list)
    query_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one GET, as ArcGIS would send them."""
        with self._lock:
            self.requests.append(params)
            if self.fail_first > 0:
                self.fail_first -= 1
                return self.fail_status, {"message": "Service Unavailable"}
        if path == LAYER_PATH:
            return 200, self._metadata()
        if path != QUERY_PATH:
            return 404, {"message": "Not Found"}
        if self.error_body is not None:
            return 200, self.error_body
        if params.get("returnCountOnly") == "true":
            return 200, {"count": len(self.features)}
        ordered = self.features
        if order := params.get("orderByFields"):
            if any(order not in feature["properties"] for feature in self.features):
                error = {"code": 400, "message": f"'Invalid field: {order}' parameter is invalid"}
                return 200, {"error": error}
            ordered = sorted(ordered, key=lambda feature: feature["properties"][order])
        offset = int(params.get("resultOffset", "0"))
        count = min(int(params.get("resultRecordCount", self.max_record_count)), 2000)
        page = ordered[offset : offset + min(count, self.max_record_count)]
        body: dict[str, Any] = {"type": "FeatureCollection", "features": page}
        if offset + len(page) < len(ordered):
            if self.flag_at_top_level:
                body["exceededTransferLimit"] = True
            else:
                body["properties"] = {"exceededTransferLimit": True}
        return 200, body

    def _metadata(self) -> dict[str, Any]:
        """The layer description ArcGIS serves at the layer's URL with `f=json`."""
        first = self.features[0]["properties"] if self.features else {}
        fields = [
            {"name": name, "type": "esriFieldTypeString"}
            for name in first
            if name != self.object_id_field
        ]
        if self.object_id_field is None:
            return {"name": "CTYUA_TEST_BUC", "fields": fields}
        oid = {"name": self.object_id_field, "type": "esriFieldTypeOID"}
        return {
            "name": "CTYUA_TEST_BUC",
            "objectIdField": self.object_id_field,
            "fields": [oid, *fields],
        }


def _handler(fake: FakeArcGIS) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(url.query).items()}
            status, body = fake.answer(url.path, params)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler


@contextmanager
def serve_arcgis(fake: FakeArcGIS) -> Iterator[FakeArcGIS]:
    """Serve `fake` on 127.0.0.1 (a free port) for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    fake.query_url = f"http://127.0.0.1:{server.server_address[1]}{QUERY_PATH}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
