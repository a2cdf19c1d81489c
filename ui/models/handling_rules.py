"""The handling rules as a table: what each rule covers and what it asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from isms.method.handling import SAFEGUARDS
from isms.model import HandlingChannel, HandlingStage
from isms.services import handling

from .list_table import ListColumn, ListTableModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class RuleRow:
    """One rule as read from the register (plain values: the dialog holds no ORM objects)."""

    code: str
    title: str
    min_marking: str | None
    stage: HandlingStage | None
    channel: HandlingChannel | None
    personal_data: bool
    special_category: bool
    required: tuple[str, ...]
    prohibited: bool
    active: bool


def load_rules(session: Session) -> list[RuleRow]:
    return [
        RuleRow(rule.code, rule.title, rule.min_marking.label if rule.min_marking else None,
                rule.stage, rule.channel, rule.applies_to_personal_data,
                rule.applies_to_special_category, tuple(rule.required_safeguards),
                rule.prohibited, rule.active)
        for rule in handling.rules(session)
    ]


def _sentence(value: object) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def _tick(value: bool) -> str:
    return "✓" if value else ""


def requires_text(row: RuleRow) -> str:
    if row.prohibited:
        return "Not allowed"
    return _sentence(", ".join(SAFEGUARDS.get(code, code) for code in row.required))


RULE_COLUMNS: tuple[ListColumn[RuleRow], ...] = (
    ListColumn("Code", lambda r: r.code),
    ListColumn("Rule", lambda r: r.title),
    ListColumn("Marking from", lambda r: r.min_marking or "Any",
               "The least sensitive marking the rule covers (and every marking above it)"),
    ListColumn("Stage", lambda r: _sentence(r.stage) if r.stage else "Any"),
    ListColumn("Channel", lambda r: _sentence(r.channel) if r.channel else "Any"),
    ListColumn("Personal", lambda r: _tick(r.personal_data),
               "Only for assets holding personal data", centred=True),
    ListColumn("Special", lambda r: _tick(r.special_category),
               "Only for assets holding special-category personal data", centred=True),
    ListColumn("Requires", requires_text, "The safeguards the practice must have"),
    ListColumn("Active", lambda r: _tick(r.active), "Inactive rules are kept but not checked",
               centred=True),
)


class HandlingRulesModel(ListTableModel[RuleRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(RULE_COLUMNS, lambda r: r.title, parent)

    def row_of(self, code: str) -> int | None:
        return next((n for n, r in enumerate(self.rows) if r.code == code), None)

    def cell_data(self, row: RuleRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            # Inactive rules are kept for the record but not checked: shown greyed out.
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled,
                                                   QPalette.ColorRole.Text)
        return None
