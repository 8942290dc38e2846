"""Reading another publisher's ORUK `/services` feed over HTTP, defensively.

A feed is someone else's server: it may be slow, down for a moment, huge, not JSON, not ORUK,
or page forever. Every page is fetched with timeouts, retried with backoff when the failure
may pass (a timeout, a refused connection, 429 or 5xx), read up to a size cap and an overall
deadline, and checked for a loop (a page that only repeats services already read). Any such
failure is a `FeedError` naming the page and what went wrong, raised before anything is
stored: the caller stores only a feed read whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlsplit

import httpx
import orjson

from models.errors import DomainError

USER_AGENT: Final = "neetmap-oruk-harvester/0.1 (+https://github.com/neetmap)"
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})


class FeedError(DomainError):
    """The feed as a whole could not be read; nothing from it is stored."""


@dataclass(frozen=True)
class FeedLimits:
    """How far a harvest trusts a feed. The defaults suit a real LA directory."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    #: Longest one response may take in all, however steadily it trickles in.
    response_deadline_s: float = 120.0
    retries: int = 3
    backoff_s: float = 1.0
    max_response_bytes: int = 10_000_000
    max_pages: int = 1_000
    max_services: int = 20_000
    per_page: int = 100


@dataclass
class Feed:
    """What a feed said: its services in feed order (full where the list was not)."""

    services_url: str
    services: list[Any] = field(default_factory=list)
    #: Row (from 1) -> why its full record could not be read.
    detail_problems: dict[int, str] = field(default_factory=dict)
    pages: int = 0


def services_url(url: str) -> str:
    """The `/services` endpoint from the feed's API stub (or the endpoint itself)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FeedError(f"'{url[:200]}' is not an http or https address of an ORUK API.")
    base = parts._replace(query="", fragment="").geturl().rstrip("/")
    return base if base.endswith("/services") else f"{base}/services"


class FeedReader:
    """Fetches pages and records of one feed; `sleep` is injectable so tests need not wait."""

    def __init__(
        self,
        limits: FeedLimits | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits or FeedLimits()
        self._sleep = sleep
        timeout = httpx.Timeout(self.limits.read_timeout_s, connect=self.limits.connect_timeout_s)
        self._client = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )

    def __enter__(self) -> FeedReader:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def read(self, url: str) -> Feed:
        """Every service of the feed, or FeedError."""
        feed = Feed(services_url(url))
        seen: set[str] = set()
        for number, page in enumerate(self._pages(feed.services_url), start=1):
            feed.pages = number
            contents = page["contents"]
            ids = [_id_of(item) for item in contents]
            known = [i for i in ids if i is not None]
            if known and all(i in seen for i in known):
                raise FeedError(
                    f"The feed pages in a loop: page {number} of {feed.services_url} only "
                    "repeats services of earlier pages. Nothing was stored."
                )
            seen.update(known)
            feed.services.extend(contents)
            if len(feed.services) > self.limits.max_services:
                raise FeedError(
                    f"The feed lists more than {self.limits.max_services:,} services; "
                    "nothing was stored."
                )
        for row, item in enumerate(feed.services, start=1):
            if isinstance(item, dict) and "attributes" not in item and _id_of(item):
                feed.services[row - 1] = self._detail(feed, row, item)
        return feed

    def _pages(self, url: str) -> Iterator[dict[str, Any]]:
        for number in range(1, self.limits.max_pages + 1):
            params = {"page": number, "per_page": self.limits.per_page}
            page = _services_page(self.get_json(url, params), url, number)
            yield page
            total_pages = page.get("total_pages")
            if (
                not page["contents"]
                or page.get("last_page") is True
                or (isinstance(total_pages, int) and number >= total_pages)
            ):
                return
        raise FeedError(
            f"{url} has more than {self.limits.max_pages} pages (or never says which is the "
            "last); nothing was stored."
        )

    def _detail(self, feed: Feed, row: int, item: dict[str, Any]) -> Any:
        """The full service (lists carry one-to-one fields only); the list item if that fails."""
        address = f"{feed.services_url}/{quote(str(_id_of(item)), safe='')}"
        try:
            return self.get_json(address, {})
        except FeedError as exc:
            feed.detail_problems[row] = exc.message
            return item

    def get_json(self, url: str, params: dict[str, Any]) -> Any:
        """One JSON document, retried with backoff while the failure may pass."""
        attempt = 0
        while True:
            try:
                status, body, retry_after = self._fetch(url, params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.limits.retries:
                    raise FeedError(_unreachable(url, exc, attempt + 1)) from None
            else:
                if status < 400:
                    return _json(url, body)
                if status not in _RETRY_STATUSES or attempt >= self.limits.retries:
                    raise FeedError(f"{url} answered HTTP {status}; nothing was stored.")
                if retry_after is not None:
                    self._sleep(min(retry_after, 4 * self.limits.backoff_s * 2**attempt))
                    attempt += 1
                    continue
            self._sleep(self.limits.backoff_s * 2**attempt)
            attempt += 1

    def _fetch(self, url: str, params: dict[str, Any]) -> tuple[int, bytes, float | None]:
        """Status, body (at most the cap) and Retry-After seconds of one GET."""
        limit = self.limits.max_response_bytes
        deadline = time.monotonic() + self.limits.response_deadline_s
        with self._client.stream("GET", url, params=params) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FeedError(_too_large(url, limit))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FeedError(_too_large(url, limit))
                if time.monotonic() > deadline:
                    raise FeedError(
                        f"{url} took over {self.limits.response_deadline_s:g} s to send one "
                        "answer; nothing was stored."
                    )
            retry_after = response.headers.get("Retry-After", "")
            wait = float(retry_after) if retry_after.isdigit() else None
            return response.status_code, bytes(body), wait


def _id_of(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return str(value) if isinstance(value, str | int) and str(value).strip() else None


def _json(url: str, body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        start = body[:60].decode("utf-8", "replace").strip()
        raise FeedError(
            f"{url} did not answer with JSON (it began '{start}'): is this the address of an "
            "ORUK API? Nothing was stored."
        ) from None


def _services_page(value: Any, url: str, number: int) -> dict[str, Any]:
    """A paged ORUK answer: an object with `contents` as a list (and, usually, page counts)."""
    if not isinstance(value, dict) or not isinstance(value.get("contents"), list):
        raise FeedError(
            f"Page {number} of {url} is JSON but not an ORUK page of services (an object with "
            "a `contents` list and `total_pages`); nothing was stored."
        )
    return value


def _too_large(url: str, limit: int) -> str:
    return f"{url} sent more than {limit:,} bytes in one answer; nothing was stored."


def _unreachable(url: str, exc: Exception, tries: int) -> str:
    what = (
        "did not answer in time" if isinstance(exc, httpx.TimeoutException) else "was unreachable"
    )
    return f"{url} {what} ({tries} tries, {exc.__class__.__name__}); nothing was stored."


def read_feed(url: str, limits: FeedLimits | None = None) -> Feed:
    """Every service of the feed at `url`, or FeedError."""
    with FeedReader(limits) as reader:
        return reader.read(url)
