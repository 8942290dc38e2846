"""Download Counties and Unitary Authorities boundaries from the ONS Open Geography Portal."""

import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from geodata.crs import SRID_WGS84
from geodata.errors import GeodataError

_SERVICES: Final = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"

# Ultra generalised (BUC) layers, small enough for web maps. Service names were checked
# against public code that queries them. "2023-05" (the May 2023 release, as the shared
# shapefile) is not confirmed: public code names its siblings
# Counties_and_Unitary_Authorities_May_2023_UK_BGC and Local_Authority_Districts_May_2023_UK_BUC,
# and this name follows that pattern, but no use of it was found.
ONS_CTYUA_LAYERS: Final[Mapping[str, str]] = {
    "2021": f"{_SERVICES}/Counties_and_Unitary_Authorities_December_2021_UK_BUC"
    "/FeatureServer/0/query",
    "2022": f"{_SERVICES}/Counties_and_Unitary_Authorities_December_2022_UK_BUC"
    "/FeatureServer/0/query",
    "2023-05": f"{_SERVICES}/Counties_and_Unitary_Authorities_May_2023_UK_BUC"
    "/FeatureServer/0/query",
    "2023": f"{_SERVICES}/Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BUC"
    "/FeatureServer/0/query",
    "2024": f"{_SERVICES}/Counties_and_Unitary_Authorities_December_2024_Boundaries_UK_BUC"
    "/FeatureServer/0/query",
}

_FALLBACK: Final = (
    "download the Counties and Unitary Authorities boundaries file yourself and load it "
    "with `neetmap boundaries load PATH`."
)
_MAX_FEATURES: Final = 100_000  # far above any CTYUA layer; stops a server that ignores offsets


class DownloadError(GeodataError):
    """The boundaries could not be downloaded; the message says what to do instead."""


class _TransientError(Exception):
    """A failure worth retrying; `error` is what to raise if retries run out."""

    def __init__(self, error: DownloadError) -> None:
        super().__init__(error.message)
        self.error = error


def cache_path(cache_dir: Path, vintage: str) -> Path:
    """Where a downloaded vintage is kept, so one download serves later loads."""
    if vintage not in ONS_CTYUA_LAYERS:
        known = ", ".join(ONS_CTYUA_LAYERS)
        raise DownloadError(f"No ONS boundary layer is known for {vintage!r}; use one of {known}.")
    return cache_dir / f"ctyua_{vintage}_buc.geojson"


