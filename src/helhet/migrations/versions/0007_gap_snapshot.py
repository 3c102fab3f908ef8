"""per-person gap snapshot, kept current by change tracking (the unit's gap list in one read)

Revision ID: 0007_gap_snapshot
Revises: 0006_web_sessions
Create Date: 2026-12-01 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import helhet.db

revision: str = "0007_gap_snapshot"
down_revision: str | None = "0006_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_gap_state",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("facts_version", sa.Integer(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=True),
        sa.Column("rules_key", sa.String(length=16), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("computed_at", helhet.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_gap_state_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_gap_state")),
    )


def downgrade() -> None:
    op.drop_table("person_gap_state")
