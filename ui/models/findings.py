"""The handling-rules findings as a table: one row per practice that breaks a rule."""

from __future__ import annotations

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


def findings_model(parent: QObject | None = None) -> ListTableModel[Finding]:
    """Rows of ``services.handling.check_handling``; a row's tooltip says what is wrong."""
    return ListTableModel(FINDING_COLUMNS, lambda f: f.what_is_wrong, parent)
