"""The handling-rules findings as a table: one row per practice that breaks a rule, and the risk
already made from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject

from isms.method.handling import SAFEGUARDS, Finding

from .list_table import ListColumn, ListTableModel


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def missing_text(finding: Finding) -> str:
    """What the practice lacks, in words ("Encrypted, a data-sharing agreement")."""
    if finding.prohibited:
        return "Not allowed at all"
    return _sentence(", ".join(SAFEGUARDS.get(code, code) for code in finding.missing))


FINDING_COLUMNS: tuple[ListColumn[Finding], ...] = (
    ListColumn("Asset", lambda f: f.asset_ref, "Reference of the information asset"),
    ListColumn("Asset name", lambda f: f.asset_name),
    ListColumn("Stage", lambda f: _sentence(str(f.stage)),
               "Stage of the asset's life the practice covers"),
    ListColumn("Channel", lambda f: _sentence(str(f.channel)) if f.channel else "",
               "How the information moves (for transfers and sharing)"),
    ListColumn("Rule", lambda f: f.rule_code, "The handling rule the practice breaks"),
    ListColumn("What the rule says", lambda f: f.rule_title),
    ListColumn("Missing", missing_text,
               "The safeguards the practice lacks, or that it is not allowed"),
)


class FindingsModel(ListTableModel[Finding]):
    """Rows of ``services.handling.check_handling``; a row's tooltip says what is wrong, and the
    last column gives the reference of the risk already made from the finding."""

    def __init__(self, parent: QObject | None = None) -> None:
        risk = ListColumn("Risk", self.risk_of, "The risk already made from the finding")
        super().__init__((*FINDING_COLUMNS, risk), lambda f: f.what_is_wrong, parent)
        self._risks: dict[Finding, str] = {}

    def risk_of(self, finding: Finding) -> str:
        """The reference of the risk made from ``finding`` ("" while there is none)."""
        return self._risks.get(finding, "")

    def set_findings(self, findings: Sequence[Finding], risks: Mapping[Finding, str]) -> None:
        self._risks = dict(risks)
        self.set_rows(findings)

    def set_risks(self, risks: Mapping[Finding, str]) -> None:
        """New risk references for the same rows (a risk was made): rows and selection stay."""
        self._risks = dict(risks)
        if self._rows:
            column = self.columnCount() - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))
