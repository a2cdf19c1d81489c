"""The decision on one agenda item: its kind, the fields that kind needs, and a note.

Only the rows the chosen kind uses are shown, so Tab never wanders through inputs that would be
ignored. What the services will refuse for sure (a deferral or an override with no note saying
why) is said under the note as the user goes, and again when they decide.

An acceptance is signed by whoever is acting (shown, never chosen): the risk owner's own when
they are the acting user, else recorded for the owner and awaiting their confirmation; above the
appetite the approver is the acting user, or the approver it is recorded for. While the risk's
target is not reached the form says, before the SMG decides, that the acceptance is of today's
level ("Accepts the current level Very high: the target High is not reached").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from isms.model import AgendaKind, DecisionKind
from isms.services.reviews.meetings import AgendaItemView

from ..record_editor import WARNING_TEXT, qdate, text_box

#: (text shown, id); approvers are marked in their text.
People = tuple[tuple[str, int], ...]
CHOOSE = "— choose —"
#: Items whose subject is an action: deferring one moves its due date.
ACTION_ITEMS = frozenset({AgendaKind.ACTION_OVERDUE, AgendaKind.PREVIOUS_ACTION})
#: Decisions after which the subject has no next review to override.
NO_NEXT_REVIEW = frozenset({DecisionKind.CLOSE, DecisionKind.CLOSE_ACTION, DecisionKind.RETIRE})
#: Subjects whose next review a decision sets (the rest have none, or a due date instead).
REVIEWED_SUBJECTS = frozenset({"risk", "asset"})
#: A new action or a deferral is due this far ahead unless the SMG says otherwise.
DEFAULT_DUE = timedelta(days=28)


@dataclass(frozen=True)
class Scales:
    """The risk method's likelihood and impact points, for the re-score spin boxes."""

    likelihood: tuple[str, ...]
    impact: tuple[str, ...]


def sentence(text: str) -> str:
    """"SIRO" stays "SIRO": only the first letter is raised."""
    return text[:1].upper() + text[1:]


def _spin(points: tuple[str, ...]) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, max(len(points), 1))
    spin.setToolTip("\n".join(f"{n}: {label}" for n, label in enumerate(points, start=1)))
    return spin


def _people_combo(people: People, none_text: str = CHOOSE) -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_text, None)
    for text, person_id in people:
        combo.addItem(text, person_id)
    return combo


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _picked(edit: QDateEdit) -> date:
    value: date = edit.date().toPython()  # type: ignore[assignment]
    return value


