"""The public version: one counter moved by every write that changes what the public sees.

Caches of public answers were keyed by the newest `updated_at`, which a write committed out
of order could fail to move; the counter is bumped inside each such write's transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "public_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_version")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as models.base.UTCDateTime stores it there
    op.bulk_insert(table, [{"id": 1, "version": 0, "changed_at": now}])


def downgrade() -> None:
    op.drop_table("public_version")
