"""A review meeting's conclusions (ISO/IEC 27001 9.3.3): suitability, adequacy, effectiveness,
changes needed and resources, each recorded before the chair signs off (issue 17, 5).

Existing meetings get empty conclusions: what they concluded was not recorded apart.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: Plain ADD COLUMNs (NOT NULL with a default, which SQLite allows): rebuilding the table would
#: break the search views (see 0009, 0010).
_COLUMNS = ("suitability", "adequacy", "effectiveness", "changes", "resources")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("review_meeting", sa.Column(f"conclusion_{name}", sa.Text(),
                                                  server_default="", nullable=False))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.drop_column("review_meeting", f"conclusion_{name}")
