"""The one cache of the service: values derived from one version of the data, kept until it moves.

The catalogue, the facets, the context snapshot, rendered geometries, area unions, map layers,
OGC pages and the tile renderer's projections and shapes are each the same until the data (or
the boundaries) change, and each was a hand-written dict under a lock that cleared itself when
it saw another version. This class is that code once: every call names the version its caller
read (`DataVersions.current()`, or the catalogue's boundary version), and a call naming
another version than the kept entries' drops them all first. That is the only place where a
data change invalidates anything kept in memory. The entries live in a `cachetools.LRUCache`
(unbounded unless `max_entries` is given, the least recently used going first); cachetools is
not thread-safe, so every touch of it, reads included (a read moves the entry), holds our lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: The version of a cache whose keys name their versions themselves (such as a rendered layer
#: keyed by the request and the versions): it never switches, so only the bound evicts.
IN_KEY: Hashable = ("versions named in the key",)

_NOTHING = object()


class VersionedCache(Generic[K, V]):
    """Values of one version, by key; thread-safe; bounded when `max_entries` is given."""

    def __init__(self, max_entries: int | None = None) -> None:
        self._lock = threading.Lock()
        self._version: object = _NOTHING
        self._entries: LRUCache[K, V] = LRUCache(
            maxsize=math.inf if max_entries is None else max_entries
        )

    def peek(self, version: Hashable, key: K) -> V | None:
        """The value kept for `key` at `version`, or None; never makes one."""
        with self._lock:
            return self._entries.get(key) if self._version == version else None

    def put(self, version: Hashable, key: K, value: V) -> V:
        """Keep `value`, unless another thread kept one for `key` first: that one is returned,
        so every caller of one version shares one object."""
        with self._lock:
            self._switch(version)
            return self._entries.setdefault(key, value)

    def replace(self, version: Hashable, key: K, value: V) -> None:
        """Keep `value` for `key`, in place of any kept before (a newer rendering)."""
        with self._lock:
            self._switch(version)
            self._entries[key] = value

    def get(self, version: Hashable, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, made outside the lock when missing (two threads may both make
        it; the first one kept wins): for values that cost CPU only."""
        found = self.peek(version, key)
        return found if found is not None else self.put(version, key, make())

    def get_once(self, version: Hashable, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, made under the lock when missing, so one thread makes it and
        the others wait for that one: for values read from the database."""
        with self._lock:
            self._switch(version)
            found = self._entries.get(key)
            if found is None:
                found = self._entries[key] = make()
            return found

    def __len__(self) -> int:
        return len(self._entries)

    def _switch(self, version: Hashable) -> None:
        """Drop every entry of another version (call with the lock held)."""
        if self._version != version:
            self._entries.clear()
            self._version = version
