"""The cross-tab arithmetic agrees with counting by hand, on any membership."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.interventions.crosstab import Facet, cross_counts, parse_ids

IDS = st.sets(st.integers(min_value=1, max_value=60), max_size=40)
FACET = st.dictionaries(st.sampled_from("abcdefg"), IDS, max_size=5)


def _facet(members: dict[str, set[int]]) -> Facet:
    return {value: np.array(sorted(ids), dtype=np.int64) for value, ids in members.items()}


def _by_hand(matching: set[int], facets: list[dict[str, set[int]]]) -> dict[tuple[str, ...], int]:
    counts: dict[tuple[str, ...], int] = {}
    if len(facets) == 1:
        for value, ids in facets[0].items():
            counts[(value,)] = len(ids & matching)
    else:
        for a, a_ids in facets[0].items():
            for b, b_ids in facets[1].items():
                counts[(a, b)] = len(a_ids & b_ids & matching)
    return {cell: n for cell, n in counts.items() if n}


@settings(max_examples=200, deadline=None)
@given(matching=IDS, first=FACET, second=FACET)
def test_two_way_counts_equal_counting_by_hand(
    matching: set[int], first: dict[str, set[int]], second: dict[str, set[int]]
) -> None:
    ids = np.array(sorted(matching), dtype=np.int64)
    got = cross_counts(ids, [_facet(first), _facet(second)])
    assert got == _by_hand(matching, [first, second])


@settings(max_examples=100, deadline=None)
@given(matching=IDS, first=FACET)
def test_one_way_counts_equal_counting_by_hand(
    matching: set[int], first: dict[str, set[int]]
) -> None:
    ids = np.array(sorted(matching), dtype=np.int64)
    assert cross_counts(ids, [_facet(first)]) == _by_hand(matching, [first])


def test_parse_ids() -> None:
    assert parse_ids("3,1,20").tolist() == [3, 1, 20]
    assert parse_ids(None).tolist() == []
    assert parse_ids("").tolist() == []


def test_three_facets_are_refused() -> None:
    with pytest.raises(ValueError, match="one or two"):
        cross_counts(np.array([1]), [{}, {}, {}])
