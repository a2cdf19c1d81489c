"""An approved SoA version records the pre-flight warnings its approver acknowledged (issue 17,
7: approving with warnings is the approver's acknowledged choice, in the record).

Versions approved before keep an empty list: what stood then was not recorded.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, NOT NULL with a default (SQLite allows it): rebuilding the table
    # would break the search views (see 0009, 0010).
    op.add_column("soa_version", sa.Column("acknowledged_warnings", sa.JSON(),
                                           server_default="[]", nullable=False))


def downgrade() -> None:
    op.drop_column("soa_version", "acknowledged_warnings")
