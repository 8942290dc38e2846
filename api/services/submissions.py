"""The steps every write route shares: If-Match, LA resolution, presenting a record.

Routes stay thin: they authorise (api.writing.auth), call these and a query, and commit once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from fastapi import Response
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from api.http.preconditions import IfMatchVerdict, judge_if_match
from api.schemas.interventions import InterventionPublic
from api.schemas.submissions import (
    FieldChange,
    ModerationItem,
    PendingEdit,
    SubmissionPublic,
    VersionPublic,
)
from api.writing.auth import Caller, Record
from api.writing.retries import (
    RACE_ATTEMPTS,
    LostRaceError,
    lost_on_the_database,
    pause_before,
)
from models.errors import FieldProblem, InvalidInputError, PreconditionRequiredError
from models.geography.area import Area
from models.geography.catalogue import AreaCatalogue
from models.intake.draft_errors import validate_draft
from models.interventions.drafts import InterventionDraft
from models.interventions.filters import InterventionFilter
from models.interventions.queries import ensure_areas, get_intervention
from models.interventions.tables import PUBLICATION_STATES, Intervention
from models.partners.record_versions import (
    InterventionVersion,
    StaleVersionError,
    changed_fields,
    draft_of,
    etag_for,
    snapshot_of,
)
from models.partners.scope import names_beside_codes, resolve_las
from models.partners.submissions import read_head, read_version

T = TypeVar("T")
ALL_STATES = InterventionFilter(states=PUBLICATION_STATES)


def check_if_match(if_match: str | None, record: Record, *, required: bool) -> None:
    """428 without If-Match when required; 412 (with the current ETag) when it does not match.

    Any strong ETag a GET of the record gave matches while the record is at that version
    (`api.http.preconditions`). The 412 says which mistake it is: an ETag of an older version, a
    weak ETag (never matched: strong comparison), or no ETag of this record at all.
    """
    current = etag_for(record.id, record.head.version)
    if if_match is None:
        if required:
            raise PreconditionRequiredError(
                "Send the record's ETag in If-Match, so that an edit made since you read it is "
                f"not overwritten. The current ETag is {current}; GET "
                f"/api/v1/interventions/{record.id} gives it too.",
                [FieldProblem("If-Match", "is required", location="header")],
            )
        return
    verdict = judge_if_match(if_match, record.id, record.head.version)
    if verdict is IfMatchVerdict.MATCH:
        return
    if verdict is IfMatchVerdict.STALE:
        raise StaleVersionError(
            f"The record has changed since you read it: the current ETag is {current}. Read it "
            "again and apply your change to the current version.",
            current,
        )
    if verdict is IfMatchVerdict.WEAK:
        problem = "is a weak ETag, which If-Match never accepts (strong comparison)"
        message = (
            f"If-Match holds only weak ETags (W/...), which never match (RFC 9110 strong "
            f"comparison), so nothing was changed. Send the ETag exactly as the GET gave it "
            f"(a proxy on the way may have weakened it); the current one is {current}."
        )
    else:
        problem = f"is not an ETag of this record; use {current}"
        message = (
            f"If-Match holds {if_match.strip()[:80]}, which is no ETag of intervention "
            f"{record.id}, so nothing was changed. Send the ETag of GET "
            f"/api/v1/interventions/{record.id} (or /api/v1/submissions/{record.id}), or the "
            f"ETag header of this response: the current one is {current}."
        )
    raise StaleVersionError(
        message, current, [FieldProblem("If-Match", problem, location="header")]
    )


def names_no_version(if_match: str | None) -> bool:
    """Whether the client left the version open: no If-Match, or `*` (any current version)."""
    return if_match is None or any(t.strip() == "*" for t in if_match.split(","))


def retry_lost_races(
    session: Session,
    record: Record,
    if_match: str | None,
    reload: Callable[[int], Record],
    step: Callable[[Record], T],
) -> T:
    """Run a write step; when the client named no version, a race lost to a concurrent writer
    is retried on the record as it now is.

    `claim_version` raises StaleVersionError when another request moved the record on between
    this one's read and its write. With a specific If-Match that is the client's precondition
    failing (412). Without one, the client read nothing stale: it only lost a race on the
    server, so the work is rolled back, the record read again (scope and state checks
    included, via `reload`) and the step run again after a jittered pause; so is a step the
    database stopped in favour of another writer (`api.writing.retries`). A record that
    keeps changing under it ends in a 409 with `Retry-After`, never a 412 for a precondition
    the client did not send.
    """
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            return step(record)
        except StaleVersionError:
            if not names_no_version(if_match):
                raise
        except DBAPIError as exc:  # a lock that outlasted lock_timeout, a deadlock, ...
            if not lost_on_the_database(exc):
                raise
        session.rollback()
        if attempt < RACE_ATTEMPTS:
            pause_before(attempt)
        record = reload(record.id)
    raise LostRaceError(
        "The record was changed by other requests at the same moment, each time this one "
        "tried; nothing was changed. Send the request again in a moment."
    )


def checked_draft(catalogue: AreaCatalogue, data: Mapping[str, Any]) -> InterventionDraft:
    """`validate_draft` of a JSON body, with the LA references' problems in the same 422.

    A field's problems and an unknown or split LA are all reported at once, so the sender fixes
    everything in one round; when the other fields are valid, `resolved_draft` reports the
    LAs alone. `la_names`, LA names sent beside `la_codes`, is no field of the record: each
    name is checked against the code in its place (a mismatch names both), then dropped.
    """
    names = data.get("la_names")
    if "la_names" in data:
        data = {key: value for key, value in data.items() if key != "la_names"}
    draft = _validated(catalogue, data)
    if names is None:
        return draft
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        message = "la_names must be a list of LA names, one per code in la_codes"
        raise InvalidInputError(message, [FieldProblem("la_names", message, location="body")])
    if problems := names_beside_codes(catalogue, draft.la_codes, names, location="body"):
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Some values are not valid: {fields}.", problems)
    return draft


def _validated(catalogue: AreaCatalogue, data: Mapping[str, Any]) -> InterventionDraft:
    try:
        return validate_draft(data, location="body")
    except InvalidInputError as exc:
        texts = data.get("la_codes")
        reported = {p.field.partition(".")[0] for p in exc.details}
        if "la_codes" in reported or not isinstance(texts, list):
            raise
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise
        problems = [*exc.details, *resolve_las(catalogue, texts, location="body").all_problems]
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Some values are not valid: {fields}.", problems) from None


def resolved_draft(
    session: Session, catalogue: AreaCatalogue, caller: Caller, draft: InterventionDraft
) -> tuple[InterventionDraft, list[Area], tuple[str, ...]]:
    """The draft with current GSS codes, its Area rows and the warnings; 403 outside the scope."""
    resolved = resolve_las(catalogue, draft.la_codes, location="body")
    resolved.raise_problems()
    caller.require_scope(catalogue, resolved.codes, location="body")
    current = draft.model_copy(update={"la_codes": list(resolved.codes)})
    return current, ensure_areas(session, resolved.codes), resolved.warnings


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    return [
        FieldChange(field=name, published=(before or {}).get(name), proposed=after[name])
        for name in changed_fields(before, after)
    ]


def present(
    session: Session, intervention_id: int, warnings: Sequence[str] = ()
) -> SubmissionPublic:
    """A record as its submitter sees it, with the edit awaiting review, if any."""
    row = get_intervention(session, intervention_id, ALL_STATES)
    head = read_head(session, intervention_id)
    pending = None
    if head.pending_version is not None:
        edit = read_version(session, intervention_id, head.pending_version)
        pending = PendingEdit(
            version=edit.number,
            submitted_at=edit.created_at,
            submitted_by=edit.key_name,
            changes=changes(snapshot_of(draft_of(row)), edit.snapshot),
        )
    latest = read_version(session, intervention_id, head.version) if head.exists else None
    return SubmissionPublic(
        **InterventionPublic.from_row(row).model_dump(),
        publication_state=row.publication_state,
        version=head.version,
        etag=etag_for(intervention_id, head.version),
        pending_edit=pending,
        rejection_reason=latest.reason if latest and latest.action == "rejected" else None,
        warnings=list(warnings),
    )


def committed(
    session: Session, intervention_id: int, response: Response, warnings: Sequence[str] = ()
) -> SubmissionPublic:
    """The record as a write left it, read before the write's one commit, with its ETag on the
    response: how every write to one record answers."""
    body = present(session, intervention_id, warnings)
    session.commit()
    response.headers["ETag"] = body.etag
    return body


def version_public(version: InterventionVersion) -> VersionPublic:
    return VersionPublic(
        version=version.number,
        action=version.action,
        state=version.state,
        at=version.created_at,
        by=version.key_name,
        changed=list(version.changed),
        reason=version.reason,
        snapshot=dict(version.snapshot),
    )


def baseline_version(row: Intervention) -> VersionPublic:
    """The one version of a record loaded before submissions existed (the seed): the live row."""
    return VersionPublic(
        version=1,
        action="baseline",
        state=row.publication_state,
        at=row.created_at,
        by="neetmap",
        changed=[],
        snapshot=snapshot_of(draft_of(row)),
    )


def moderation_item(session: Session, intervention_id: int) -> ModerationItem:
    """One queue entry: what a moderator would publish, against what the public sees now."""
    row = get_intervention(session, intervention_id, ALL_STATES)
    head = read_head(session, intervention_id)
    live = snapshot_of(draft_of(row))
    if head.pending_version is not None:
        edit = read_version(session, intervention_id, head.pending_version)
        kind, by, diff = "edit", edit.key_name, changes(live, edit.snapshot)
    else:
        latest = read_version(session, intervention_id, head.version) if head.exists else None
        kind, by, diff = "new", latest.key_name if latest else "neetmap", changes(None, live)
    return ModerationItem(
        id=intervention_id,
        name=row.name,
        kind=kind,
        publication_state=row.publication_state,
        version=head.version,
        etag=etag_for(intervention_id, head.version),
        submitted_at=head.submitted_at or row.created_at,
        submitted_by=by,
        changes=diff,
    )
