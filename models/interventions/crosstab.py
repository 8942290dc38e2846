"""Cross-tabulation arithmetic on membership arrays: which interventions carry each value.

A two-way table over 100,000 interventions joins some 400,000 (intervention, value) pairs;
SQLite does that join and its GROUP BY sort in 300-500 ms, far over the 200 ms a research
page may take. The same count is a few milliseconds in numpy once each value's intervention
ids are at hand, and the database hands those over as one aggregated string per value in
tens of milliseconds. So the database filters and lists; this module only counts.

Every facet maps a value to the distinct ids carrying it, so a cell counts each matching
intervention once: the counting rule of `models.research.areas`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]
Facet = Mapping[str, Ids]
Cell = tuple[str, ...]


def parse_ids(text: str | None) -> Ids:
    """Ids from a comma-separated aggregate (group_concat / string_agg); None means none."""
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def union_of(parts: Sequence[Ids]) -> Ids:
    """Sorted distinct ids of several sorted id arrays, by marking: linear, no sort."""
    found = [ids for ids in parts if len(ids)]
    if not found:
        return np.empty(0, dtype=np.int64)
    if len(found) == 1:
        return found[0]
    marked = np.zeros(max(int(ids[-1]) for ids in found) + 1, dtype=np.bool_)
    for ids in found:
        marked[ids] = True
    union: Ids = np.flatnonzero(marked).astype(np.int64)
    return union


def _mask(matching: Ids, facets: Sequence[Facet]) -> npt.NDArray[np.bool_]:
    """The matching ids as a boolean array long enough to index every facet's ids (each
    facet's arrays are sorted, so their last id is their largest)."""
    size = max(
        [int(matching.max(initial=0))] + [int(a[-1]) for f in facets for a in f.values() if len(a)]
    )
    mask = np.zeros(size + 1, dtype=np.bool_)
    mask[matching] = True
    return mask


def _pairs(facet: Facet, mask: npt.NDArray[np.bool_]) -> tuple[Ids, Ids]:
    """(ids, value index) of the matching members, one row per membership."""
    if not facet:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ids = np.concatenate(list(facet.values()))
    index = np.repeat(np.arange(len(facet), dtype=np.int64), [len(a) for a in facet.values()])
    keep = mask[ids]
    return ids[keep], index[keep]


def _two_way(a: tuple[Ids, Ids], b: tuple[Ids, Ids], size: int, n_b: int) -> Ids:
    """Per (a value, b value) how many ids carry both: each a-row meets every b-row of its id."""
    a_ids, a_index = a
    order = np.argsort(b[0], kind="stable")
    b_index = b[1][order]
    per_id = np.bincount(b[0], minlength=size)
    starts = np.cumsum(per_id) - per_id
    reps = per_id[a_ids]
    total = int(reps.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    first = np.repeat(np.cumsum(reps) - reps, reps)
    positions = np.repeat(starts[a_ids], reps) + (np.arange(total) - first)
    codes: Ids = np.repeat(a_index, reps) * n_b + b_index[positions]
    return codes


def cross_counts(matching: Ids, facets: Sequence[Facet]) -> dict[Cell, int]:
    """Count the matching ids in each value (one facet) or value pair (two); zeros omitted."""
    if not 1 <= len(facets) <= 2:
        raise ValueError("one or two facets")
    mask = _mask(matching, facets)
    names = [list(f) for f in facets]
    if len(facets) == 1:
        # One gather per value: no concatenated copy of every membership (a tenth of the
        # time over the LA facet's 150 values, which a choropleth or a tile counts).
        members = (np.count_nonzero(mask[ids]) for ids in facets[0].values())
        return {(name,): int(n) for name, n in zip(names[0], members, strict=True) if n}
    codes = _two_way(_pairs(facets[0], mask), _pairs(facets[1], mask), len(mask), len(names[1]))
    counts = np.bincount(codes, minlength=len(names[0]) * len(names[1]))
    return {
        (names[0][int(code) // len(names[1])], names[1][int(code) % len(names[1])]): int(n)
        for code in np.flatnonzero(counts)
        for n in (counts[code],)
    }
