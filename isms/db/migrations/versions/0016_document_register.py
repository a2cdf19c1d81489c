"""The document register (issue 18, 5; ISO/IEC 27001 5.1, 7.5): the council's policies,
procedures, standards, guidance and plans with version, owner, approval and next review, and the
Annex A controls each supports.

Two new tables; nothing existing changes, so an existing register upgrades with an empty register.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "controlled_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", _enum("document_kind", "policy", "procedure", "standard", "guidance",
                                "plan"), nullable=False),
        sa.Column("version_label", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", _enum("document_status", "draft", "approved", "withdrawn"),
                  nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("review_months", sa.Integer(), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("stored_name", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'approved' OR (approved_by_id IS NOT NULL AND approved_on IS NOT NULL)",
            name=op.f("ck_controlled_document_approval_recorded")),
        sa.CheckConstraint("review_months > 0",
                           name=op.f("ck_controlled_document_review_interval")),
        sa.CheckConstraint("stored_name IS NULL OR sha256 IS NOT NULL",
                           name=op.f("ck_controlled_document_file_hashed")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["person.id"],
                                name=op.f("fk_controlled_document_approved_by_id_person")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_controlled_document_department_id_department")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"],
                                name=op.f("fk_controlled_document_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controlled_document")),
        sa.UniqueConstraint("ref", name=op.f("uq_controlled_document_ref")),
    )
    op.create_index("ix_controlled_document_department_id", "controlled_document",
                    ["department_id"])
    op.create_table(
        "document_control",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"],
                                name=op.f("fk_document_control_control_id_control")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["controlled_document.id"], ondelete="CASCADE",
            name=op.f("fk_document_control_document_id_controlled_document")),
        sa.PrimaryKeyConstraint("document_id", "control_id", name=op.f("pk_document_control")),
    )
    op.create_index("ix_document_control_control_id", "document_control", ["control_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Register copies write ids explicitly: keep the sequence ahead of them (see 0006).
        op.execute(
            'CREATE TRIGGER "controlled_document_keep_id_sequence" AFTER INSERT ON '
            '"controlled_document" REFERENCING NEW TABLE AS written FOR EACH STATEMENT '
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER IF EXISTS "controlled_document_keep_id_sequence" '
                   'ON "controlled_document"')
    op.drop_index("ix_document_control_control_id", table_name="document_control")
    op.drop_table("document_control")
    op.drop_index("ix_controlled_document_department_id", table_name="controlled_document")
    op.drop_table("controlled_document")
