"""ORUK's query parameters, read into the one `InterventionFilter` every read uses.

`taxonomy_term_id` and `taxonomy_id` become the same typology criteria as the JSON API's
dimension parameters (any of the values within a dimension, every dimension named), so an
ORUK filter and its JSON-API twin cannot disagree; `text`/`search` is the JSON API's `q`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Final

from fastapi import Depends, Query

from api.errors import query_problem
from api.filtering.params import split_values
from api.oruk.ids import parse_uuid
from api.oruk.taxonomy import TAXONOMY_BY_ID, TERM_BY_ID
from models.errors import FieldProblem, InvalidInputError
from models.interventions.filters import MAX_WORDS, InterventionFilter
from models.typology.vocabulary import MULTI_VALUED, slugs

MAX_PER_PAGE: Final = 500


class OrukPage:
    """`page` (from 1) and `per_page` (1 to 500, default 50)."""

    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=2**31 - 1, description="Page number, from 1.")] = 1,
        per_page: Annotated[
            int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page, 1 to 500.")
        ] = 50,
    ) -> None:
        self.page = page
        self.per_page = per_page

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


OrukPageDep = Annotated[OrukPage, Depends()]


def oruk_filter(
    taxonomy_term_id: Annotated[
        list[str] | None,
        Query(
            description="Services classified with this term (a UUID from /oruk/taxonomy_terms; "
            "comma-separated or repeated for any of several, within a taxonomy)."
        ),
    ] = None,
    taxonomy_id: Annotated[
        list[str] | None,
        Query(
            description="Services with any term of this taxonomy (a UUID from /oruk/taxonomies)."
        ),
    ] = None,
    text: Annotated[
        str | None,
        Query(max_length=200, description="Words that must all appear (as the JSON API's `q`)."),
    ] = None,
    search: Annotated[str | None, Query(max_length=200, description="The same as `text`.")] = None,
    minimum_age: Annotated[
        float | None,
        Query(
            ge=0, le=200, allow_inf_nan=False, description="A stated minimum age of at least this."
        ),
    ] = None,
    maximum_age: Annotated[
        float | None,
        Query(
            ge=0, le=200, allow_inf_nan=False, description="A stated maximum age of at most this."
        ),
    ] = None,
) -> InterventionFilter:
    """The published records these parameters select, or a 422 naming every bad one."""
    problems: list[FieldProblem] = []
    chosen: dict[str, set[str]] = defaultdict(set)
    for raw in split_values(taxonomy_term_id):
        entry = TERM_BY_ID.get(parse_uuid(raw) or "")
        if entry is None:
            problems.append(query_problem("taxonomy_term_id", _unknown(raw, "taxonomy_terms")))
        else:
            chosen[entry.dimension].add(entry.term.slug)
    for raw in split_values(taxonomy_id):
        taxonomy = TAXONOMY_BY_ID.get(parse_uuid(raw) or "")
        if taxonomy is None:
            problems.append(query_problem("taxonomy_id", _unknown(raw, "taxonomies")))
        else:
            chosen[taxonomy.dimension].update(slugs(taxonomy.dimension))
    words = _words(text, search, problems)
    if problems:
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Some filter values are not valid: {fields}.", problems)
    return InterventionFilter(
        any_of={d: tuple(sorted(chosen[d])) for d in MULTI_VALUED if d in chosen},
        statuses=tuple(sorted(chosen.get("status", ()))),
        text=words,
        min_age_at_least=minimum_age,
        max_age_at_most=maximum_age,
    )


def _unknown(raw: str, listing: str) -> str:
    if parse_uuid(raw) is None:
        return f"'{raw[:60]}' is not a UUID; take one from /oruk/{listing}"
    return f"{raw} is not one of neetmap's {listing.replace('_', ' ')}; see /oruk/{listing}"


def _words(text: str | None, search: str | None, problems: list[FieldProblem]) -> str | None:
    given = {(value or "").strip() for value in (text, search)} - {""}
    if len(given) > 1:
        problems.append(
            query_problem("search", "give text or search, not both with different words")
        )
        return None
    words = given.pop() if given else None
    if words and len(words.split()) > MAX_WORDS:
        problems.append(
            query_problem("text", f"has {len(words.split())} words; give at most {MAX_WORDS}")
        )
    return words


OrukFilterDep = Annotated[InterventionFilter, Depends(oruk_filter)]
