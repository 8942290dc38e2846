"""The harvest for moderators: `POST /api/v1/oruk/harvest` reads a feed and files its services.

Moderators only, since the server fetches the address it is given. The feed is read whole
before anything is stored; a feed that cannot be read is a 422 `unusable_feed` naming why.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import SessionDep
from api.filtering.params import CatalogueDep
from api.http.error_shape import ErrorDetail, error_response
from api.http.openapi_responses import responses
from api.oruk.filing import file_feed
from api.oruk.harvest import FeedError, read_feed
from api.oruk.report import HarvestReport, HarvestRequest
from api.state import app_state
from api.writing.auth import ModeratorDep
from api.writing.inputs import check_write_query

router = APIRouter(
    prefix="/api/v1/oruk", tags=["open referral uk"], dependencies=[Depends(check_write_query)]
)
_RESPONSES = responses(401, 403, 422, 503)
_RESPONSES[200] = {"model": HarvestReport, "description": "Dry run: the report, nothing stored"}


@router.post("/harvest", status_code=201, response_model=HarvestReport, responses=_RESPONSES)
def harvest_feed(
    caller: ModeratorDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    request: Request,
    response: Response,
    body: HarvestRequest,
    dry_run: Annotated[
        bool, Query(description="Read the feed and report per service, storing nothing.")
    ] = False,
) -> HarvestReport | JSONResponse:
    """Harvest another publisher's ORUK `/services` feed as submissions for one LA.

    Each service becomes a submission for `la` after the checks of a CSV import; taxonomy
    terms become typology values when they match one by id, label or synonym, and the rest
    are listed per service under `unmatched`. A service harvested before is found by its
    feed and id: unchanged, it files nothing; changed, it becomes an edit pending
    moderation. Services with problems are reported (by row, the service's position in the
    feed, and ORUK field) and left out.
    """
    limits = app_state(request.app).oruk_feed_limits
    try:
        feed = read_feed(body.url, limits)
    except FeedError as exc:
        detail = ErrorDetail(field="url", message=exc.message, location="body")
        return error_response(422, "unusable_feed", exc.message, [detail])
    report = file_feed(session, catalogue, caller.actor, feed, body.la, dry_run=dry_run)
    if dry_run:
        response.status_code = 200
        return report
    session.commit()
    return report
