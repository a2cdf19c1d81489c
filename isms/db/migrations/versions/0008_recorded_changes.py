"""Recorded changes: the saves that can be undone, kept in the register so that a change made
in the window can be taken back from the command line (``isms revert``).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recorded_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "done",
                "undone",
                name="change_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recorded_change")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # A sequence-backed id: keep the sequence ahead of ids written explicitly (see 0006).
        op.execute(
            'CREATE TRIGGER "recorded_change_keep_id_sequence" AFTER INSERT ON "recorded_change" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'DROP TRIGGER IF EXISTS "recorded_change_keep_id_sequence" ON "recorded_change"'
        )
    op.drop_table("recorded_change")
