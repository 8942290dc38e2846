"""Context indicators per LA (DfE NEET and participation, IMD 2019) and the loads that made them.

One long table, `area_indicator`: a row per LA, indicator and period, so a new indicator or
year is a new row, not a new column. A figure DfE suppressed (`c`) or marked not applicable
(`z`), or that the source simply lacks, is kept as a NULL value with the reason in `missing`,
never as zero; a check constraint makes "a value or a reason, never both" hold in the database.
`context_load` records each load; its latest id is the context version API workers cache on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "context_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_load")),
    )
    op.create_table(
        "area_indicator",
        sa.Column("area_code", sa.String(length=9), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("missing", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "(value IS NULL) <> (missing IS NULL)",
            name=op.f("ck_area_indicator_value_or_missing"),
        ),
        sa.CheckConstraint(
            "missing IS NULL OR missing IN ('suppressed', 'not_applicable', 'no_data')",
            name=op.f("ck_area_indicator_missing_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["area.code"],
            name=op.f("fk_area_indicator_area_code_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_code", "indicator", "period", name=op.f("pk_area_indicator")),
    )
    with op.batch_alter_table("area_indicator", schema=None) as batch_op:
        batch_op.create_index(
            "ix_area_indicator_indicator_period", ["indicator", "period"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("area_indicator", schema=None) as batch_op:
        batch_op.drop_index("ix_area_indicator_indicator_period")
    op.drop_table("area_indicator")
    op.drop_table("context_load")
