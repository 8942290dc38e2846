"""Initial schema: areas, interventions, their classifications, areas served and venues.

On PostgreSQL it first makes sure PostGIS is there, and gives geometries GiST indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:52:53.724291
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.geography.geometry import Geometry

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "area",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=9), nullable=True),
        sa.Column("vintage", sa.String(length=20), nullable=True),
        sa.Column("geom", Geometry("MULTIPOLYGON"), nullable=True),
        sa.Column("geom_simplified", Geometry("MULTIPOLYGON"), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_area")),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index("ix_area_level_region_code", ["level", "region_code"], unique=False)
    if _is_postgresql():
        op.create_index("ix_area_geom", "area", ["geom"], postgresql_using="gist")

    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("provider", sa.String(length=300), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("outcome_measures", sa.JSON(), nullable=False),
        sa.Column("source_document", sa.String(length=300), nullable=True),
        sa.Column("source_quote", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("publication_state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention")),
        sa.UniqueConstraint("external_id", name=op.f("uq_intervention_external_id")),
    )
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervention_publication_state"), ["publication_state"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intervention_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_intervention_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "intervention_area",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["area.code"], name=op.f("fk_intervention_area_area_code_area")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
            name=op.f("fk_intervention_area_intervention_id_intervention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("intervention_id", "area_code", name=op.f("pk_intervention_area")),
    )
    with op.batch_alter_table("intervention_area", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intervention_area_area_code_intervention",
            ["area_code", "intervention_id"],
            unique=False,
        )

    op.create_table(
        "intervention_term",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
            name=op.f("fk_intervention_term_intervention_id_intervention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "intervention_id", "dimension", "slug", name=op.f("pk_intervention_term")
        ),
    )
    with op.batch_alter_table("intervention_term", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intervention_term_dimension_slug",
            ["dimension", "slug", "intervention_id"],
            unique=False,
        )

    op.create_table(
        "venue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("geom", Geometry("POINT"), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
            name=op.f("fk_venue_intervention_id_intervention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue")),
    )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_venue_intervention_id"), ["intervention_id"], unique=False
        )
    if _is_postgresql():
        op.create_index("ix_venue_geom", "venue", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    if _is_postgresql():
        op.drop_index("ix_venue_geom", table_name="venue")
        op.drop_index("ix_area_geom", table_name="area")
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_intervention_id"))

    op.drop_table("venue")
    with op.batch_alter_table("intervention_term", schema=None) as batch_op:
        batch_op.drop_index("ix_intervention_term_dimension_slug")

    op.drop_table("intervention_term")
    with op.batch_alter_table("intervention_area", schema=None) as batch_op:
        batch_op.drop_index("ix_intervention_area_area_code_intervention")

    op.drop_table("intervention_area")
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_updated_at"))
        batch_op.drop_index(batch_op.f("ix_intervention_status"))
        batch_op.drop_index(batch_op.f("ix_intervention_publication_state"))

    op.drop_table("intervention")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index("ix_area_level_region_code")

    op.drop_table("area")
