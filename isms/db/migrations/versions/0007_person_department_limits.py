"""Department limits: the departments whose records a person may change (none = all).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Composite primary key, no id sequence: so no keep-id-sequence trigger (see 0006).
    op.create_table(
        "person_department",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_department_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_person_department_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "department_id", name=op.f("pk_person_department")),
    )
    op.create_index(
        op.f("ix_person_department_department_id"),
        "person_department",
        ["department_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_person_department_department_id"), table_name="person_department")
    op.drop_table("person_department")
