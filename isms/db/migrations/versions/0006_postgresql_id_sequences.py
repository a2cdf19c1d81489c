"""PostgreSQL: keep each id sequence ahead of ids written explicitly.

The demo, the imports and register copies insert rows with their ids chosen up front (fast
multi-row INSERTs, links resolved before writing). SQLite's next id is always max(id) + 1, but a
PostgreSQL sequence knows nothing of ids it did not hand out, so the next ordinary insert would
collide. A statement-level trigger on every table with a sequence-backed id moves the sequence
past the largest id the statement wrote; whoever writes, through whichever path. Statement-level
with a transition table: one cheap max() per statement, not per row.

A later migration that creates a table with a sequence-backed id on PostgreSQL adds the same
trigger to it (``CREATE TRIGGER <table>_keep_id_sequence ...`` as below).

Only PostgreSQL: on SQLite this revision does nothing.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION isms_keep_id_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seq text := pg_get_serial_sequence(
        quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME), 'id');
    top bigint;
BEGIN
    SELECT max(id) INTO top FROM written;
    IF seq IS NOT NULL AND top IS NOT NULL
       AND top > coalesce(pg_sequence_last_value(seq::regclass), 0) THEN
        PERFORM setval(seq, top);
    END IF;
    RETURN NULL;
END
$$
"""


def _tables() -> list[str]:
    """Tables of the register's schema whose ``id`` is filled from a sequence."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id' "
            "AND pg_get_serial_sequence(quote_ident(table_schema) || '.' || "
            "quote_ident(table_name), 'id') IS NOT NULL ORDER BY table_name"
        )
    )
    return [str(name) for (name,) in rows]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    for table in _tables():
        op.execute(
            f'CREATE TRIGGER "{table}_keep_id_sequence" AFTER INSERT ON "{table}" '
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION isms_keep_id_sequence()"
        )
        # Registers written before this revision: move each sequence past what is there
        # (forward only: an id once handed out is never handed out again).
        seq = f"pg_get_serial_sequence('\"{table}\"', 'id')"
        op.execute(
            f'SELECT setval({seq}, max(id)) FROM "{table}" '
            f"HAVING max(id) > coalesce(pg_sequence_last_value({seq}::regclass), 0)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        op.execute(f'DROP TRIGGER IF EXISTS "{table}_keep_id_sequence" ON "{table}"')
    op.execute("DROP FUNCTION IF EXISTS isms_keep_id_sequence()")
