"""The risk editor driven as a user would, on a real register file: live level, colour, heat-map
position and review date; saving through the services; errors shown with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox

from isms.db import Register, commit
from isms.method.criteria import Criteria
from isms.model import Asset, Person, Risk, TreatmentOption
from isms.services import method
from isms.services.read import queries
from ui.dialogs.risk_editor import RiskEditor
from ui.views.main_window import MainWindow
from ui.views.register_page import RegisterPage
from ui.widgets.heat_map import HeatMap

from .conftest import OnModal, Sample, shown

TODAY = date(2026, 3, 2)


def risk_id(register: Register, ref: str) -> int:
    with register.session() as session:
        return queries.risk_by_ref(session, ref).id


def stored(register: Register, ref: str) -> Risk:
    with register.session() as session:
        risk = queries.risk_by_ref(session, ref)
        session.expunge(risk)
        return risk


def criteria(register: Register) -> Criteria:
    with register.session() as session:
        return queries.current_criteria(session)


def person_id(register: Register, name: str) -> int:
    with register.session() as session:
        return session.query(Person).filter_by(name=name).one().id


def set_active(register: Register, name: str, active: bool) -> None:
    with register.transaction() as session:
        session.query(Person).filter_by(name=name).one().active = active


def open_editor(qtbot: Any, register: Register, ref: str) -> RiskEditor:
    return shown(qtbot, RiskEditor(register, risk_id(register, ref), today=TODAY))


def risks_page(qtbot: Any, register: Register, ref: str) -> tuple[MainWindow, RegisterPage, int]:
    """The main window on its Risks page, and the row showing ``ref``."""
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("risks")
    page = window.pages["risks"]
    row = page.model.row_of(risk_id(register, ref))
    assert row is not None
    return window, page, row


def choose(combo: QComboBox, value: int | None) -> None:
    """Pick the item for a scale value, as the user would from the drop-down."""
    index = combo.findData(value)
    assert index >= 0, f"{value} is not offered"
    combo.setCurrentIndex(index)


def painted(widget: Any, point: QPoint) -> str:
    """The colour actually drawn at ``point`` of the widget, as #rrggbb."""
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio)).name()


