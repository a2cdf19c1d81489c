"""Settings → Protective markings…, driven as a user would on a real register file: the current
scheme's markings and local labels, adding a label (a refusal said in the dialog, nothing
written) and choosing the current scheme after a confirmation."""

from __future__ import annotations

from typing import Any

from isms.db import Register
from isms.services import classification
from ui.dialogs.markings_dialog import LocalLabelDialog, MarkingsDialog
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown

GSC = "Government Security Classifications"
GPMS = "Government Protective Marking Scheme (2008)"


def saved_markings(register: Register) -> tuple[str, list[tuple[str, str | None]]]:
    with register.session() as session:
        return (classification.current_scheme(session).name,
                [(row.label, row.stands_for) for row in classification.markings(session)])


def test_the_current_schemes_markings_are_listed(qtbot: Any, register: Register) -> None:
    dialog = shown(qtbot, MarkingsDialog(register))
    assert dialog.scheme_combo.currentText() == f"{GSC} (current)"
    assert dialog.row_texts() == [["1", "OFFICIAL", ""], ["2", "OFFICIAL-SENSITIVE", ""],
                                  ["3", "SECRET", ""], ["4", "TOP SECRET", ""]]
    assert not dialog.make_current_button.isEnabled()  # it is current already


def test_a_local_label_is_added_for_the_marking_it_stands_for(
    qtbot: Any, register: Register, on_modal: OnModal
) -> None:
    dialog = shown(qtbot, MarkingsDialog(register))

    def add(label_dialog: LocalLabelDialog) -> None:
        label_dialog.label_edit.setText("Council Confidential")
        label_dialog.marking_combo.setCurrentText("OFFICIAL-SENSITIVE")
        assert label_dialog.save()

    on_modal(LocalLabelDialog, add)
    dialog.add_button.click()
    assert ["3", "COUNCIL CONFIDENTIAL", "OFFICIAL-SENSITIVE"] in dialog.row_texts()
    assert dialog.message.text() == "Added the local label COUNCIL CONFIDENTIAL."
    assert saved_markings(register) == (GSC, [
        ("OFFICIAL", None), ("OFFICIAL-SENSITIVE", None),
        ("COUNCIL CONFIDENTIAL", "OFFICIAL-SENSITIVE"), ("SECRET", None), ("TOP SECRET", None)])
    assert dialog.changed.touches("classification_marking")


def test_a_label_the_scheme_has_is_refused_in_the_dialog_and_nothing_written(
    qtbot: Any, register: Register
) -> None:
    before = saved_markings(register)
    dialog = shown(qtbot, LocalLabelDialog(register, ["OFFICIAL", "SECRET"], scheme=GSC))
    assert not dialog.save()
    assert dialog.message.text() == "Give the label as the department writes it."
    dialog.label_edit.setText("official")
    assert not dialog.save()
    assert "already has the marking OFFICIAL" in dialog.message.text()
    assert dialog.isVisible() and dialog.saved is None
    assert saved_markings(register) == before


def test_another_scheme_is_made_current_only_once_confirmed(
    qtbot: Any, register: Register
) -> None:
    answers: list[bool] = [False, True]
    asked: list[str] = []

    def confirm(_parent: Any, _title: str, question: str) -> bool:
        asked.append(question)
        return answers.pop(0)

    dialog = shown(qtbot, MarkingsDialog(register, confirm=confirm))
    dialog.scheme_combo.setCurrentIndex(dialog.scheme_combo.findData(GPMS))
    assert dialog.make_current_button.isEnabled()
    dialog.make_current_button.click()  # "Cancel"
    assert saved_markings(register)[0] == GSC
    dialog.make_current_button.click()  # "Yes"
    assert "Assets keep their Government Security Classifications markings" in asked[0]
    current, rows = saved_markings(register)
    assert current == GPMS
    assert [label for label, _ in rows][:3] == ["UNCLASSIFIED", "PROTECT", "RESTRICTED"]
    assert dialog.scheme_combo.currentText() == f"{GPMS} (current)"
    assert dialog.row_texts()[1] == ["2", "PROTECT", ""]
    assert dialog.message.text() == f"{GPMS} is now the current scheme."


def test_the_settings_menu_opens_the_markings(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    opened: list[list[list[str]]] = []

    def look(dialog: MarkingsDialog) -> None:
        opened.append(dialog.row_texts())
        dialog.reject()

    on_modal(MarkingsDialog, look)
    settings = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Settings")
    next(a for a in settings.actions() if a.text() == "Protective &markings…").trigger()
    assert opened and opened[0][0] == ["1", "OFFICIAL", ""]
