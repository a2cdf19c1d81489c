"""The obligations register (issue 18, 3; ISO/IEC 27001 A.5.31): the legal, regulatory and
contractual obligations, each with the controls that meet it and the evidence that shows it.

New tables only: existing registers get them empty.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_KINDS = ("legislation", "regulation", "contract", "standard", "agreement", "code of practice")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    """A value stored as text with a CHECK, as the models' ``str_enum``."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(40, *(len(v) for v in values)))


def upgrade() -> None:
    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", _enum("obligation_kind", _KINDS), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("obligation_status", ("current", "retired")),
                  nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"],
                                name=op.f("fk_obligation_owner_id_person")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_obligation_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligation")),
        sa.UniqueConstraint("ref", name=op.f("uq_obligation_ref")),
    )
    op.create_index("ix_obligation_department_id", "obligation", ["department_id"])
    op.create_table(
        "obligation_control",
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligation.id"], ondelete="CASCADE",
                                name=op.f("fk_obligation_control_obligation_id_obligation")),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"],
                                name=op.f("fk_obligation_control_control_id_control")),
        sa.PrimaryKeyConstraint("obligation_id", "control_id",
                                name=op.f("pk_obligation_control")),
    )
    op.create_index("ix_obligation_control_control_id", "obligation_control", ["control_id"])
    op.create_table(
        "obligation_evidence",
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligation.id"], ondelete="CASCADE",
                                name=op.f("fk_obligation_evidence_obligation_id_obligation")),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], ondelete="CASCADE",
                                name=op.f("fk_obligation_evidence_evidence_id_evidence")),
        sa.PrimaryKeyConstraint("obligation_id", "evidence_id",
                                name=op.f("pk_obligation_evidence")),
    )
    op.create_index("ix_obligation_evidence_evidence_id", "obligation_evidence",
                    ["evidence_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Register copies write ids explicitly: keep the sequence ahead of them (see 0006).
        op.execute(
            'CREATE TRIGGER "obligation_keep_id_sequence" AFTER INSERT ON "obligation" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER IF EXISTS "obligation_keep_id_sequence" ON "obligation"')
    op.drop_index("ix_obligation_evidence_evidence_id", table_name="obligation_evidence")
    op.drop_table("obligation_evidence")
    op.drop_index("ix_obligation_control_control_id", table_name="obligation_control")
    op.drop_table("obligation_control")
    op.drop_index("ix_obligation_department_id", table_name="obligation")
    op.drop_table("obligation")