def test_editing_scores_changes_level_colour_and_next_review(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    colours = {level.name: level.colour for level in criteria(register).levels}
    editor = open_editor(qtbot, register, "R-004")  # residual 1 x 2: Low, reviewed 2026-06-04
    chip = editor.chips["residual"]
    assert editor.likelihood["residual"].currentText() == "1 — Rare"
    assert editor.impact["residual"].currentText() == "2 — Minor"
    assert chip.text() == "Low"
    assert chip.colour() == colours["Low"]
    assert editor.review_value.text() == "2026-06-04"  # as planned until the scores change

    choose(editor.likelihood["residual"], 4)
    choose(editor.impact["residual"], 4)

    assert chip.text() == "High"
    assert chip.colour() == colours["High"] == "#e07020"
    # What is on screen, not only what the widget was told: the chip is painted in that colour.
    assert painted(chip, QPoint(chip.height() // 2, 3)) == colours["High"]
    assert editor.appetite_labels["residual"].text() == "Above appetite"
    # The target does not set the review: today's level does (issue 17).
    assert editor.review_value.text() == (TODAY + timedelta(days=365)).isoformat()
    assert "Low (inherent) risks are reviewed every 365 days" in editor.review_why.text()
    choose(editor.likelihood["current"], 4)
    choose(editor.impact["current"], 4)
    assert editor.appetite_labels["current"].text() == "Above appetite"
    high_review = TODAY + timedelta(days=90)
    assert editor.review_value.text() == high_review.isoformat()
    assert "High (current) risks are reviewed every 90 days" in editor.review_why.text()

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.result() == RiskEditor.DialogCode.Accepted
    saved = stored(register, "R-004")
    assert (saved.residual_likelihood, saved.residual_impact) == (4, 4)
    assert saved.next_review == high_review
    assert saved.version == 2
    with register.session() as session:
        assert saved.criteria_id == queries.current_criteria_id(session)


def test_heat_map_marks_move_with_the_ratings(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-001")  # inherent 4 x 5, residual 2 x 3
    heat_map: HeatMap = editor.heat_map
    assert heat_map.marks() == {"inherent": (4, 5), "residual": (2, 3)}

    def empty() -> QPoint:
        """Below the middle of cell 3 x 3, where a mark's white disc is but its letter is not
        (worked out each time: the matrix may be laid out anew as the ratings change)."""
        cell = heat_map.cell_rect(3, 3)
        return cell.center() + QPoint(0, int(cell.height() * 0.62 * 0.38))

    level_colour = heat_map.cell_level(3, 3).colour  # type: ignore[union-attr]
    assert painted(heat_map, empty()) == level_colour

    choose(editor.likelihood["current"], 3)
    choose(editor.impact["current"], 3)
    assert heat_map.marks() == {"inherent": (4, 5), "current": (3, 3), "residual": (2, 3)}
    assert painted(heat_map, empty()) == "#ffffff"  # the mark's disc is drawn in that cell
    assert "Current: likelihood 3, impact 3" in heat_map.accessibleDescription()

    choose(editor.likelihood["residual"], None)
    choose(editor.impact["residual"], None)
    assert heat_map.marks() == {"inherent": (4, 5), "current": (3, 3)}
    assert editor.chips["residual"].text() == "Not rated"
    assert editor.chips["residual"].colour() is None
    assert heat_map.describe(3, 3).endswith("= 9: Medium\nCurrent rating")


def test_half_a_rating_is_flagged_inline_and_not_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-002")
    choose(editor.likelihood["current"], 2)
    assert editor.chips["current"].text() == "Incomplete"
    assert "Give both likelihood and impact for the current rating" in editor.hint_label.text()

    assert editor.save() is False
    assert "Give both likelihood and impact" in editor.message.text()
    assert editor.impact["current"].hasFocus()
    assert editor.isVisible()
    assert stored(register, "R-002").version == 1


def test_a_validation_error_from_the_services_is_shown_and_nothing_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-004")  # the combos offer the 5-point scale
    choose(editor.treatment, TreatmentOption.AVOID)  # type: ignore[arg-type]
    # Meanwhile the SMG moves the register to a 3-point likelihood scale.
    with register.transaction() as session:
        current = queries.current_criteria(session)
        definition = current.to_definition()
        definition["likelihood"] = definition["likelihood"][:3]
        method.change_criteria(session, Criteria.from_definition(definition), note="3 x 5",
                               actor="chair")
    before = stored(register, "R-004")

    choose(editor.likelihood["residual"], 5)
    assert editor.save() is False

    assert "Residual likelihood 5 is outside the scale 1-3" in editor.message.text()
    assert editor.likelihood["residual"].hasFocus()  # the field the error names
    after = stored(register, "R-004")
    assert (after.version, after.treatment_option) == (before.version, before.treatment_option)


def test_a_stale_save_shows_the_conflict_and_keeps_the_other_save(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-003")
    with register.session(actor="colleague") as session:
        queries.risk_by_ref(session, "R-003").title = "Ransomware on every file server"
        commit(session)

    choose(editor.impact["residual"], 1)
    assert editor.save() is False
    assert "Risk R-003 was changed by someone else" in editor.message.text()
    assert editor.message.action.isVisibleTo(editor) and editor.message.action.text() == "Reload"
    saved = stored(register, "R-003")
    assert saved.title == "Ransomware on every file server"
    assert (saved.residual_likelihood, saved.residual_impact) == (2, 5)

    qtbot.mouseClick(editor.message.action, Qt.MouseButton.LeftButton)  # Reload
    assert editor.title_edit.text() == "Ransomware on every file server"
    assert editor.impact["residual"].currentData() == 5  # the edit was dropped with the reload
    choose(editor.impact["residual"], 1)
    assert editor.save() is True
    assert stored(register, "R-003").residual_impact == 1


def test_review_date_override_needs_a_reason(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-006")
    editor.override.setChecked(True)
    editor.override_date.setDate(QDate(2026, 4, 30))
    assert editor.review_value.text() == "2026-04-30"
    assert "Say why the review departs from the cadence" in editor.hint_label.text()
    assert editor.save() is False
    assert stored(register, "R-006").review_override_reason == ""

    qtbot.keyClicks(editor.override_reason, "Retention policy changes in April")
    assert editor.hint_label.text() == ""
    assert editor.save() is True
    saved = stored(register, "R-006")
    assert saved.next_review == date(2026, 4, 30)
    assert saved.review_override_reason == "Retention policy changes in April"

    # Back onto the cadence: the date follows the level again, and the reason is cleared.
    again = open_editor(qtbot, register, "R-006")
    assert again.override.isChecked() and again.override_reason.text().startswith("Retention")
    again.override.setChecked(False)
    # Medium: its inherent level, as it was never assessed with its controls (issue 17).
    assert again.review_value.text() == (TODAY + timedelta(days=180)).isoformat()
    assert again.save() is True
    assert stored(register, "R-006").review_override_reason == ""
    assert stored(register, "R-006").next_review == TODAY + timedelta(days=180)


def test_suggest_impact_uses_the_assets_highest_rating(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    with register.transaction() as session:
        risk = queries.risk_by_ref(session, "R-004")
        risk.assets.append(session.query(Asset).filter_by(ref="A-008").one())  # C = 5
    editor = open_editor(qtbot, register, "R-004")
    assert editor.asset_list.texts() == ["A-008 Adult social care database"]
    qtbot.mouseClick(editor.suggest_button, Qt.MouseButton.LeftButton)
    assert editor.impact["inherent"].currentText() == "5 — Severe"
    assert "Inherent impact set to 5 (Severe)" in editor.suggestion_label.text()
    assert editor.chips["inherent"].text() == "High"  # 2 x 5 = 10


def test_treatment_is_saved_with_its_note(qtbot: Any, register: Register, sample: Sample) -> None:
    editor = open_editor(qtbot, register, "R-005")  # no treatment chosen yet
    assert not editor.treatment_note.isEnabled()
    choose(editor.treatment, TreatmentOption.SHARE)  # type: ignore[arg-type]
    qtbot.keyClicks(editor.treatment_note, "Insurance through the county's broker")
    assert editor.save() is True
    saved = stored(register, "R-005")
    assert saved.treatment_option == TreatmentOption.SHARE
    assert saved.treatment_note == "Insurance through the county's broker"


@pytest.mark.parametrize(("key", "modifier", "accepted"), [
    (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier, True),
    (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, True),
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, False),
])
def test_keyboard_saves_and_cancels(
    qtbot: Any, register: Register, sample: Sample,
    key: Qt.Key, modifier: Qt.KeyboardModifier, accepted: bool,
) -> None:
    editor = open_editor(qtbot, register, "R-004")
    editor.likelihood["inherent"].setFocus()
    choose(editor.likelihood["inherent"], 5)
    qtbot.keyClick(editor.likelihood["inherent"], key, modifier)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert (editor.result() == RiskEditor.DialogCode.Accepted) is accepted
    assert (stored(register, "R-004").inherent_likelihood == 5) is accepted


def test_double_click_on_a_risk_opens_the_editor_and_the_table_shows_the_save(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window, page, row = risks_page(qtbot, register, "R-004")
    residual = [c.key for c in page.model.columns].index("residual_level")
    assert page.model.data(page.model.index(row, residual)) == "Low"

    def rescore(editor: RiskEditor) -> None:
        choose(editor.likelihood["residual"], 5)
        choose(editor.impact["residual"], 5)
        editor.save()

    on_modal(RiskEditor, rescore)
    rect = page.table.visualRect(page.model.index(row, 1))
    # A real double-click is a click then a double-click event; QTest sends only the latter.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    row = page.model.row_of(risk_id(register, "R-004"))
    assert row is not None
    assert page.model.data(page.model.index(row, residual)) == "Very high"
    colour = page.model.data(page.model.index(row, residual), Qt.ItemDataRole.BackgroundRole)
    assert colour == QColor("#c62828")
    assert page.table.currentIndex().row() == row  # the edited risk stays selected


@pytest.mark.parametrize("how", ["enter", "menu"])
def test_enter_on_a_risk_or_the_menu_opens_it_in_the_editor(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal, how: str
) -> None:
    window, page, row = risks_page(qtbot, register, "R-002")
    page.table.setCurrentIndex(page.model.index(row, 0))
    seen: list[str] = []

    def look(editor: RiskEditor) -> None:
        seen.append(editor.snapshot.ref)
        editor.reject()

    on_modal(RiskEditor, look)
    if how == "enter":
        page.table.setFocus()
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    else:
        window.edit_risk_action.trigger()
    qtbot.waitUntil(lambda: seen == ["R-002"])


def test_rescoring_an_accepted_risk_warns_and_withdraws_the_acceptance(
    qtbot: Any, demo: Register
) -> None:
    with demo.session() as session:
        accepted = next(r for r in session.query(Risk).order_by(Risk.ref)
                        if r.current_acceptance is not None and r.residual_likelihood)
        ref, owner = accepted.ref, accepted.current_acceptance.accepted_by.name  # type: ignore[union-attr]
        likelihood = accepted.residual_likelihood
    editor = open_editor(qtbot, demo, ref)
    assert editor.acceptance_note.text().startswith(f"{owner} accepted the residual risk on ")
    assert "withdraws" not in editor.acceptance_note.text()
    choose(editor.likelihood["residual"], 1 if likelihood != 1 else 2)
    assert "Saving new scores withdraws that acceptance." in editor.acceptance_note.text()
    assert editor.save() is True
    with demo.session() as session:
        assert queries.risk_by_ref(session, ref).current_acceptance is None


def test_the_editor_comes_back_at_the_size_it_was_left(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    first = open_editor(qtbot, register, "R-001")
    # The test platform's screen is 800 x 800: a height change is what can be seen here.
    assert first.height() == 660
    first.resize(first.width(), 620)
    first.reject()
    again = open_editor(qtbot, register, "R-002")
    assert (again.width(), again.height()) == (first.width(), 620)


# --- title, description and owner ------------------------------------------------------------


def test_title_description_and_owner_are_saved_with_the_scores(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-002")  # owned by Bob Baker
    assert editor.title_edit.text() == "Email sent to the wrong recipient"
    assert editor.owner.currentText() == "Bob Baker"
    assert [editor.owner.itemText(n) for n in range(editor.owner.count())] == [
        "No owner", "Alice Archer", "Bob Baker", "Carol Cole", "Dan Drake",
    ]
    editor.title_edit.clear()
    qtbot.keyClicks(editor.title_edit, "  Email sent to the wrong school  ")
    qtbot.keyClicks(editor.description_edit, "Autocomplete picks the wrong address.")
    choose(editor.owner, person_id(register, "Carol Cole"))
    choose(editor.likelihood["residual"], 2)

    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Return)  # Enter in the title saves

    assert editor.result() == RiskEditor.DialogCode.Accepted
    saved = stored(register, "R-002")
    assert saved.title == "Email sent to the wrong school"  # trimmed, as the services keep it
    assert saved.description == "Autocomplete picks the wrong address."
    assert saved.owner_id == person_id(register, "Carol Cole")
    assert saved.residual_likelihood == 2
    assert saved.version == 2  # one save, one step: details and scores in one transaction


def test_no_owner_can_be_chosen(qtbot: Any, register: Register, sample: Sample) -> None:
    editor = open_editor(qtbot, register, "R-003")
    editor.owner.setCurrentIndex(0)
    assert editor.owner.currentText() == "No owner"
    assert editor.save() is True
    assert stored(register, "R-003").owner_id is None


def test_a_blank_title_is_flagged_inline_focused_and_nothing_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-001")
    assert not editor.title_hint.isVisible()
    choose(editor.likelihood["residual"], 1)
    qtbot.keyClicks(editor.description_edit, "Left on the back seat.")
    editor.title_edit.selectAll()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Space)  # only white space left

    assert editor.title_hint.isVisible() and editor.title_hint.text() == "Give the risk a title."
    assert editor.hint_label.text() == ""  # said beside the title, not among the scores
    editor.likelihood["inherent"].setFocus()
    assert editor.save() is False
    assert editor.message.text() == "Give the risk a title."
    assert editor.title_edit.hasFocus()
    assert editor.isVisible()
    saved = stored(register, "R-001")
    assert (saved.version, saved.title, saved.description) == (1, "Laptop stolen from a car", "")
    assert saved.residual_likelihood == 2

    qtbot.keyClicks(editor.title_edit, "Laptop stolen")
    assert not editor.title_hint.isVisible()
    assert editor.save() is True
    assert stored(register, "R-001").title == "Laptop stolen"


def test_a_new_owner_of_an_accepted_risk_withdraws_the_acceptance(
    qtbot: Any, demo: Register
) -> None:
    with demo.session() as session:
        accepted = next(r for r in session.query(Risk).order_by(Risk.ref)
                        if r.current_acceptance is not None and r.owner is not None)
        ref, owner_id = accepted.ref, accepted.owner_id
        ratings = (accepted.residual_likelihood, accepted.residual_impact)
    editor = open_editor(qtbot, demo, ref)
    assert "withdraws" not in editor.acceptance_note.text()
    new_owner = next(editor.owner.itemData(n) for n in range(1, editor.owner.count())
                     if editor.owner.itemData(n) != owner_id)
    choose(editor.owner, new_owner)
    assert editor.acceptance_note.text().endswith(
        "Saving a new owner withdraws that acceptance."
    )
    choose(editor.owner, owner_id)  # changing one's mind puts the note back
    assert "withdraws" not in editor.acceptance_note.text()
    choose(editor.owner, new_owner)
    assert editor.save() is True

    with demo.session() as session:
        risk = queries.risk_by_ref(session, ref)
        assert risk.owner_id == new_owner
        assert risk.current_acceptance is None
        withdrawn = risk.acceptances[-1]
        assert withdrawn.withdrawn_at is not None
        assert withdrawn.withdrawn_reason == "the risk has a new owner, who has not accepted it"
        assert (risk.residual_likelihood, risk.residual_impact) == ratings


def test_an_owner_who_left_meanwhile_is_refused_and_the_owner_field_focused(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-001")  # owned by Alice Archer
    set_active(register, "Dan Drake", False)  # leaves while the editor is open
    choose(editor.owner, person_id(register, "Dan Drake"))
    assert editor.save() is False
    assert "Dan Drake has left (inactive) and cannot own R-001." in editor.message.text()
    assert editor.owner.hasFocus()  # the field the ValidationError names
    saved = stored(register, "R-001")
    assert (saved.version, saved.owner_id) == (1, person_id(register, "Alice Archer"))


def test_an_owner_who_has_left_is_shown_and_scores_still_save(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    set_active(register, "Alice Archer", False)
    editor = open_editor(qtbot, register, "R-001")
    assert editor.owner.currentText() == "Alice Archer (has left)"  # shown, not dropped
    assert editor.owner.findText("Alice Archer") < 0  # and not offered as a new owner
    choose(editor.likelihood["residual"], 1)
    assert editor.save() is True
    saved = stored(register, "R-001")
    assert (saved.residual_likelihood, saved.owner_id) == (1, person_id(register, "Alice Archer"))


# --- what the risk is made of: threat, C/I/A, assets, controls; its treatment actions --------


def catalogued(register: Register, kind: type[Any], code: str) -> int:
    from isms.services import risks as risk_service

    with register.session() as session:
        return risk_service.catalogue_id(session, kind, code)


def asset_id(register: Register, ref: str) -> int:
    with register.session() as session:
        return queries.asset_by_ref(session, ref).id


def control_id(register: Register, ref: str) -> int:
    with register.session() as session:
        return queries.control_by_ref(session, ref).id


def test_threat_cia_assets_and_controls_are_saved_and_undone_from_the_window(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from isms.model import Threat, Vulnerability
    from ui.dialogs.choose import ChooseDialog

    window = shown(qtbot, MainWindow(register))
    theft = catalogued(register, Threat, "T01")
    weak = catalogued(register, Vulnerability, "V01")

    def pick_asset(dialog: ChooseDialog) -> None:
        # Only the live assets of the risk's department (CS) are offered.
        offered = [dialog.combo.itemText(n) for n in range(dialog.combo.count())]
        assert offered == ["A-001 Payroll records", "A-004 CCTV footage",
                           "A-007 Building access badges", "A-010 Email service"]
        dialog.choose("A-004 CCTV footage")
        dialog.accept()

    def edit(editor: RiskEditor) -> None:
        editor.tabs.setCurrentIndex(1)
        choose(editor.threat, theft)
        # The threat's C/I/A is ticked for a risk with none ticked yet.
        assert editor.affects_letters() == next(
            t.affects for t in editor.choices.threats if t.id == theft)
        editor.affects["C"].setChecked(True)
        editor.affects["I"].setChecked(False)
        editor.affects["A"].setChecked(True)
        choose(editor.vulnerability, weak)
        on_modal(ChooseDialog, pick_asset)
        qtbot.mouseClick(editor.asset_list.add_button, Qt.MouseButton.LeftButton)
        editor.asset_list.add(asset_id(register, "A-001"))
        assert editor.asset_list.texts() == ["A-004 CCTV footage", "A-001 Payroll records"]
        editor.tabs.setCurrentIndex(2)
        editor.existing_controls.setPlainText("Laptops are encrypted")
        editor.control_list.add(control_id(register, "8.1"))
        assert editor.save()

    on_modal(RiskEditor, edit)
    window.edit_risk(risk_id(register, "R-001"))

    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-001")
        assert risk.threat is not None and risk.threat.code == "T01"
        assert risk.vulnerability is not None and risk.vulnerability.code == "V01"
        assert (risk.affects, risk.existing_controls) == ("CA", "Laptops are encrypted")
        assert sorted(a.ref for a in risk.assets) == ["A-001", "A-004"]
        assert [c.ref for c in risk.controls] == ["8.1"]
        assert (risk.residual_likelihood, risk.residual_impact) == (2, 3)  # untouched

    window.undo_history.undo_action.trigger()
    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-001")
        assert (risk.threat, risk.vulnerability, risk.affects, risk.existing_controls) == (
            None, None, "", "")
        assert risk.assets == [] and risk.controls == []


def test_removing_an_asset_and_a_control_is_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    with register.transaction() as session:
        risk = queries.risk_by_ref(session, "R-001")
        risk.assets.append(queries.asset_by_ref(session, "A-001"))
        risk.assets.append(queries.asset_by_ref(session, "A-004"))
        risk.controls.append(queries.control_by_ref(session, "8.1"))
    editor = open_editor(qtbot, register, "R-001")
    assert editor.control_list.texts()[0].startswith("8.1 ")
    assert not editor.asset_list.remove_button.isEnabled()  # nothing selected yet
    editor.asset_list.list.setCurrentRow(0)
    qtbot.mouseClick(editor.asset_list.remove_button, Qt.MouseButton.LeftButton)
    editor.control_list.list.setCurrentRow(0)
    editor.control_list.remove_selected()
    # The suggestion reads the assets as saved: not offered until the change is saved.
    assert not editor.suggest_button.isEnabled()
    assert editor.save()
    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-001")
        assert [a.ref for a in risk.assets] == ["A-004"] and risk.controls == []


def test_a_bad_link_is_refused_on_its_tab_and_nothing_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-001")
    editor.asset_list.add(asset_id(register, "A-001"))
    with register.transaction() as session:  # retired meanwhile
        from isms.model import AssetStatus

        queries.asset_by_ref(session, "A-001").status = AssetStatus.RETIRED
    assert not editor.save()
    assert "A-001 is retired" in editor.message.text()
    assert editor.tabs.currentIndex() == 1  # the tab of the assets, shown
    assert stored(register, "R-001").version == 1


def test_add_action_opens_the_action_editor_and_lists_the_new_action(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from isms.model import TreatmentAction
    from ui.dialogs.action_editor import ActionEditor

    window = shown(qtbot, MainWindow(register))

    def add_action(action_editor: ActionEditor) -> None:
        assert action_editor.owner_combo.currentText() == "Alice Archer"  # the risk's owner
        assert action_editor.risk_label.text() == "R-001 Laptop stolen from a car"
        action_editor.title_edit.setText("Encrypt the laptops")
        action_editor.due_date.set_value(date(2026, 5, 1))
        assert action_editor.save()

    def in_risk_editor(editor: RiskEditor) -> None:
        editor.tabs.setCurrentIndex(3)
        editor.title_edit.setText("Laptop stolen from a parked car")  # kept through the add
        on_modal(ActionEditor, add_action)
        qtbot.mouseClick(editor.add_action_button, Qt.MouseButton.LeftButton)
        assert editor.action_list.row_texts() == [
            ["Encrypt the laptops", "Alice Archer", "2026-05-01", "Open"]]
        assert editor.title_edit.text() == "Laptop stolen from a parked car"
        assert editor.save()

    on_modal(RiskEditor, in_risk_editor)
    window.edit_risk(risk_id(register, "R-001"))
    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-001")
        assert risk.title == "Laptop stolen from a parked car"
        assert [(a.title, a.due_date) for a in risk.actions] == [
            ("Encrypt the laptops", date(2026, 5, 1))]
        assert session.query(TreatmentAction).count() == 1
    # The Treatment actions page shows it (refreshed after the action's own save).
    window.show_page_key("actions")
    qtbot.waitUntil(lambda: window.pages["actions"].model.rowCount() == 1)


def test_a_stale_save_of_the_links_shows_them_in_the_conflict_by_name(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "R-001")
    editor.affects["A"].setChecked(True)
    editor.asset_list.add(asset_id(register, "A-004"))
    with register.transaction() as session:  # someone else links another asset meanwhile
        risk = queries.risk_by_ref(session, "R-001")
        risk.assets.append(queries.asset_by_ref(session, "A-001"))
        risk.title = "Laptop stolen"
    assert not editor.save()
    rows = {row.field: row for row in editor.conflict_rows() if row.differs}
    assert rows["Affects"].yours == "A" and rows["Affects"].theirs == "—"
    assert rows["Assets"].yours == "A-004 CCTV footage"
    assert rows["Assets"].theirs == "A-001 Payroll records"
    with register.session() as session:
        assert [a.ref for a in queries.risk_by_ref(session, "R-001").assets] == ["A-001"]
