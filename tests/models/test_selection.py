"""The filter evaluated on facets in memory selects and orders exactly what the SQL does.

`InterventionFilter.select_ids` (the list's, map's and cross-tabs' fast path) and
`InterventionFilter.where()` are two evaluations of one filter; these tests hold them to the
same answer on random data and random filters, on both backends, and the paged list to the
same pages in every sort order.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from models.freshness.caches import FacetCache
from models.interventions.drafts import InterventionDraft
from models.interventions.filters import InterventionFilter
from models.interventions.queries import (
    SortKey,
    create_intervention,
    ensure_areas,
    list_interventions,
)
from models.interventions.tables import Intervention
from models.typology.vocabulary import MULTI_VALUED, slugs

SORT_KEYS: tuple[str, ...] = get_args(SortKey)

LAS = ("E08000035", "E08000033", "E08000014", "E09000007", "E06000012", "E10000006")
STATES = ("published", "submitted", "withdrawn", "rejected")
STATUSES = ("planned", "active", "ended")
#: A few values per dimension, so that random filters often match something.
VALUES = {dimension: slugs(dimension)[:4] for dimension in MULTI_VALUED if dimension != "age_band"}


@pytest.fixture
def dataset(session: Session) -> Session:
    """150 records with random classifications, LAs, states and sort keys (ties included)."""
    rng = random.Random(7)
    for number in range(150):
        las = rng.sample(LAS, rng.choice((1, 1, 2, 3)))
        fields = {
            dimension: rng.sample(values, rng.randint(0, 2)) for dimension, values in VALUES.items()
        }
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))
        # Stated ages (either end open), or bands alone, or neither: each way of serving an age.
        low = rng.choice((None, 11, 14, 16, 18))
        high = rng.choice((None, 15, 17, 19, 25)) if low is None or low <= 15 else None
        if rng.random() < 0.4:
            low = high = None
        ages: dict[str, object] = {"age_min": low, "age_max": high}
        if low is None and high is None:
            ages["age_band"] = rng.sample(slugs("age_band"), rng.randint(0, 2))
        draft = InterventionDraft.model_validate(
            {
                "name": f"Programme {rng.randint(0, 40)}",  # ties on name
                "la_codes": las,
                "status": rng.choice(STATUSES),
                "start_date": start.isoformat() if rng.random() < 0.7 else None,
                **ages,
                **{d: v for d, v in fields.items() if d not in ("delivery_model",)},
                "delivery_model": fields["delivery_model"][:1],
            }
        )
        state = rng.choice(STATES) if number % 3 else "published"
        create_intervention(session, draft, ensure_areas(session, las), state=state)
    session.commit()
    return session


def _sql_ids(session: Session, flt: InterventionFilter) -> list[int]:
    statement = select(Intervention.id).where(flt.where()).order_by(Intervention.id)  # type: ignore[call-overload]
    return list(session.connection().execute(statement).scalars())


def _slug_tuples(dimension: str) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(VALUES[dimension]), max_size=3, unique=True).map(tuple)


filters = st.builds(
    InterventionFilter,
    any_of=st.fixed_dictionaries({}, optional={d: _slug_tuples(d) for d in VALUES}),
    all_of=st.fixed_dictionaries({}, optional={d: _slug_tuples(d) for d in VALUES}),
    statuses=st.lists(st.sampled_from(STATUSES), max_size=2, unique=True).map(tuple),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
    area_sets=st.lists(
        st.lists(st.sampled_from((*LAS, "E08000999")), max_size=3, unique=True).map(tuple),
        max_size=2,
    ).map(tuple),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flt=filters)
def test_facets_select_what_the_database_selects(dataset: Session, flt: InterventionFilter) -> None:
    facets = FacetCache().current(dataset)
    assert flt.select_ids(facets).tolist() == _sql_ids(dataset, flt)


@pytest.mark.parametrize(
    "flt",
    [
        InterventionFilter(),
        InterventionFilter(any_of={"target_group": VALUES["target_group"][:2]}),
        InterventionFilter(area_sets=(LAS[:2],), statuses=("active", "ended")),
        InterventionFilter(age=16, any_of={"target_group": VALUES["target_group"][:2]}),
    ],
)
def test_facet_pages_are_the_database_pages_in_every_order(
    dataset: Session, flt: InterventionFilter
) -> None:
    facets = FacetCache().current(dataset)
    for sort in SORT_KEYS:
        for offset in (0, 7, 14, 140):
            fast = list_interventions(
                dataset, flt, limit=7, offset=offset, sort=sort, facets=facets
            )
            slow = list_interventions(dataset, flt, limit=7, offset=offset, sort=sort)
            assert fast.total == slow.total, sort
            assert [r.id for r in fast.items] == [r.id for r in slow.items], (sort, offset)


@pytest.mark.parametrize("age", [0, 10, 13, 14, 15, 16, 17, 18, 19, 25, 29, 30, 45])
def test_an_age_on_facets_selects_what_the_database_selects(dataset: Session, age: int) -> None:
    """Stated ages decide, an open end is open, bands decide for records stating no age."""
    flt = InterventionFilter(age=age)
    assert not flt.needs_database
    assert flt.select_ids(FacetCache().current(dataset)).tolist() == _sql_ids(dataset, flt)


def test_filters_with_text_or_dates_go_to_the_database(dataset: Session) -> None:
    for flt in (
        InterventionFilter(text="programme"),
        InterventionFilter(active_on=date(2024, 1, 1)),
        InterventionFilter(states=STATES),  # drafts do not move the facets' version
    ):
        assert flt.needs_database
        with pytest.raises(ValueError, match="need the database"):
            flt.select_ids(FacetCache().current(dataset))
        page = list_interventions(
            dataset, flt, limit=500, offset=0, facets=FacetCache().current(dataset)
        )
        assert [r.id for r in page.items] == _sql_ids(dataset, flt)
