"""Who is calling: the `Authorization: Bearer <key>` header read into a `Caller`.

`PartnerDep` accepts any valid key (partners, moderators, admins); `ModeratorDep` only
moderators and admins. A partner's LA scope is resolved to current GSS codes on use, so a key
issued for a superseded code keeps working after a boundary reload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SessionDep
from api.filtering.params import get_catalogue
from models.errors import FieldProblem, NotAuthenticatedError, NotFoundError
from models.geography.catalogue import AreaCatalogue
from models.interventions.filters import InterventionFilter
from models.interventions.queries import get_intervention
from models.interventions.tables import PUBLICATION_STATES, Intervention
from models.partners.accounts import MODERATING_ROLES
from models.partners.keys import KeyInfo, authenticate
from models.partners.record_versions import AccessDeniedError, Actor
from models.partners.scope import outside_scope, scope_codes
from models.partners.submissions import Head, read_head

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `neetmap keys create`, sent as `Authorization: Bearer <key>`.",
)


@dataclass(frozen=True)
class Caller:
    """The key behind a request."""

    key: KeyInfo

    @property
    def moderates(self) -> bool:
        return self.key.role in MODERATING_ROLES

    @property
    def actor(self) -> Actor:
        return Actor(self.key.id, self.key.name)

    def scope(self, catalogue: AreaCatalogue) -> frozenset[str] | None:
        """Current LA codes this key may write to; None means every LA (moderators, admins)."""
        return None if self.moderates else scope_codes(catalogue, self.key.la_codes)

    def require_scope(
        self,
        catalogue: AreaCatalogue,
        codes: tuple[str, ...] | list[str],
        *,
        location: str | None = None,
    ) -> None:
        """AccessDeniedError naming every LA outside the key's scope (`location`: where the
        codes were sent, when they were)."""
        scope = self.scope(catalogue)
        if scope is None:
            return
        problems = outside_scope(catalogue, codes, scope, location=location)
        if problems:
            raise AccessDeniedError(problems[0].message, problems)


def get_caller(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller's key, or 401 saying how to send one."""
    if credentials is None:
        raise NotAuthenticatedError(
            "This needs an API key: send the header `Authorization: Bearer <key>`.",
            [
                FieldProblem(
                    "Authorization", "is missing or is not `Bearer <key>`", location="header"
                )
            ],
        )
    key = authenticate(session, credentials.credentials.strip())
    if key is None:
        raise NotAuthenticatedError(
            "The API key is not valid: it is wrong or has been revoked.",
            [
                FieldProblem(
                    "Authorization", "holds a key that is wrong or revoked", location="header"
                )
            ],
        )
    return Caller(key)


def get_moderator(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, if their key may moderate."""
    if not caller.moderates:
        raise AccessDeniedError(
            "Only a moderator or admin key may do this.",
            [FieldProblem("Authorization", f"holds a {caller.key.role} key", location="header")],
        )
    return caller


PartnerDep = Annotated[Caller, Depends(get_caller)]
ModeratorDep = Annotated[Caller, Depends(get_moderator)]


@dataclass(frozen=True)
class Record:
    """A record the caller may see, with its version head."""

    row: Intervention
    head: Head

    @property
    def id(self) -> int:
        assert self.row.id is not None
        return self.row.id

    @property
    def la_codes(self) -> list[str]:
        return sorted(area.code for area in self.row.areas)


def _load(
    session: SessionDep,
    request: Request,
    caller: Caller,
    intervention_id: int,
    *,
    any_published: bool,
) -> Record:
    """The record, or 404 when it does not exist or the caller has no business seeing it."""
    # The head first: every change to the row claims a new head version in its transaction,
    # so a row read after the head is never older than it, and a row changed since fails the
    # version claim. Read the other way round (each statement sees the latest commit on
    # PostgreSQL), a stale row could pass with a fresh head: a record published twice.
    head = read_head(session, intervention_id)
    row = get_intervention(session, intervention_id, InterventionFilter(states=PUBLICATION_STATES))
    record = Record(row, head)
    if caller.moderates or (any_published and row.publication_state == "published"):
        return record
    scope = caller.scope(get_catalogue(request, session)) or frozenset()
    if scope.isdisjoint(record.la_codes):
        raise NotFoundError(f"There is no intervention with id {intervention_id}.")
    return record


IdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="Intervention id.")]


def get_viewable(
    caller: PartnerDep, session: SessionDep, request: Request, intervention_id: IdPath
) -> Record:
    """A record to read with its history: any for moderators, else one serving a scope LA."""
    return _load(session, request, caller, intervention_id, any_published=False)


def get_writable(
    caller: PartnerDep, session: SessionDep, request: Request, intervention_id: IdPath
) -> Record:
    """A record to change: every LA it serves must be in the caller's scope, else 403.

    Published records are public, so naming the LAs outside the scope reveals nothing; an
    unpublished record outside the scope stays a 404.
    """
    record = _load(session, request, caller, intervention_id, any_published=True)
    caller.require_scope(get_catalogue(request, session), record.la_codes)
    return record


def get_reloader(
    caller: PartnerDep, session: SessionDep, request: Request
) -> Callable[[int], Record]:
    """Reads a record to change again, with the same checks, for a write retried after a race
    (`api.services.submissions.retry_lost_races`): what another writer did in between may have
    withdrawn it or moved it out of the caller's LAs."""
    return lambda intervention_id: get_writable(caller, session, request, intervention_id)


ViewableDep = Annotated[Record, Depends(get_viewable)]
ReloadDep = Annotated[Callable[[int], Record], Depends(get_reloader)]
WritableDep = Annotated[Record, Depends(get_writable)]
