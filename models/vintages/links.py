"""Moving interventions off LA codes a new boundary vintage no longer has, on the record.

Interventions never lose an area, and none changes silently: each record whose LAs a load
changes gets a version in its history (action `boundaries`, by `neetmap`), so its latest
version always matches the live row and the partner can see what happened and why.

When a retired code stands for several LAs (E10000006 Cumbria is now Cumberland and Westmorland
and Furness), a record keeps to those of them it was itself submitted or last edited with;
it serves them all only if it named none of them, or named the retired code itself. So a
Cumberland record that a 2021 load moved onto Cumbria comes back to Cumberland alone when the
2023 boundaries return, instead of spreading to Westmorland and Furness.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from geodata.codes import LACodeRegistry, UnknownAreaCodeError
from models.base import utcnow
from models.geography.area import Area
from models.interventions.tables import Intervention, InterventionArea
from models.partners.record_versions import Actor, InterventionVersion, draft_of, snapshot_of
from models.partners.submissions import add_version, claim_version, ensure_head, read_heads

logger = logging.getLogger(__name__)

BOUNDARIES_ACTION: Final = "boundaries"
"""The history action of a change made by a boundary load."""
_LOADER: Final = Actor(None, "neetmap")
_UNSYNCED: Final = {"synchronize_session": False}  # the session is expired after the bulk work

Link = tuple[int, str]


def retire_stale_areas(session: Session, la_names: Mapping[str, str], current: set[str]) -> None:
    """Delete areas not in the new vintage, first moving intervention links to successors.

    `la_names` are the new vintage's LAs (code -> name); `current` every code it keeps (LAs
    and regions). A referenced code with no successor among the new LAs (a typo in old data,
    a region code that vanished) keeps its row, with no geometry and no vintage, so no link
    is lost. The caller expires the session afterwards.
    """
    stale = set(session.exec(select(Area.code).where(col(Area.code).not_in(current))).all())
    if not stale:
        return
    link = InterventionArea
    links: list[Link] = list(
        session.exec(
            select(link.intervention_id, link.area_code).where(col(link.area_code).in_(stale))
        ).all()
    )
    successors = _successors({code for _, code in links}, la_names)
    moving = [(record, code) for record, code in links if code in successors]
    if moving:
        _repoint(session, moving, successors)
    kept = {code for _, code in links} - set(successors)
    if kept:
        cleared = {"geom": None, "geom_simplified": None, "vintage": None, "updated_at": utcnow()}
        bbox = dict.fromkeys(("min_lon", "min_lat", "max_lon", "max_lat"))
        session.exec(
            update(Area).where(col(Area.code).in_(kept)).values(**cleared, **bbox),
            execution_options=_UNSYNCED,
        )
        logger.warning(
            "Kept areas %s without boundaries: interventions use them and the new boundaries "
            "have no successor for them.",
            ", ".join(sorted(kept)),
        )
    session.exec(delete(Area).where(col(Area.code).in_(stale - kept)), execution_options=_UNSYNCED)


def _repoint(
    session: Session, moving: Sequence[Link], successors: Mapping[str, tuple[str, ...]]
) -> None:
    """Move `moving` links to successors, and give every record changed a history version."""
    ids = sorted({record for record, _ in moving})
    found = session.exec(select(Intervention).where(col(Intervention.id).in_(ids))).all()
    rows = {record: row for row in found if (record := row.id) is not None}
    heads = read_heads(session, ids)
    for record in ids:  # version 1 of a record without history is its state before this load
        ensure_head(session, rows[record], heads[record])
    own = _own_codes(session, ids)
    link = InterventionArea
    present = set(
        session.exec(
            select(link.intervention_id, link.area_code).where(col(link.intervention_id).in_(ids))
        ).all()
    )
    added: list[dict[str, Any]] = []
    for record, old in moving:
        for new in _targets(old, successors[old], own.get(record, frozenset())):
            if (record, new) not in present:
                present.add((record, new))
                added.append({"intervention_id": record, "area_code": new})
    if added:
        session.exec(insert(link), params=added)
    retired = {old for _, old in moving}  # every link to these codes is in `moving`
    session.exec(delete(link).where(col(link.area_code).in_(retired)), execution_options=_UNSYNCED)
    session.exec(
        update(Intervention).where(col(Intervention.id).in_(ids)).values(updated_at=utcnow()),
        execution_options=_UNSYNCED,
    )
    session.expire_all()  # the live rows now have their new LAs
    for record in ids:
        row, version = rows[record], heads[record].version
        number = claim_version(session, record, version)
        snapshot = snapshot_of(draft_of(row))
        add_version(
            session, row, number, BOUNDARIES_ACTION, row.publication_state, snapshot,
            ["la_codes"], _LOADER,
        )  # fmt: skip
    session.flush()


def _targets(old: str, successors: tuple[str, ...], own: frozenset[str]) -> tuple[str, ...]:
    """The successors of `old` a record moves to: those it named itself, else all of them."""
    if len(successors) < 2 or old in own:
        return successors
    named = tuple(code for code in successors if code in own)
    return named or successors


def _own_codes(session: Session, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """LA codes of each record's newest version that a boundary load did not make."""
    versions = session.exec(
        select(InterventionVersion.intervention_id, InterventionVersion.snapshot)
        .where(
            col(InterventionVersion.intervention_id).in_(list(ids)),
            col(InterventionVersion.action) != BOUNDARIES_ACTION,
        )
        .order_by(col(InterventionVersion.number))
    ).all()
    newest: dict[int, Mapping[str, Any]] = dict(versions)  # later numbers win
    return {
        record: frozenset(str(code) for code in snapshot.get("la_codes", ()))
        for record, snapshot in newest.items()
    }


def _successors(referenced: set[str], la_names: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Codes of the new vintage that cover each referenced old code, where history knows them."""
    registry = LACodeRegistry(la_names)
    found: dict[str, tuple[str, ...]] = {}
    for code in sorted(referenced):
        try:
            resolution = registry.resolve(code)
        except UnknownAreaCodeError:
            continue
        found[code] = resolution.codes
        logger.warning(
            "Interventions for %s now serve %s (or those of them they named themselves). %s",
            code,
            ", ".join(resolution.codes),
            resolution.warning or "",
        )
    return found
