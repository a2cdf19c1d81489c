"""Treatment actions with a priority, resources, an original due date and a history of
deferrals; review actions with their subject, an escalation's answer and a close reason
(issue 17, 3-4: a complete treatment plan; actions that remember their subject).

Existing actions keep their due date as the original one (nothing says it moved before).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: Plain ADD COLUMNs on both SQLite and PostgreSQL (NOT NULL ones with a default, which SQLite
#: allows): rebuilding the tables would break the search views (see 0009, 0010).
_TREATMENT: tuple[sa.Column[Any], ...] = (
    sa.Column("priority", sa.String(length=10), server_default="", nullable=False),
    sa.Column("resources", sa.Text(), server_default="", nullable=False),
    sa.Column("original_due_date", sa.Date(), nullable=True),
)
_REVIEW: tuple[sa.Column[Any], ...] = (
    sa.Column("subject_table", sa.String(length=40), nullable=True),
    sa.Column("subject_id", sa.Integer(), nullable=True),
    sa.Column("escalation", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("answer", sa.Text(), server_default="", nullable=False),
    sa.Column("answered_by", sa.String(length=100), nullable=True),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("close_reason", sa.Text(), server_default="", nullable=False),
)


def upgrade() -> None:
    for column in _TREATMENT:
        op.add_column("treatment_action", column)
    for column in _REVIEW:
        op.add_column("review_action", column)
    op.execute("UPDATE treatment_action SET original_due_date = due_date")
    op.create_table(
        "action_deferral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_action_id", sa.Integer(), nullable=True),
        sa.Column("review_action_id", sa.Integer(), nullable=True),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("deferred_by", sa.String(length=100), nullable=False),
        sa.Column("deferred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(treatment_action_id IS NULL) <> (review_action_id IS NULL)",
                           name=op.f("ck_action_deferral_one_action")),
        sa.ForeignKeyConstraint(["treatment_action_id"], ["treatment_action.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_action_deferral_treatment_action_id_treatment_action")),
        sa.ForeignKeyConstraint(["review_action_id"], ["review_action.id"], ondelete="CASCADE",
                                name=op.f("fk_action_deferral_review_action_id_review_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_deferral")),
    )
    op.create_index("ix_action_deferral_treatment_action_id", "action_deferral",
                    ["treatment_action_id"])
    op.create_index("ix_action_deferral_review_action_id", "action_deferral",
                    ["review_action_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Register copies write ids explicitly: keep the sequence ahead of them (see 0006).
        op.execute(
            'CREATE TRIGGER "action_deferral_keep_id_sequence" AFTER INSERT ON "action_deferral" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER IF EXISTS "action_deferral_keep_id_sequence" ON "action_deferral"')
    op.drop_index("ix_action_deferral_review_action_id", table_name="action_deferral")
    op.drop_index("ix_action_deferral_treatment_action_id", table_name="action_deferral")
    op.drop_table("action_deferral")
    for column in reversed(_REVIEW):
        op.drop_column("review_action", column.name)
    for column in reversed(_TREATMENT):
        op.drop_column("treatment_action", column.name)