class DecisionForm(QWidget):
    """Decide one item; ``arguments()`` are the keywords of ``reviews.decide``."""

    changed = Signal()

    def __init__(self, people: People, approvers: People, scales: Scales,
                 parent: QWidget | None = None, *, signer: str | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()
        self.item: AgendaItemView | None = None
        self.kind_combo = QComboBox()
        self.likelihood = _spin(scales.likelihood)
        self.impact = _spin(scales.impact)
        self.owner = _people_combo(people)
        self.action_title = QLineEdit()
        self.due_date = _date_edit()
        # The acceptance is the owner's act: recorded by the acting user for the owner unless
        # they are the owner. Above the appetite an approver signs: the acting user, unless the
        # approver it is recorded for is chosen.
        you = f"you ({signer})" if signer else "you"
        self.accepted_by = QLabel(f"The risk owner. Recorded by {you}: unless you are the owner "
                                  "it awaits the owner's confirmation, and counts only then.")
        self.accepted_by.setWordWrap(True)
        self.accepting = QLabel()  # what an acceptance accepts, when it is not the target
        self.accepting.setWordWrap(True)
        self.accepting.setStyleSheet(f"color: {WARNING_TEXT};")
        self.approver = _people_combo(approvers, "— you, if you hold the approver role —")
        self.override = QCheckBox("Override next &review:")
        self.next_review = _date_edit()
        self.next_review.setEnabled(False)
        self.note = text_box(3, self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {WARNING_TEXT};")
        self.hint.hide()
        self.decided_label = QLabel()
        self.decided_label.setWordWrap(True)
        self.decided_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget, name in ((self.kind_combo, "Decision"), (self.likelihood, "Likelihood"),
                             (self.impact, "Impact"), (self.owner, "Owner"),
                             (self.action_title, "Action title"), (self.due_date, "Due date"),
                             (self.accepted_by, "Accepted by"),
                             (self.accepting, "Level accepted"),
                             (self.approver, "Recorded for approver"),
                             (self.override, "Override next review"),
                             (self.next_review, "Next review"), (self.note, "Note")):
            widget.setAccessibleName(name)
        self.override.setToolTip("Set the next review yourself instead of by the risk level's "
                                 "cadence (the note says why)")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("", self.decided_label)
        self._row("&Decision:", self.kind_combo)
        self._row("&Likelihood:", self.likelihood)
        self._row("I&mpact:", self.impact)
        self._row("O&wner:", self.owner)
        self._row("Action &title:", self.action_title)
        self.due_label = self._row("Due dat&e:", self.due_date)
        self._row("Accepted by:", self.accepted_by)
        self._row("Level accepted:", self.accepting)
        self._row("Recorded for appro&ver:", self.approver)
        self.form.addRow(self.override, self.next_review)
        self._row("N&ote:", self.note)
        self.form.addRow("", self.hint)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.override.toggled.connect(self._override_toggled)
        self.note.textChanged.connect(self.update_hint)
        self.set_item(None)

    def _row(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        self.form.addRow(label, widget)
        return label

    # --- showing an item ---------------------------------------------------------------------

    def set_item(self, item: AgendaItemView | None, *, editable: bool = True,
                 scores: tuple[int | None, int | None] = (None, None),
                 accepting: str | None = None) -> None:
        """Show ``item``: its decision if it has one (read only), else a fresh form for it.
        ``accepting``: what accepting its risk would accept when not its target
        (``decisions.accept_preview``), shown with the Accept decision."""
        self.item = item
        self.accepting.setText(f"{accepting}." if accepting else "")
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        decision = item.decision if item else None
        if decision is not None:
            self.kind_combo.addItem(sentence(decision.kind.value), decision.kind.value)
            self.note.setPlainText(decision.note)
            when = f"{decision.decided_at:%d %B %Y %H:%M}"
            text = f"Decided by {decision.decided_by} on {when}."
            if decision.effect:
                text += f" {sentence(decision.effect)}."
            if decision.next_review:
                text += f" Next review {decision.next_review.isoformat()}."
            self.decided_label.setText(text)
        else:
            for kind in item.allowed if item else ():
                self.kind_combo.addItem(sentence(kind.value), kind.value)
            self.note.clear()
            self._reset_fields(scores)
        self.kind_combo.blockSignals(False)
        # Typing picks a decision by its first letters; a new item starts a new search rather
        # than adding to what was typed for the last one moments ago.
        self.kind_combo.view().keyboardSearch("")
        self.form.setRowVisible(self.decided_label, decision is not None)
        self.setEnabled(item is not None)
        for widget in self.inputs():
            widget.setEnabled(editable and decision is None and item is not None)
        self.next_review.setEnabled(self.override.isEnabled() and self.override.isChecked())
        self._kind_changed()

    def _reset_fields(self, scores: tuple[int | None, int | None]) -> None:
        self.likelihood.setValue(scores[0] or 1)
        self.impact.setValue(scores[1] or 1)
        for combo in (self.owner, self.approver):
            combo.setCurrentIndex(0)
        self.action_title.clear()
        self.due_date.setDate(qdate(self.today + DEFAULT_DUE))
        self.override.setChecked(False)
        self.next_review.setDate(qdate(self.today + timedelta(days=90)))

    def inputs(self) -> list[QWidget]:
        """Every input of the form, in the order Tab visits them."""
        return [self.kind_combo, self.likelihood, self.impact, self.owner, self.action_title,
                self.due_date, self.approver, self.override, self.next_review,
                self.note]

    def kind(self) -> DecisionKind | None:
        # The combo holds the kind's value: Qt keeps a str enum as a plain string.
        value = self.kind_combo.currentData()
        return DecisionKind(value) if isinstance(value, str) else None

    def choose(self, kind: DecisionKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def _kind_changed(self) -> None:
        kind = self.kind()
        fresh = self.item is not None and self.item.decision is None
        deferring_action = (kind is DecisionKind.DEFER and self.item is not None
                            and self.item.kind in ACTION_ITEMS)
        rows: dict[QWidget, bool] = {
            self.likelihood: kind is DecisionKind.RESCORE,
            self.impact: kind is DecisionKind.RESCORE,
            self.owner: kind in (DecisionKind.CHANGE_OWNER, DecisionKind.ADD_ACTION),
            self.action_title: kind is DecisionKind.ADD_ACTION,
            self.due_date: kind is DecisionKind.ADD_ACTION or deferring_action,
            self.accepted_by: kind is DecisionKind.ACCEPT,
            self.accepting: kind is DecisionKind.ACCEPT and bool(self.accepting.text()),
            self.approver: kind is DecisionKind.ACCEPT,
            self.override: (kind is not None and kind not in NO_NEXT_REVIEW
                            and self.item is not None
                            and self.item.subject_table in REVIEWED_SUBJECTS),
        }
        for widget, visible in rows.items():
            self.form.setRowVisible(widget, fresh and visible)
        self.due_label.setText("New due dat&e:" if deferring_action else "Due dat&e:")
        self.update_hint()
        self.changed.emit()

    def _override_toggled(self, on: bool) -> None:
        self.next_review.setEnabled(on)
        self.update_hint()

    # --- what the decision is ----------------------------------------------------------------

    def overriding(self) -> bool:
        return self.override.isChecked() and self.form.isRowVisible(self.override)

    def problems(self) -> list[tuple[str, QWidget]]:
        """What the services would refuse, each with the input to fix."""
        kind = self.kind()
        if self.item is None or self.item.decision is not None:
            return []
        if kind is None:
            return [("Choose a decision.", self.kind_combo)]
        found: list[tuple[str, QWidget]] = []
        note = self.note.toPlainText().strip()
        if kind is DecisionKind.DEFER and not note:
            found.append(("A deferral needs a note saying why.", self.note))
        elif self.overriding() and not note:
            found.append(("Overriding the next review needs a note saying why.", self.note))
        if kind is DecisionKind.ADD_ACTION and not self.action_title.text().strip():
            found.append(("The new action needs a title.", self.action_title))
        return found

    def update_hint(self) -> None:
        text = "\n".join(message for message, widget in self.problems()
                         if widget is self.note)
        self.hint.setText(text)
        self.form.setRowVisible(self.hint, bool(text))

    def arguments(self) -> dict[str, Any]:
        """The keywords of ``reviews.decide`` after the item id and kind."""
        kind = self.kind()
        args: dict[str, Any] = {"note": self.note.toPlainText().strip()}
        if kind is DecisionKind.RESCORE:
            args.update(likelihood=self.likelihood.value(), impact=self.impact.value())
        if kind in (DecisionKind.CHANGE_OWNER, DecisionKind.ADD_ACTION):
            args["owner_id"] = self.owner.currentData()
        if kind is DecisionKind.ADD_ACTION:
            args.update(action_title=self.action_title.text().strip(),
                        due_date=_picked(self.due_date))
        if kind is DecisionKind.DEFER and self.form.isRowVisible(self.due_date):
            args["due_date"] = _picked(self.due_date)
        if kind is DecisionKind.ACCEPT:
            args["approver_id"] = self.approver.currentData()
        if self.overriding():
            args["next_review"] = _picked(self.next_review)
        return args

    def field_widget(self, name: str) -> QWidget | None:
        """The input a ValidationError's ``field`` names (the keywords of ``decide``)."""
        return {"kind": self.kind_combo, "note": self.note, "likelihood": self.likelihood,
                "impact": self.impact, "owner_id": self.owner,
                "action_title": self.action_title, "due_date": self.due_date,
                "approver_id": self.approver,
                "next_review": self.next_review}.get(name)
