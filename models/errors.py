"""Domain errors. They carry a user-safe message and know nothing of HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)  # slots: the worst admitted upload holds 340,000 of them at once
class FieldProblem:
    """One bad value, named by the field it sits in (and the row, for files).

    `location` says where the field was sent (body, query, header) when the domain knows it.
    """

    field: str
    message: str
    row: int | None = None
    location: str | None = None


@dataclass
class DomainError(Exception):
    message: str
    details: Sequence[FieldProblem] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.message


class NotFoundError(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class InvalidInputError(DomainError):
    """Values that break a domain rule the request schema cannot express."""


class ServiceUnavailableError(DomainError):
    """A dependency (database, boundaries) is missing; the message names the fix."""


class AmbiguousAreaError(DomainError):
    """A superseded LA code now covers several LAs and the request needs exactly one."""


class NotAuthenticatedError(DomainError):
    """No API key, or one that is wrong or revoked."""


class PreconditionRequiredError(DomainError):
    """A change to an existing record sent without `If-Match`."""


class UploadTooLargeError(DomainError):
    """An upload over the configured size limit."""


class UnsupportedUploadError(DomainError):
    """An upload sent in a form the import does not read (e.g. multipart)."""
