"""Links between the pages of an offset-paged list, shared by every paged endpoint."""

from __future__ import annotations

from starlette.datastructures import URL

from api.schemas.interventions import PageLinks


def page_links(request_url: URL, limit: int, offset: int, total: int) -> PageLinks:
    """Next and previous page URLs, keeping the other query parameters."""

    def at(new_offset: int) -> str:
        return str(request_url.include_query_params(limit=limit, offset=new_offset))

    return PageLinks(
        next=at(offset + limit) if offset + limit < total else None,
        prev=at(max(offset - limit, 0)) if offset > 0 else None,
    )
