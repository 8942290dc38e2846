"""The public version moves once per committed change to published content, and only then."""

import pytest
from sqlmodel import Session, select

from models.interventions.drafts import InterventionDraft
from models.interventions.public_version import PublicVersion
from models.interventions.queries import create_intervention, ensure_areas
from models.interventions.tables import Intervention

LEEDS = "E08000035"


def _version(session: Session) -> int:
    session.expire_all()
    return session.exec(select(PublicVersion.version)).one()


def _add(session: Session, state: str) -> Intervention:
    draft = InterventionDraft.model_validate({"name": f"A {state} record", "la_codes": [LEEDS]})
    return create_intervention(session, draft, ensure_areas(session, [LEEDS]), state=state)


def test_a_published_record_moves_it_once_however_many_flushes(session: Session) -> None:
    before = _version(session)
    row = _add(session, "published")
    session.flush()
    row.description = "changed in a second flush"
    session.flush()
    session.commit()
    assert _version(session) == before + 1


def test_drafts_leave_it_alone(session: Session) -> None:
    before = _version(session)
    row = _add(session, "submitted")
    session.commit()
    row.description = "still a draft"
    session.commit()
    assert _version(session) == before


@pytest.mark.parametrize("state", ["withdrawn", "submitted"])
def test_leaving_publication_moves_it(session: Session, state: str) -> None:
    row = _add(session, "published")
    session.commit()
    before = _version(session)
    row.publication_state = state
    session.commit()
    assert _version(session) == before + 1


def test_a_rolled_back_change_leaves_it_alone(session: Session) -> None:
    row = _add(session, "published")
    session.commit()
    before = _version(session)
    row.description = "never kept"
    session.flush()
    session.rollback()
    session.commit()  # nothing left to announce
    assert _version(session) == before
