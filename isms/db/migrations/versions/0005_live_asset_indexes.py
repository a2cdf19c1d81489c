"""Partial indexes of live (not retired) assets by name and by review date.

The asset table is sorted by these for 100,000 rows at a time; a partial index covers the
"not retired" filter, so the sort reads the index alone instead of every asset row. They replace
the plain indexes on the same columns.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_LIVE = sa.text("status != 'retired'")


def upgrade() -> None:
    # Plain DROP/CREATE INDEX: a batch (table copy) would drop the search triggers of 0004.
    op.drop_index("ix_asset_name", table_name="asset")
    op.drop_index("ix_asset_next_review", table_name="asset")
    for column in ("name", "next_review"):
        op.create_index(
            f"ix_asset_live_{column}",
            "asset",
            [column],
            unique=False,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        )


def downgrade() -> None:
    for column in ("name", "next_review"):
        op.drop_index(f"ix_asset_live_{column}", table_name="asset")
    op.create_index("ix_asset_name", "asset", ["name"], unique=False)
    op.create_index("ix_asset_next_review", "asset", ["next_review"], unique=False)
