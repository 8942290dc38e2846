"""Where each intervention record came from, and the provenance of compiled records.

The embedded default now carries a national sample compiled by the project from public web
pages; the API and the map must be able to say that such a record was not submitted by the
LA, and serve the notes saying which part of the source page supports each classification.
Existing records are partner submissions, except those the seed documents loaded.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=20), server_default="submission", nullable=False)
        )
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
    op.execute("UPDATE intervention SET origin = 'seed_document' WHERE external_id LIKE 'seed:%'")


def downgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_column("provenance")
        batch_op.drop_column("origin")
