"""Records that came from another directory, found and marked by their `external_id`.

A harvest keys each record on its source (the feed and the service's id there), so running
it again finds what it filed before instead of filing it twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import update
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from models.interventions.tables import Intervention


def records_by_external_id(
    session: Session, external_ids: Sequence[str]
) -> dict[str, Intervention]:
    """The stored records with these external ids, in any publication state."""
    if not external_ids:
        return {}
    statement = (
        select(Intervention)
        .where(col(Intervention.external_id).in_(list(external_ids)))
        .options(
            selectinload(Intervention.areas),  # type: ignore[arg-type]
            selectinload(Intervention.terms),  # type: ignore[arg-type]
            selectinload(Intervention.venues),  # type: ignore[arg-type]
        )
    )
    return {row.external_id: row for row in session.exec(statement).all() if row.external_id}


def mark_external_ids(session: Session, external_ids: Mapping[int, str]) -> None:
    """Give new records their source keys (the bulk insert of submissions leaves them none)."""
    for intervention_id, external_id in external_ids.items():
        session.exec(
            update(Intervention)
            .where(col(Intervention.id) == intervention_id)
            .values(external_id=external_id)
        )
    session.flush()
