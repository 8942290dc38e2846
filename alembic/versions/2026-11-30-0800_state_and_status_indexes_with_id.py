"""Index publication state and status together with the id.

The facets the list, map and cross-tabs evaluate filters on are the ids per state and per
status; with the id in the index, PostgreSQL reads them by an index-only scan instead of
visiting every row (about 1.7 s to a fraction of that at a million records).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index("ix_intervention_publication_state")
        batch_op.drop_index("ix_intervention_status")
        batch_op.create_index(
            "ix_intervention_publication_state_id", ["publication_state", "id"], unique=False
        )
        batch_op.create_index("ix_intervention_status_id", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index("ix_intervention_status_id")
        batch_op.drop_index("ix_intervention_publication_state_id")
        batch_op.create_index("ix_intervention_status", ["status"], unique=False)
        batch_op.create_index(
            "ix_intervention_publication_state", ["publication_state"], unique=False
        )
