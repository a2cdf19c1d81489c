"""The tables of the smaller registers (treatment actions, SoA, data handling, evidence, reviews,
change log): their columns and the ``isms.services.read.lists`` queries that fill them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from isms.db import Register
from isms.services.read import lists
from isms.services.read.lists import ControlRow

from .register_table import Column, RegisterTableModel
from .registers import _sentence

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_LATE = "#f4c7c3"  # a soft red behind overdue and stale flags, readable in light and dark


def _flag(word: str) -> Column:
    key = word.lower()
    return Column(key, word, sortable=False, sample=word, text=lambda v: word if v else "",
                  colour=lambda row: _LATE if getattr(row, key) else None)


ACTION_COLUMNS: tuple[Column, ...] = (
    Column("risk_ref", "Risk", sample="RSK-00000", tooltip="The risk the action treats"),
    Column("title", "Action", sample="Put data-sharing agreements in place", stretch=True),
    Column("owner", "Owner", sample="Christopher Evans"),
    Column("due_date", "Due"),
    Column("status", "Status", sample="In progress", text=_sentence),
    _flag("Overdue"),
)

HANDLING_COLUMNS: tuple[Column, ...] = (
    Column("asset_ref", "Asset", sample="ASC-00000"),
    Column("asset_name", "Asset name", sample="Adult social care case records", stretch=True),
    Column("stage", "Stage", sample="Transferred", text=_sentence,
           tooltip="Stage of the asset's life; sorts in life-cycle order"),
    Column("channel", "Channel", sample="Removable media", text=_sentence),
    Column("safeguards", "Safeguards", sample="access-controlled, encrypted, marked",
           sortable=False),
    Column("third_party", "Third party", sample="Northgate Public Services"),
    Column("agreement", "Agreement", sample="Yes", tooltip="A data-sharing agreement is in place"),
    Column("retention_months", "Retention", sample="000",
           tooltip="How long it is kept, in months"),
)

CONTROL_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Control", sample="8.34", tooltip="ISO/IEC 27001:2022 Annex A control"),
    Column("title", "Title", sample="Information security roles and responsibilities",
           stretch=True),
    Column("applicability", "Applicability", sample="Provided by a third party",
           text=_sentence,
           tooltip="Whole council: applicable if any in-scope department applies it"),
    Column("reasons", "Reasons", sample="business requirement, risk assessment",
           sortable=False, tooltip="Why the control is included"),
    Column("status", "Implementation", sample="Partially implemented", text=_sentence,
           tooltip="Whole council: the weakest status of the departments that apply it"),
    Column("owner", "Owner", sample="Christopher Evans",
           tooltip="Control owner (whole council: the shared owner, or how many there are)"),
    Column("evidence", "Evidence", sample="000", tooltip="Evidence linked to the control"),
)

EVIDENCE_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="EV-00000"),
    Column("title", "Title", sample="Patch compliance dashboard export - Finance", stretch=True),
    Column("kind", "Kind", sample="Link", text=_sentence, tooltip="A stored file or a link"),
    Column("evidence_date", "Date"),
    Column("valid_until", "Valid until", tooltip="After this date the evidence is stale"),
    _flag("Stale"),
    Column("controls", "Controls", sample="000", tooltip="Controls the evidence supports"),
)

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="SMG-2026-00"),
    Column("meeting_date", "Date"),
    Column("title", "Title", sample="Security Managers Group quarterly review", stretch=True),
    Column("status", "Status", sample="In progress", text=_sentence),
    Column("chair", "Chair", sample="Christopher Evans"),
    Column("items", "Items", sample="000", tooltip="Agenda items"),
    Column("decided", "Decided", sample="000", tooltip="Agenda items decided"),
)

CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("at", "When", sample="0000-00-00 00:00+00:00"),
    Column("actor", "Who", sample="christopher.evans"),
    Column("action", "Action", sample="Update", text=_sentence),
    Column("label", "Record", sample="handling practice transferred of asset 000"),
    Column("fields", "Changed", sample="owner_id, status, next_review", sortable=False,
           stretch=True, tooltip="Fields an update changed; what an insert or event set"),
)


def action_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, ACTION_COLUMNS, lists.action_ids,
                              lists.action_rows, parent)


def handling_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, HANDLING_COLUMNS, lists.handling_ids,
                              lists.handling_rows, parent)


class ControlQueries:
    """The SoA's rows depend on the department, which only the ids query is told: remember it."""

    def __init__(self) -> None:
        self.department: int | None = None

    def ids(
        self, session: Session, *, department: int | None, search: str | None, order_by: str,
        descending: bool,
    ) -> list[int]:
        self.department = department
        return lists.control_ids(session, department=department, search=search,
                                 order_by=order_by, descending=descending)

    def rows(self, session: Session, ids: Sequence[int]) -> list[ControlRow]:
        return lists.control_rows(session, ids, self.department)


def control_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    queries = ControlQueries()
    return RegisterTableModel(register.reading, CONTROL_COLUMNS, queries.ids, queries.rows,
                              parent)


def evidence_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, EVIDENCE_COLUMNS, lists.evidence_ids,
                              lists.evidence_rows, parent)


def review_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, REVIEW_COLUMNS, lists.review_ids,
                              lists.review_rows, parent)


def change_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, CHANGE_COLUMNS, lists.change_ids,
                              lists.change_rows, parent)
