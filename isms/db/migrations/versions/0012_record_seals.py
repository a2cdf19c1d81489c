"""Record seals: the digests of the rows a bulk path (setup, demo, import, import undo) wrote,
which the change log holds no values for, so ``isms audit verify`` can replay the log against
the tables and find a row changed behind the application's back (issue 16, 5).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("digests", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_seal")),
    )
    op.create_index("ix_record_seal_entry_id", "record_seal", ["entry_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Register copies write ids explicitly: keep the sequence ahead of them (see 0006).
        op.execute(
            'CREATE TRIGGER "record_seal_keep_id_sequence" AFTER INSERT ON "record_seal" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER IF EXISTS "record_seal_keep_id_sequence" ON "record_seal"')
    op.drop_index("ix_record_seal_entry_id", table_name="record_seal")
    op.drop_table("record_seal")
