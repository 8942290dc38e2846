"""Partner submissions: create, edit, withdraw, read back with history, list one's own.

The write routes share the `/api/v1/interventions` paths of the public reads (a POST beside
the public GET list); they need an API key, and nothing they create is public until a
moderator publishes it (api.routes.moderation).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import PageDep, SessionDep
from api.filtering.params import (
    CatalogueDep,
    InterventionQuery,
    get_catalogue,
    publication_states,
)
from api.http.openapi_responses import responses
from api.routes import imports, moderation
from api.routes.imports import replay
from api.routes.paging import page_links
from api.schemas.submissions import (
    HistoryPublic,
    SubmissionPage,
    SubmissionPublic,
    SubmissionSummary,
    json_body,
)
from api.services.submissions import (
    baseline_version,
    check_if_match,
    checked_draft,
    committed,
    present,
    resolved_draft,
    retry_lost_races,
    version_public,
)
from api.writing.auth import PartnerDep, Record, ReloadDep, ViewableDep, WritableDep
from api.writing.idempotency import (
    CREATED_ALREADY,
    IdempotencyKey,
    IfNoneMatch,
    created_already,
    find_replay,
    remember,
    request_hash,
)
from api.writing.inputs import JsonObjectDep, check_write_query
from models.intake.bulk_insert import insert_submissions
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import list_interventions
from models.partners.record_versions import etag_for
from models.partners.submissions import (
    edit_submission,
    history,
    live_snapshot,
    read_heads,
    require_editable,
    withdraw_submission,
)

# Every write under this router (moderation and imports included) refuses unknown query
# parameters and conflicting repeats of one; reads ignore them, like the public API.
router = APIRouter(
    prefix="/api/v1", tags=["submissions"], dependencies=[Depends(check_write_query)]
)
router.include_router(moderation.router)
router.include_router(imports.router)

IfMatch = Annotated[
    str | None,
    Header(description="The ETag of the version you read (from its GET or your last change)."),
]
_RECORD_ERRORS = responses(401, 403, 404, 409, 412, 413, 422, 428, 503)
_NEW_BODY = json_body(InterventionDraft, "The new intervention.", partial=False)
_PATCH_BODY = json_body(
    InterventionDraft,
    "Only the fields to change; the others keep their values. Lists replace the whole list.",
    partial=True,
)
#: LA names sent beside the codes: checked against them, never stored (services.checked_draft).
_LA_NAMES = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Optional: the name of each LA in la_codes, in the same order; a name that "
    "is not the LA of its code is a 422 naming both. Not stored.",
}
for _body in (_NEW_BODY, _PATCH_BODY):
    _body["requestBody"]["content"]["application/json"]["schema"]["properties"]["la_names"] = (
        _LA_NAMES
    )


@router.post(
    "/interventions",
    status_code=201,
    response_model=SubmissionPublic,
    responses={**responses(401, 403, 409, 413, 422, 503), 412: CREATED_ALREADY},
    openapi_extra=_NEW_BODY,
)
def submit_intervention(
    caller: PartnerDep,
    body: JsonObjectDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    if_none_match: IfNoneMatch = None,
) -> SubmissionPublic | JSONResponse:
    """Submit a new intervention for moderation; it is not public until a moderator publishes it.

    Every LA it serves must be one your key may write to (403 names any that is not). LAs may
    be given as current or superseded GSS codes, DfE codes or names; the answer uses current
    codes and says how superseded ones were read. A county since split (Cumbria, E10000006)
    is read as all its successors, and your key must cover each; the history keeps the code
    as you sent it. `la_names` beside `la_codes` (one name per code) is checked against them. `Location` and `ETag` come back. Every
    invalid field is reported at once (422, each detail naming its field).
    """
    draft = checked_draft(catalogue, body)
    fingerprint = request_hash("POST /api/v1/interventions", draft.model_dump_json())
    if idempotency_key and (stored := find_replay(session, caller, idempotency_key, fingerprint)):
        return created_already(if_none_match, stored) or replay(stored)
    current, _, warnings = resolved_draft(session, catalogue, caller, draft)
    (new_id,) = insert_submissions(session, [current], caller.actor, submitted_as=[draft.la_codes])
    created = present(session, new_id, warnings)
    headers = {"Location": f"/api/v1/submissions/{new_id}", "ETag": created.etag}
    answer = created.model_dump(mode="json")
    if idempotency_key and not remember(
        session, caller, idempotency_key, fingerprint, 201, answer, headers
    ):
        session.rollback()  # a twin request with the same key committed first: answer as it did
        twin = find_replay(session, caller, idempotency_key, fingerprint)
        assert twin is not None
        return replay(twin)
    session.commit()
    response.headers.update(headers)
    return created


@router.patch(
    "/interventions/{intervention_id}",
    response_model=SubmissionPublic,
    responses=_RECORD_ERRORS,
    openapi_extra=_PATCH_BODY,
)
def edit_intervention(
    record: WritableDep,
    reload: ReloadDep,
    caller: PartnerDep,
    changes: JsonObjectDep,
    session: SessionDep,
    catalogue: CatalogueDep,
    response: Response,
    if_match: IfMatch = None,
) -> SubmissionPublic:
    """Change some fields of a record; `If-Match` must carry its version ETag.

    The version ETag comes back from every write and from `GET /api/v1/submissions/{id}`
    (not from the public `GET /api/v1/interventions/{id}`, whose ETag identifies content).
    A stale ETag answers 412 with the current one in `ETag`. The merged record is validated
    exactly like a new one; changing `age_min` or `age_max` without `age_band` derives the
    bands again. An edit to a published record waits for a moderator while the public keeps
    seeing the published version. An edit that changes nothing creates no version (200 with
    the record as it is). Withdrawn records cannot be edited (409).
    """

    def apply(current: Record) -> tuple[str, ...]:
        check_if_match(if_match, current, required=True)
        require_editable(current.row)
        merged = live_snapshot(session, current.row, current.head)
        if {"age_min", "age_max"} & changes.keys() and "age_band" not in changes:
            merged.pop("age_band")  # derived again from the new ages
        checked = checked_draft(catalogue, merged | changes)
        draft, areas, warnings = resolved_draft(session, catalogue, caller, checked)
        sent = checked.la_codes if "la_codes" in changes else ()
        edit_submission(session, current.row, current.head, draft, areas, caller.actor, sent)
        return warnings

    warnings = retry_lost_races(session, record, if_match, reload, apply)
    return committed(session, record.id, response, warnings)


@router.delete(
    "/interventions/{intervention_id}", response_model=SubmissionPublic, responses=_RECORD_ERRORS
)
def withdraw_intervention(
    record: WritableDep,
    reload: ReloadDep,
    caller: PartnerDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> SubmissionPublic:
    """Withdraw a record: hidden from the public at once, kept with its history.

    Any edit awaiting review is withdrawn with it. `If-Match` is optional here; when sent, a
    stale ETag answers 412. Without it, a withdrawal that meets a simultaneous change is run
    again on the record as it now is. Withdrawing twice changes nothing.
    """

    def withdraw(current: Record) -> None:
        check_if_match(if_match, current, required=False)
        withdraw_submission(session, current.row, current.head, caller.actor)

    retry_lost_races(session, record, if_match, reload, withdraw)
    return committed(session, record.id, response)


@router.get(
    "/interventions/{intervention_id}/history",
    response_model=HistoryPublic,
    responses=responses(401, 404, 422, 503),
)
def read_intervention_history(record: ViewableDep, session: SessionDep) -> HistoryPublic:
    """Every version of a record, oldest first: who made it, when, how, and what changed.

    History is append-only: no route changes or deletes it.
    """
    versions = [version_public(v) for v in history(session, record.id)]
    return HistoryPublic(id=record.id, versions=versions or [baseline_version(record.row)])


@router.get("/submissions", response_model=SubmissionPage, responses=responses(401, 422, 503))
def list_submissions(
    caller: PartnerDep,
    session: SessionDep,
    request: Request,
    page: PageDep,
    query: Annotated[InterventionQuery, Depends()],
    publication_state: Annotated[
        list[str] | None,
        Query(
            description=(
                "Only records in these publication states (`submitted`, `published`, "
                "`rejected`, `withdrawn`; comma-separated or repeated, any case)."
            )
        ),
    ] = None,
) -> SubmissionPage:
    """Your LAs' records in every publication state, most recently changed first.

    A partner key sees records serving any of its LAs; moderator and admin keys see all. The
    public list's filters (`la`, `q`, typology, `updated_since`...) narrow it the same way.
    """
    needed = query.needs_geography or not caller.moderates  # a partner's scope is LAs
    catalogue = get_catalogue(request, session) if needed else None
    resolved = query.resolve(session, catalogue, states=publication_states(publication_state))
    scope = caller.scope(catalogue) if catalogue is not None and not caller.moderates else None
    flt = resolved.narrowed(within=None if scope is None else tuple(sorted(scope)))
    found = list_interventions(
        session, flt, limit=page.limit, offset=page.offset, sort="-updated_at"
    )
    heads = read_heads(session, [row.id for row in found.items if row.id is not None])
    items = [
        SubmissionSummary(
            id=row.id,
            name=row.name,
            publication_state=row.publication_state,
            version=heads[row.id].version,
            etag=etag_for(row.id, heads[row.id].version),
            la_codes=sorted(area.code for area in row.areas),
            edit_pending=heads[row.id].pending_version is not None,
            updated_at=row.updated_at,
        )
        for row in found.items
        if row.id is not None
    ]
    return SubmissionPage(
        items=items,
        total=found.total,
        limit=page.limit,
        offset=page.offset,
        links=page_links(request.url, page.limit, page.offset, found.total),
    )


@router.get(
    "/submissions/{intervention_id}",
    response_model=SubmissionPublic,
    responses=responses(401, 404, 422, 503),
)
def read_submission(
    record: ViewableDep, session: SessionDep, response: Response
) -> SubmissionPublic:
    """One of your records in any publication state, with its ETag and any pending edit."""
    body = present(session, record.id)
    response.headers["ETag"] = body.etag
    return body
