"""Moderation: the queue of records awaiting review, and publishing or rejecting them.

Only moderator and admin keys get here. Sending the queue item's ETag as `If-Match` makes sure
the version published is the version reviewed, even if the submitter edits it meanwhile.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Request, Response

from api.deps import PageDep, SessionDep
from api.filtering.params import CatalogueDep
from api.http.openapi_responses import responses
from api.routes.paging import page_links
from api.schemas.submissions import ModerationPage, RejectRequest, SubmissionPublic
from api.services.submissions import (
    check_if_match,
    committed,
    moderation_item,
    resolved_draft,
    retry_lost_races,
)
from api.writing.auth import ModeratorDep, Record, ReloadDep, WritableDep, get_moderator
from models.geography.area import Area
from models.intake.draft_errors import validate_draft
from models.interventions.drafts import InterventionDraft
from models.partners.moderation import awaiting_review, publish_submission, reject_submission
from models.partners.record_versions import record_fields
from models.partners.submissions import read_version

router = APIRouter(tags=["moderation"])

IfMatch = Annotated[
    str | None,
    Header(description="The ETag of the version reviewed; 412 if it has changed since."),
]
_ERRORS = responses(401, 403, 404, 409, 412, 422, 503)


@router.get(
    "/moderation",
    response_model=ModerationPage,
    responses=responses(401, 403, 422),
    dependencies=[Depends(get_moderator)],
)
def list_moderation_queue(session: SessionDep, request: Request, page: PageDep) -> ModerationPage:
    """Records awaiting review, oldest first, each with what changed since the published version.

    New records list every field they fill; edits to published records list each changed
    field with its published and proposed values.
    """
    ids, total = awaiting_review(session, limit=page.limit, offset=page.offset)
    return ModerationPage(
        items=[moderation_item(session, i) for i in ids],
        total=total,
        limit=page.limit,
        offset=page.offset,
        links=page_links(request.url, page.limit, page.offset, total),
    )


@router.post(
    "/interventions/{intervention_id}/publish",
    response_model=SubmissionPublic,
    responses=_ERRORS,
)
def publish_intervention(
    caller: ModeratorDep,
    record: WritableDep,
    reload: ReloadDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    response: Response,
    if_match: IfMatch = None,
) -> SubmissionPublic:
    """Publish a submitted record, or apply the edit awaiting review to a published one.

    A rejected record may be published after all; a withdrawn one may not (409).
    """

    def publish(current: Record) -> tuple[str, ...]:
        check_if_match(if_match, current, required=False)
        pending: InterventionDraft | None = None
        areas: list[Area] = []
        warnings: tuple[str, ...] = ()
        if current.head.pending_version is not None:
            edit = read_version(session, current.id, current.head.pending_version)
            pending, areas, warnings = resolved_draft(
                session, catalogue, caller, validate_draft(record_fields(edit.snapshot))
            )
        publish_submission(session, current.row, current.head, pending, areas, caller.actor)
        return warnings

    warnings = retry_lost_races(session, record, if_match, reload, publish)
    return committed(session, record.id, response, warnings)


@router.post(
    "/interventions/{intervention_id}/reject",
    response_model=SubmissionPublic,
    responses=_ERRORS,
)
def reject_intervention(
    caller: ModeratorDep,
    record: WritableDep,
    reload: ReloadDep,
    rejection: Annotated[RejectRequest, Body(description="The reason, shown to the submitter.")],
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> SubmissionPublic:
    """Turn down a submitted record, or the edit awaiting review on a published one.

    The reason must say something (422 when blank); the submitter sees it. A rejected edit
    leaves the published version as it was; the reason is kept in history.
    """

    def reject(current: Record) -> None:
        check_if_match(if_match, current, required=False)
        reject_submission(session, current.row, current.head, rejection.reason, caller.actor)

    retry_lost_races(session, record, if_match, reload, reject)
    return committed(session, record.id, response)
