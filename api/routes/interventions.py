"""Reading interventions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import PageDep, SessionDep
from api.errors import ERROR_RESPONSES
from api.params import FilterDep
from api.schemas.interventions import InterventionPage, InterventionPublic, PageLinks
from models.filters import InterventionFilter
from models.queries.interventions import SortKey, get_intervention, list_interventions

router = APIRouter(prefix="/api/v1/interventions", tags=["interventions"])


@router.get(
    "",
    response_model=InterventionPage,
    responses={422: ERROR_RESPONSES[422], 503: ERROR_RESPONSES[503]},
)
def list_published_interventions(
    request: Request,
    session: SessionDep,
    page: PageDep,
    query: FilterDep,
    sort: Annotated[
        SortKey,
        Query(
            description="Order: id (default), name, updated_at or created_at; `-` for descending. Ties break on id."
        ),
    ] = "id",
) -> InterventionPage:
    """Published interventions matching the filters, a page at a time.

    Values within one parameter mean "any of"; `all_of` switches a dimension to "all of".
    Unknown parameters are ignored. An intervention serving several LAs appears once.
    Paging is by offset: a record published while you walk the pages can shift later pages by
    one, so walk quickly or filter by `updated_since` to catch up.
    """
    result = list_interventions(
        session, query.filter, limit=page.limit, offset=page.offset, sort=sort
    )
    return InterventionPage(
        warnings=list(query.warnings),
        items=[InterventionPublic.from_row(row) for row in result.items],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
        links=_links(request, page.limit, page.offset, result.total),
    )


def _links(request: Request, limit: int, offset: int, total: int) -> PageLinks:
    def at(new_offset: int) -> str:
        return str(request.url.include_query_params(limit=limit, offset=new_offset))

    return PageLinks(
        next=at(offset + limit) if offset + limit < total else None,
        prev=at(max(offset - limit, 0)) if offset > 0 else None,
    )


@router.get("/{intervention_id}", response_model=InterventionPublic, responses=ERROR_RESPONSES)
def read_intervention(
    session: SessionDep,
    intervention_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="Intervention id.")],
) -> InterventionPublic:
    """One published intervention by id."""
    return InterventionPublic.from_row(
        get_intervention(session, intervention_id, InterventionFilter())
    )
