"""The tables of the context pages (issues with the climate decision, interested parties):
their columns and the ``isms.services.read.context_rows`` queries that fill them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from isms.db import Register
from isms.services.read import context_rows
from isms.services.read.context_rows import IssueRow

from .register_table import Column, RegisterTableModel
from .registers import _sentence

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_LATE = "#f4c7c3"  # as the other pages' overdue flags

ISSUE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="CI-000"),
    Column("kind", "Kind", sample="External", text=_sentence,
           tooltip="Internal or external issue, or the climate-change decision (4.1)"),
    Column("category", "Category", sample="Technological", text=_sentence),
    Column("issue", "Issue", sample="Procurement Act 2023 in force", stretch=True),
    Column("owner", "Owner", sample="Christopher Evans"),
    Column("department", "Department", sample="HSG",
           tooltip="Blank: council-wide"),
    Column("review_date", "Next review",
           colour=lambda row: _LATE if getattr(row, "overdue", False) else None),
)

PARTY_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="IP-000"),
    Column("name", "Interested party", sample="Information Commissioner's Office",
           stretch=True),
    Column("kind", "Kind", sample="Elected members", text=_sentence),
    Column("requirements", "Requirements", sample="000", sortable=False,
           tooltip="Current requirements recorded"),
    Column("unanswered", "Unanswered", sample="000", sortable=False,
           tooltip="Requirements no control answers yet",
           colour=lambda row: _LATE if getattr(row, "unanswered", 0) else None),
    Column("owner", "Owner", sample="Christopher Evans"),
    Column("department", "Department", sample="HSG", tooltip="Blank: council-wide"),
    Column("review_date", "Next review"),
)


class IssueQueries:
    """The issues page's ids query, with the kind filter the page's combo box sets."""

    def __init__(self) -> None:
        self.kind: str | None = None

    def ids(self, session: Session, *, department: int | None, search: str | None,
            order_by: str, descending: bool) -> list[int]:
        return context_rows.issue_ids(session, department=department, search=search,
                                      order_by=order_by, descending=descending, kind=self.kind)

    def rows(self, session: Session, ids: Sequence[int]) -> list[IssueRow]:
        return context_rows.issue_rows(session, ids)


class IssueModel(RegisterTableModel):
    queries: IssueQueries


def issue_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    queries = IssueQueries()
    model = IssueModel(register.reading, ISSUE_COLUMNS, queries.ids, queries.rows, parent)
    model.queries = queries
    return model


def party_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, PARTY_COLUMNS, context_rows.party_ids,
                              context_rows.party_rows, parent)
