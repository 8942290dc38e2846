"""A status that says "not stated", and the compiled records whose page states none.

Status could only be planned, active or ended, with active the default, so every record of
the national sample whose source page does not say whether the programme runs was stored as
active: a guess (issue 21). `not_stated` is now a status value (the column, a 10-character
string, is unchanged). This revision brings a database that already loaded the sample to what
`neetmap seed` now loads: those records become `not_stated`, and the records re-read for the
issue take their reviewed status, end date and provenance notes. Only a compiled record still
as it was loaded is changed (the key, origin `public_sample`, the status it was loaded with,
and no history: nobody has edited it), so an edit made since is kept; the public version moves
so every cache of public answers is renewed.

Downgrade: the code before this revision knows no `not_stated`, so every record holding it
(a partner's too) becomes `active`, the old default. The reviewed end dates and notes are
valid there and stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_STATED: Final = "not_stated"
_intervention = sa.table(
    "intervention",
    sa.column("id", sa.Integer),
    sa.column("external_id", sa.String),
    sa.column("origin", sa.String),
    sa.column("status", sa.String),
    sa.column("end_date", sa.Date),
    sa.column("provenance", sa.JSON),
    sa.column("updated_at", sa.DateTime),
)
_head = sa.table("intervention_head", sa.column("intervention_id", sa.Integer))
_public = sa.table(
    "public_version",
    sa.column("id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("changed_at", sa.DateTime),
)

#: Records loaded as `active` only because their page states no status (an empty CSV cell).
_UNSTATED: Final = (
    "sample:essex-employability-and-skills-unit-neet-work",
    "sample:positive-activities-programme-norfolk",
    "sample:suffolk-youth-employment-fund-for-neet-and-unemployed-young-people",
    "sample:youth-connexions-targeted-youth-work-hertfordshire",
    "sample:minding-the-gap-service-for-16-to-24-year-olds-camden",
    "sample:talent-match-croydon",
    "sample:inspiring-young-enfield",
    "sample:youth-engagement-programme-your-next-move-neet-fair-tower-hamlets",
    "sample:accelerating-neet-reduction-in-priority-groups-barking-and-dagenham",
    "sample:project-2020-homes-for-haringey",
    "sample:data-led-outreach-to-neet-young-people-haringey",
    "sample:creating-futures-for-young-people-and-the-life-chances-commission-waltham-forest",
    "sample:connexions-service-and-brent-youth-zone-brent",
    "sample:participation-support-with-prospects-havering",
    "sample:link-up-leigh-park-havant",
    "sample:youth-employment-hub-and-youth-interventions-of-the-employment-and-skills-recovery-plan-brighton-and-hove",
    "sample:east-sussex-and-dwp-partnership-agreement-on-skills-and-youth-employment",
    "sample:education-employment-and-training-strategy-for-children-looked-after-and-care-leavers-slough",
    "sample:skills-centres-for-neet-young-people-surrey",
    "sample:post-16-transition-panel-plymouth",
    "sample:education-and-training-for-young-people-with-autism-plymouth",
    "sample:gloucestershire-youth-support-service-prospects",
    "sample:the-link-drop-in-young-gloucestershire",
    "sample:good-growth-programme-support-for-disadvantaged-16-24-year-olds-cornwall-and-isles-of-scilly",
    "sample:game-changer-building-better-opportunities-cornwall-and-isles-of-scilly",
    "sample:number-18-advice-centre-and-not-known-follow-up-poole",
    "sample:young-and-thriving-priority-of-the-children-s-plan-dorset",
)
#: Records re-read for issue 21: key -> (status as loaded, status now, end date, notes now).
_REVIEWED: Final[dict[str, tuple[str, str, str | None, dict[str, str]]]] = {
    "sample:nottingham-neet-reduction-service": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page gives the contract as renewed for 2024/25, a year over "
                "before we read it, and does not say what followed."
            ),
        },
    ),
    "sample:opportunity-knocks-nottingham": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page announces a doorstep exercise for the coming week and "
                "gives no year, so it says nothing of whether the work runs when we read it."
            ),
        },
    ),
    "sample:future-u-nottingham-and-nottinghamshire": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page, of May 2018, sets out a five-year programme, a span over"
                " before we read it, and gives no end date."
            ),
        },
    ),
    "sample:st-helens-youth-guarantee-trailblazer": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page accepts funding for 2025/26, a year over before we read "
                "it, and does not say whether delivery continues."
            ),
        },
    ),
    "sample:liverpool-information-advice-and-guidance-service": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page says the council planned to procure the service again for"
                " 2014-16, a period long past, and says nothing of it since."
            ),
        },
    ),
    "sample:unlocking-plymouth-s-potential-seet-plan": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the plan the page announces covers 2023-2025, a period over before"
                " we read it, and the page does not say what followed."
            ),
        },
    ),
    "sample:youth-hubs-pilot-for-neet-16-24-year-olds-on-universal-credit-cornwall": (
        "planned",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page, of early 2026, expected the hubs to open by the end of "
                "February, before we read it, and cannot say whether they did."
            ),
        },
    ),
    "sample:youth-engagement-project-cornwall": (
        "active",
        "ended",
        "2026-08-31",
        {
            "status": (
                "The page says the council will fund the project until the end of August 2026, "
                "before our reading date, so recorded as ended, as other records whose stated "
                "funding end has passed."
            ),
            "end_date": (
                "Funded until the end of August 2026 (month only; recorded as the last day of "
                "the month)."
            ),
        },
    ),
    "sample:west-midlands-youth-guarantee-trailblazer": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page gives the trailblazer's funding for 2025/26, a year over "
                "before we read it, and does not say whether it continues."
            ),
        },
    ),
    "sample:telford-wrekin-neet-engagement-and-reduction-scheme": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page announces the final recruitment window, closing on 19 "
                "December 2025, before we read it, and does not say when delivery ends."
            ),
        },
    ),
    "sample:connected-futures-hull": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page, of August 2022, announces an 18-month programme, a span "
                "over before we read it, and gives no end date."
            ),
        },
    ),
    "sample:york-college-project-for-learners-at-risk-of-neet-ukspf": (
        "active",
        "not_stated",
        None,
        {
            "status": (
                "Not stated: the page records the April 2024 decision to award the grant, not "
                "whether the project has run or is running."
            ),
        },
    ),
}


def _now() -> datetime:
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        return now.replace(tzinfo=None)  # as models.base.UTCDateTime stores it there
    return now


def _corrections() -> dict[str, tuple[str, str, str | None, dict[str, str]]]:
    unstated = {key: ("active", NOT_STATED, None, {}) for key in _UNSTATED}
    return unstated | _REVIEWED


def upgrade() -> None:
    connection, now = op.get_bind(), _now()
    t = _intervention
    unedited = ~sa.exists().where(_head.c.intervention_id == t.c.id)
    changed = 0
    for key, (loaded, status, end, notes) in _corrections().items():
        found = connection.execute(
            sa.select(t.c.id, t.c.end_date, t.c.provenance).where(
                t.c.external_id == key,
                t.c.origin == "public_sample",
                t.c.status == loaded,
                unedited,
            )
        ).first()
        if found is None or (end is not None and found.end_date is not None):
            continue
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if end is not None:
            values["end_date"] = date.fromisoformat(end)
        if notes:
            provenance = dict(found.provenance or {})
            provenance["notes"] = {**provenance.get("notes", {}), **notes}
            values["provenance"] = provenance
        connection.execute(t.update().where(t.c.id == found.id).values(**values))
        changed += 1
    if changed:
        _bump_public_version(connection, now)


def _bump_public_version(connection: sa.Connection, now: datetime) -> None:
    connection.execute(
        _public.update()
        .where(_public.c.id == 1)
        .values(version=_public.c.version + 1, changed_at=now)
    )


def downgrade() -> None:
    connection = op.get_bind()
    result = connection.execute(
        _intervention.update()
        .where(_intervention.c.status == NOT_STATED)
        .values(status="active", updated_at=_now())
    )
    if result.rowcount:
        _bump_public_version(connection, _now())
