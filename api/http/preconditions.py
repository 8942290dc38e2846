"""Entity tags that name a record's version, and If-Match judged against them.

RFC 9110 (section 13.1.1) has If-Match compare the tags it lists with the current
representation of the target resource, by strong comparison. Clients do exactly that: GET
`/api/v1/interventions/{id}`, then PATCH or DELETE the same URI with that GET's ETag. So every
representation of a record that a GET gives carries a strong tag that starts with the record's
version, `"<id>-<version>.<content hash>"` (the content hash tells the JSON and GeoJSON
representations, and their gzip codings, apart), and the bare version tag `"<id>-<version>"`
of `GET /api/v1/submissions/{id}` and of every write answer stays valid too. If-Match matches
when a listed strong tag names the record's current version: any later write to the record,
a pending edit by someone else included, moves the version on and the old tag gets a 412.

A weak tag (`W/"…"`) never matches If-Match, as the strong comparison requires; the 412 says
so, since a proxy that weakened the tag is the usual reason.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

#: Header a route sets (and `ConditionalGetMiddleware` removes) to have the content ETag of
#: its answer start with `<id>-<version>`.
RECORD_VERSION_HEADER: Final = "x-neetmap-record-version"

#: `"<id>-<version>"`, optionally followed by `.<content hash>` and a content-coding suffix.
_RECORD_TAG: Final = re.compile(r'^"(\d+)-(\d+)(?:\.[0-9a-f]+(?:-[a-z]+)?)?"$')


class IfMatchVerdict(Enum):
    """How an If-Match header value stands against a record's current version."""

    MATCH = "match"
    STALE = "stale"  # a strong tag of an older version of this record
    WEAK = "weak"  # only weak tags, one of which would otherwise have matched
    FOREIGN = "foreign"  # no tag of this record at all


def tagged_with_version(record_version: str, content_tag: str) -> str:
    """`content_tag` (a strong `"<hash>"`) as the tag of a representation of the record at
    `record_version` (`<id>-<version>`, the value of `RECORD_VERSION_HEADER`)."""
    return '"' + record_version + "." + content_tag.strip('"') + '"'


def record_version(intervention_id: int, version: int) -> str:
    """The value of `RECORD_VERSION_HEADER` for a record at `version`."""
    return f"{intervention_id}-{version}"


def judge_if_match(if_match: str, intervention_id: int, version: int) -> IfMatchVerdict:
    """The verdict of If-Match for a record now at `version` (see the module)."""
    tags = [tag.strip() for tag in if_match.split(",") if tag.strip()]
    if "*" in tags:
        return IfMatchVerdict.MATCH
    stale = weak = False
    for tag in tags:
        is_weak = tag.startswith("W/")
        found = _RECORD_TAG.match(tag[2:] if is_weak else tag)
        if found is None or int(found[1]) != intervention_id:
            continue
        if int(found[2]) != version:
            stale = True
        elif is_weak:
            weak = True
        else:
            return IfMatchVerdict.MATCH
    if weak:
        return IfMatchVerdict.WEAK
    return IfMatchVerdict.STALE if stale else IfMatchVerdict.FOREIGN
