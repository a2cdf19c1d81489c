"""The Policies page's table (the document register): its columns, and the
``isms.services.read.policy_rows`` queries with the page's status and kind filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from isms.db import Register
from isms.services.read import policy_rows
from isms.services.read.policy_rows import PolicyRow

from .register_table import Column, RegisterTableModel
from .registers import _sentence

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_LATE = "#f4c7c3"  # as the other pages' overdue flags

COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="POL-000"),
    Column("title", "Title", sample="Information security policy", stretch=True),
    Column("kind", "Kind", sample="Procedure", text=_sentence),
    Column("version_label", "Version", sample="00.0"),
    Column("status", "Status", sample="Withdrawn", text=_sentence),
    Column("owner", "Owner", sample="Christopher Evans"),
    Column("approved_on", "Approved"),
    Column("next_review", "Next review",
           tooltip="Twelve months (or the document's interval) after approval, unless set",
           colour=lambda row: _LATE if getattr(row, "overdue", False) else None),
    Column("department", "Department", sample="HSG", tooltip="Blank: council-wide"),
)


class PolicyQueries:
    """The ids query with the filters the page's combo boxes set (None: every one)."""

    def __init__(self) -> None:
        self.status: str | None = None
        self.kind: str | None = None

    def ids(self, session: Session, *, department: int | None, search: str | None,
            order_by: str, descending: bool) -> list[int]:
        return policy_rows.policy_ids(session, department=department, search=search,
                                      order_by=order_by, descending=descending,
                                      status=self.status, kind=self.kind)

    def rows(self, session: Session, ids: Sequence[int]) -> list[PolicyRow]:
        return policy_rows.policy_rows(session, ids)


class PolicyModel(RegisterTableModel):
    queries: PolicyQueries


def policy_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    queries = PolicyQueries()
    model = PolicyModel(register.reading, COLUMNS, queries.ids, queries.rows, parent)
    model.queries = queries
    return model
