"""Boundary loads (the boundary version) and DfE three-digit LA codes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:57:21.728872
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boundary_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vintage", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("la_count", sa.Integer(), nullable=False),
        sa.Column("region_count", sa.Integer(), nullable=False),
        sa.Column("regions_from", sa.String(length=20), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_load")),
    )
    op.create_table(
        "dfe_la_code",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("gss_code", sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dfe_la_code")),
    )


def downgrade() -> None:
    op.drop_table("dfe_la_code")
    op.drop_table("boundary_load")
