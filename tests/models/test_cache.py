"""The one cache class: entries belong to one version, the bound evicts the least recently used."""

from __future__ import annotations

import threading

from models.cache import IN_KEY, VersionedCache


def test_a_new_version_drops_every_entry_of_the_old_one() -> None:
    cache: VersionedCache[str, int] = VersionedCache()
    cache.put(1, "a", 10)
    cache.put(1, "b", 20)
    assert cache.peek(1, "a") == 10
    assert cache.get(2, "a", lambda: 11) == 11
    assert cache.peek(2, "b") is None
    assert cache.peek(1, "a") is None  # the old version is gone, not kept beside
    assert len(cache) == 1


def test_the_bound_evicts_the_least_recently_used() -> None:
    cache: VersionedCache[str, int] = VersionedCache(max_entries=2)
    cache.put(IN_KEY, "a", 1)
    cache.put(IN_KEY, "b", 2)
    assert cache.peek(IN_KEY, "a") == 1  # "a" used, so "b" is now the oldest
    cache.put(IN_KEY, "c", 3)
    assert cache.peek(IN_KEY, "b") is None
    assert (cache.peek(IN_KEY, "a"), cache.peek(IN_KEY, "c")) == (1, 3)


def test_put_keeps_the_first_value_and_replace_the_newest() -> None:
    cache: VersionedCache[str, list[int]] = VersionedCache()
    first, second = [1], [1]
    assert cache.put(0, "k", first) is first
    assert cache.put(0, "k", second) is first
    cache.replace(0, "k", second)
    assert cache.peek(0, "k") is second


def test_get_once_makes_a_value_once_while_others_wait() -> None:
    cache: VersionedCache[None, int] = VersionedCache()
    made: list[int] = []
    started = threading.Barrier(4)

    def make() -> int:
        made.append(1)
        return len(made)

    def worker(results: list[int]) -> None:
        started.wait()
        results.append(cache.get_once(7, None, make))

    results: list[int] = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1]
    assert results == [1, 1, 1, 1]
