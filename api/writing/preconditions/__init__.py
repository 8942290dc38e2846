"""Conditional requests on records (RFC 9110 section 13): one rule for every ETag a GET gives."""

from api.writing.preconditions.tags import (
    RECORD_VERSION_HEADER,
    IfMatchVerdict,
    judge_if_match,
    record_version,
    tagged_with_version,
)

__all__ = [
    "RECORD_VERSION_HEADER",
    "IfMatchVerdict",
    "judge_if_match",
    "record_version",
    "tagged_with_version",
]
