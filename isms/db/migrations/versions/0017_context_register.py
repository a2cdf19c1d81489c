"""The context register (issue 18, 1; ISO/IEC 27001 4.1, 4.2 with Amendment 1:2024): internal
and external issues with the climate-change decision, interested parties, their requirements
and the controls that answer each.

New tables only: existing registers get them empty (the window and `isms context check` then
ask for the climate decision).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TABLES = ("context_issue", "interested_party", "party_requirement")
_STATUS = ("current", "retired")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    """A value stored as text with a CHECK, as the models' ``str_enum``."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(40, *(len(v) for v in values)))


def _stamps() -> list[sa.Column[Any]]:
    return [sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "context_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("kind", _enum("issue_kind", ("internal", "external", "climate")),
                  nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("issue", sa.String(length=300), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("context_status", _STATUS), nullable=False),
        sa.Column("decision", _enum("climate_decision", ("relevant", "not relevant")),
                  nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("(kind = 'climate') = (decision IS NOT NULL)",
                           name=op.f("ck_context_issue_climate_decided")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"],
                                name=op.f("fk_context_issue_owner_id_person")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["person.id"],
                                name=op.f("fk_context_issue_decided_by_id_person")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_context_issue_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_issue")),
        sa.UniqueConstraint("ref", name=op.f("uq_context_issue_ref")),
    )
    op.create_index("ix_context_issue_department_id", "context_issue", ["department_id"])
    op.create_table(
        "interested_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("context_status", _STATUS), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"],
                                name=op.f("fk_interested_party_owner_id_person")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_interested_party_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interested_party")),
        sa.UniqueConstraint("ref", name=op.f("uq_interested_party_ref")),
    )
    op.create_index("ix_interested_party_department_id", "interested_party", ["department_id"])
    op.create_table(
        "party_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["party_id"], ["interested_party.id"], ondelete="CASCADE",
                                name=op.f("fk_party_requirement_party_id_interested_party")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_requirement")),
    )
    op.create_index("ix_party_requirement_party_id", "party_requirement", ["party_id"])
    op.create_table(
        "requirement_control",
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["requirement_id"], ["party_requirement.id"], ondelete="CASCADE",
                                name=op.f("fk_requirement_control_requirement_id_party_requirement")),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"],
                                name=op.f("fk_requirement_control_control_id_control")),
        sa.PrimaryKeyConstraint("requirement_id", "control_id",
                                name=op.f("pk_requirement_control")),
    )
    op.create_index("ix_requirement_control_control_id", "requirement_control", ["control_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Register copies write ids explicitly: keep the sequences ahead of them (see 0006).
        for table in _TABLES:
            op.execute(
                f'CREATE TRIGGER "{table}_keep_id_sequence" AFTER INSERT ON "{table}" '
                "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
                "EXECUTE FUNCTION isms_keep_id_sequence()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS "{table}_keep_id_sequence" ON "{table}"')
    op.drop_index("ix_requirement_control_control_id", table_name="requirement_control")
    op.drop_table("requirement_control")
    op.drop_index("ix_party_requirement_party_id", table_name="party_requirement")
    op.drop_table("party_requirement")
    op.drop_index("ix_interested_party_department_id", table_name="interested_party")
    op.drop_table("interested_party")
    op.drop_index("ix_context_issue_department_id", table_name="context_issue")
    op.drop_table("context_issue")
