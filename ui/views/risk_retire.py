"""Risk > Retire risk…: a risk that no longer applies leaves the live register, kept with the
reason, through one recorded save (``edits.retire_risk``), so Edit > Undo and ``isms revert``
take it back."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit

from isms.errors import IsmsError, ValidationError
from isms.services import edits
from isms.services.read.risk_record import risk_record

from .shell import Shell


def retire_risk(window: Shell, risk_id: int) -> bool:
    """Ask why the risk no longer applies, then retire it; True when it was retired."""
    try:
        with window.register.session() as session:
            risk = risk_record(session, risk_id)
    except IsmsError as exc:
        window.reporter.expected(window, exc, "isms — cannot retire the risk")
        return False
    reason: str | None = ""
    while (reason := _ask_why(window, risk.ref, risk.title, reason or "")) is not None:
        try:
            with window.register.transaction() as session:
                saved = edits.retire_risk(session, risk_id, risk.version, reason, name=risk.ref)
        except IsmsError as exc:
            window.reporter.expected(window, exc, "isms — the risk was not retired")
            if isinstance(exc, ValidationError):  # no reason given: ask again
                continue
            return False  # retired or changed by someone else meanwhile
        window.undo_history.push(saved)
        window.refresh(saved.changed)
        window.statusBar().showMessage(f"Retired {risk.ref}.", 10_000)
        return True
    return False


def _ask_why(window: Shell, ref: str, title: str, reason: str) -> str | None:
    """The reason typed (starting from ``reason``), or None when the user cancelled."""
    ask = QInputDialog(window)
    ask.setWindowTitle(f"Retire {ref} — isms")
    ask.setLabelText(f"Why does {ref} \u201c{title}\u201d no longer apply? The reason is kept "
                     "with the risk, which stays in the register out of the live risks.")
    ask.setTextEchoMode(QLineEdit.EchoMode.Normal)
    ask.setTextValue(reason)
    ask.setOkButtonText("&Retire")
    try:
        return ask.textValue() if ask.exec() else None
    finally:
        ask.deleteLater()
