"""Signatures: who signed what, who recorded it, and whether it awaits the signer's confirmation
(issue 16: sign-offs are acts of the signer; a decision recorded for someone else awaits them).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("signature_kind", "soa approval", "review sign-off", "risk acceptance",
                  "acceptance approval", "method approval"),
            nullable=False,
        ),
        sa.Column("subject_table", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("state", _enum("signature_state", "confirmed", "awaiting", "declined"),
                  nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["signer_id"], ["person.id"],
                                name=op.f("fk_signature_signer_id_person")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"],
                                name=op.f("fk_signature_recorded_by_id_person")),
        sa.ForeignKeyConstraint(["meeting_id"], ["review_meeting.id"], ondelete="SET NULL",
                                name=op.f("fk_signature_meeting_id_review_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_index("ix_signature_signer_state", "signature", ["signer_id", "state"])
    op.create_index("ix_signature_subject", "signature", ["subject_table", "subject_id"])
    if op.get_bind().dialect.name == "postgresql":
        # A sequence-backed id: keep the sequence ahead of ids written explicitly (see 0006).
        op.execute(
            'CREATE TRIGGER "signature_keep_id_sequence" AFTER INSERT ON "signature" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER IF EXISTS "signature_keep_id_sequence" ON "signature"')
    op.drop_index("ix_signature_subject", table_name="signature")
    op.drop_index("ix_signature_signer_state", table_name="signature")
    op.drop_table("signature")