def download_layer(
    query_url: str,
    dest: Path,
    *,
    page_size: int = 100,
    timeout: float = 30,
    retries: int = 4,
    backoff: float = 0.5,
    client: httpx.Client | None = None,
    on_page: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Page a FeatureServer layer into one WGS84 GeoJSON file at `dest`, written atomically.

    Pages are small because ArcGIS caps features per request (often 2000) and big boundary
    pages time out; `on_page(fetched, total)` reports progress. Transient failures are retried
    with exponential backoff, and a half-finished download never replaces `dest`.
    """
    if page_size < 1 or retries < 0:
        raise ValueError("page_size must be at least 1 and retries at least 0")
    own_client = client is None
    http = client or httpx.Client(follow_redirects=True, headers={"User-Agent": "neetmap"})
    fetch = _Fetcher(http, query_url, timeout=timeout, retries=retries, backoff=backoff)
    try:
        features = _fetch_all(fetch, page_size, on_page)
    finally:
        if own_client:
            http.close()
    _write_atomically({"type": "FeatureCollection", "features": features}, dest)
    return dest


def object_id_field(layer: Mapping[str, Any]) -> str | None:
    """The layer's object id field, from its metadata (`objectIdField`, else the OID field).

    Paging orders by it, so that offsets are exact; ONS layers call it FID or OBJECTID.
    """
    named = layer.get("objectIdField")
    if isinstance(named, str) and named:
        return named
    fields = layer.get("fields")
    for field in fields if isinstance(fields, list) else ():
        if isinstance(field, dict) and field.get("type") == "esriFieldTypeOID":
            name = field.get("name")
            return name if isinstance(name, str) and name else None
    return None


def _fetch_all(
    fetch: "_Fetcher", page_size: int, on_page: Callable[[int, int | None], None] | None
) -> list[Any]:
    order = object_id_field(fetch.layer())
    count = fetch({"where": "1=1", "returnCountOnly": "true", "f": "json"}).get("count")
    total = count if isinstance(count, int) else None
    features: list[Any] = []
    while len(features) < _MAX_FEATURES:
        params = {
            "where": "1=1",
            "outFields": "*",
            "outSR": str(SRID_WGS84),
            "f": "geojson",
            "resultOffset": str(len(features)),
            "resultRecordCount": str(page_size),
        }
        if order is not None:  # without an id to order by, the server's own order it is
            params["orderByFields"] = order
        page = fetch(params)
        batch = page.get("features")
        if not isinstance(batch, list):
            raise DownloadError(f"{fetch.portal} answered without GeoJSON features; {_FALLBACK}")
        features.extend(batch)
        if on_page is not None:
            on_page(len(features), total)
        # A server capped below page_size returns a short page but flags that more remain.
        if not batch or (total is not None and len(features) >= total):
            break
        if len(batch) < page_size and not _exceeded(page):
            break
    if total is not None and len(features) != total:
        raise DownloadError(
            f"{fetch.portal} returned {len(features)} of the {total} features it announced; "
            f"try again, or {_FALLBACK}"
        )
    return features


def _exceeded(page: Mapping[str, Any]) -> bool:
    properties = page.get("properties")
    nested = isinstance(properties, dict) and properties.get("exceededTransferLimit") is True
    return nested or page.get("exceededTransferLimit") is True


class _Fetcher:
    """GETs one query URL, retrying what is transient and naming the portal in every error."""

    def __init__(
        self, client: httpx.Client, url: str, *, timeout: float, retries: int, backoff: float
    ) -> None:
        self.client, self.url, self.timeout = client, url, timeout
        self.retries, self.backoff = retries, backoff
        host = urlsplit(url).netloc or url
        self.portal = f"The ONS Open Geography Portal ({host})"
        self.unreachable = f"Could not reach the ONS Open Geography Portal ({host}); {_FALLBACK}"

    def __call__(self, params: Mapping[str, str], url: str | None = None) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                return self._once(params, url or self.url)
            except _TransientError as failure:
                if attempt >= self.retries:
                    raise failure.error from failure.__cause__
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def layer(self) -> dict[str, Any]:
        """The layer's metadata (`…/FeatureServer/0?f=json`); empty when the URL is no query URL."""
        base, slash, last = self.url.rstrip("/").rpartition("/")
        if not slash or last != "query":
            return {}
        return self({"f": "json"}, base)

    def _once(self, params: Mapping[str, str], url: str) -> dict[str, Any]:
        try:
            response = self.client.get(url, params=params, timeout=self.timeout)
        except httpx.InvalidURL as exc:
            raise DownloadError(f"{self.url!r} is not a usable URL; {_FALLBACK}") from exc
        except httpx.TransportError as exc:
            raise _TransientError(DownloadError(self.unreachable)) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            error = DownloadError(f"{self.portal} kept answering HTTP {status}; {_FALLBACK}")
            raise _TransientError(error)
        if status >= 400:
            raise DownloadError(f"{self.portal} answered HTTP {status}; {_FALLBACK}")
        try:
            body = response.json()
        except ValueError as exc:
            raise DownloadError(
                f"{self.portal} answered with something other than JSON; {_FALLBACK}"
            ) from exc
        if not isinstance(body, dict):
            raise DownloadError(f"{self.portal} answered with unexpected JSON; {_FALLBACK}")
        # ArcGIS reports query errors in a 200 response body.
        if isinstance(arcgis_error := body.get("error"), dict):
            code = arcgis_error.get("code")
            message = str(arcgis_error.get("message", "no details"))[:200]
            failure = DownloadError(f"{self.portal} refused the query ({message}); {_FALLBACK}")
            if code == 429 or (isinstance(code, int) and code >= 500):
                raise _TransientError(failure)
            raise failure
        return body


def _write_atomically(collection: Mapping[str, Any], dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(collection, file, ensure_ascii=False, separators=(",", ":"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
