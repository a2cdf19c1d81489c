"""Handling rules editor and the findings page, on real registers (the demo council's breaches)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from isms.db import Register
from isms.model import HandlingPractice, HandlingRule, Risk
from isms.services import handling
from isms.services.read import queries
from ui.dialogs.handling_rules import HandlingRulesDialog
from ui.dialogs.risk_editor import RiskEditor
from ui.views.findings_page import FindingsPage
from ui.views.main_window import FINDINGS_LABEL, MainWindow

from .conftest import OnModal, shown


def open_rules(qtbot: Any, register: Register) -> HandlingRulesDialog:
    return shown(qtbot, HandlingRulesDialog(register))


def rule(register: Register, code: str) -> HandlingRule | None:
    with register.session() as session:
        found = session.query(HandlingRule).filter_by(code=code).one_or_none()
        if found is not None:
            session.expunge(found)
        return found


def tick(dialog: HandlingRulesDialog, safeguard: str) -> None:
    for n in range(dialog.safeguards.count()):
        item = dialog.safeguards.item(n)
        if item.data(Qt.ItemDataRole.UserRole) == safeguard:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"no safeguard {safeguard}")


def open_window(qtbot: Any, register: Register) -> MainWindow:
    return shown(qtbot, MainWindow(register))


def open_findings(qtbot: Any, register: Register) -> tuple[MainWindow, FindingsPage]:
    """The main window on its findings page (the check runs as the page is shown)."""
    window = open_window(qtbot, register)
    window.show_page(window.nav.count() - 1)
    assert window.findings is not None
    return window, window.findings


def next_ref_and_count(register: Register) -> tuple[str, int]:
    """The reference the next risk will get, and how many risks there are."""
    with register.session() as session:
        return queries.next_risk_ref(session), queries.counts(session)["risks"]


# --- the rules editor -------------------------------------------------------------------------


def test_rules_are_listed_and_an_edit_is_saved(qtbot: Any, register: Register) -> None:
    dialog = open_rules(qtbot, register)
    model = dialog.model
    assert model.rowCount() == 9
    assert [model.data(model.index(0, c)) for c in range(model.columnCount())] == [
        "HR-01", "OFFICIAL-SENSITIVE on removable media must be encrypted", "OFFICIAL-SENSITIVE",
        "Transferred", "Removable media", "", "", "Encrypted", "✓",
    ]
    dialog.table.selectRow(2)  # HR-03: sharing personal data needs an agreement
    assert dialog.form_box.title() == "Rule HR-03"
    assert dialog.code.isReadOnly() and dialog.personal.isChecked()
    assert not dialog.save_button.isEnabled()

    tick(dialog, "encrypted")
    dialog.marking.setCurrentIndex(dialog.marking.findData("OFFICIAL"))
    assert dialog.save_button.isEnabled()
    assert not dialog.table.isEnabled()  # held still until the edit is saved or reverted
    qtbot.keyClick(dialog.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = rule(register, "HR-03")
    assert saved is not None
    assert saved.required_safeguards == ["encrypted", "agreement"]  # in the list's order
    assert dialog.saved_any and dialog.table.isEnabled()
    assert "Saved rule HR-03" in dialog.message.text()
    assert model.data(model.index(2, 2)) == "OFFICIAL"
    assert model.data(model.index(2, 7)) == "Encrypted, a data-sharing agreement"


def test_a_rule_asking_for_nothing_is_refused_naming_the_field(
    qtbot: Any, register: Register
) -> None:
    dialog = open_rules(qtbot, register)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.form_box.title() == "New rule" and not dialog.code.isReadOnly()
    qtbot.keyClicks(dialog.code, "hr-10")
    qtbot.keyClicks(dialog.title, "Paper records of children must go by courier")
    dialog.channel.setCurrentIndex(dialog.channel.findData("paper"))

    assert dialog.save_rule() is False
    assert dialog.message.text() == (
        "Rule HR-10 asks for nothing: give a required safeguard or mark it prohibited."
    )
    assert dialog.safeguards.hasFocus()
    assert rule(register, "HR-10") is None

    tick(dialog, "tracked")
    assert dialog.save_rule() is True
    saved = rule(register, "HR-10")
    assert saved is not None and saved.required_safeguards == ["tracked"]
    assert dialog.model.rowCount() == 10
    assert dialog.form_box.title() == "Rule HR-10"


def test_revert_restores_the_rule(qtbot: Any, register: Register) -> None:
    dialog = open_rules(qtbot, register)
    dialog.table.selectRow(0)
    dialog.active.setChecked(False)
    assert dialog.is_dirty()
    qtbot.mouseClick(dialog.revert_button, Qt.MouseButton.LeftButton)
    assert dialog.active.isChecked() and not dialog.is_dirty()


def test_rules_model_passes_the_model_tester(qtmodeltester: Any, qtbot: Any,
                                             register: Register) -> None:
    qtmodeltester.check(open_rules(qtbot, register).model)


# --- the findings page ------------------------------------------------------------------------


def test_findings_page_lists_the_demo_registers_breaches(
    qtbot: Any, demo: Register, qtmodeltester: Any
) -> None:
    with demo.session() as session:
        expected = handling.check_handling(session)
    assert expected  # the demo council has practices that break the rules
    window = open_window(qtbot, demo)
    page = window.findings
    assert isinstance(page, FindingsPage)
    assert page.model.rowCount() == 0  # the check runs when the page is first shown
    window.show_page(window.nav.count() - 1)
    assert window.nav.currentItem().text() == FINDINGS_LABEL
    assert page.model.rowCount() == len(expected)
    assets = len({f.asset_id for f in expected})
    assert page.summary.text() == f"{len(expected)} findings on {assets} assets"
    qtmodeltester.check(page.model)

    first = page.proxy.index(0, 0)
    finding = page.proxy.data(first, page.model.RowRole)
    columns = [page.proxy.data(page.proxy.index(0, c)) for c in range(page.proxy.columnCount())]
    assert columns[0] == finding.asset_ref and columns[1] == finding.asset_name
    assert columns[4] == finding.rule_code
    assert page.proxy.data(first, Qt.ItemDataRole.ToolTipRole) == finding.what_is_wrong

    qtbot.keyClicks(page.search, finding.rule_code)
    assert 0 < page.proxy.rowCount() <= len(expected)
    assert page.summary.text().endswith(f"of {len(expected)} findings match")


def test_f5_runs_the_check_again(qtbot: Any, demo: Register) -> None:
    window, page = open_findings(qtbot, demo)
    before = page.model.rowCount()
    breach = next(f for f in page.model.rows if f.missing)
    with demo.transaction() as session:
        practice = session.get(HandlingPractice, breach.practice_id)
        assert practice is not None
        practice.safeguards = [*practice.safeguards, *breach.missing]
        if "agreement" in breach.missing:
            practice.has_agreement = True
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert page.model.rowCount() < before
    assert breach not in page.model.rows


def test_create_risk_from_a_finding_links_the_asset_and_opens_the_editor(
    qtbot: Any, demo: Register, on_modal: OnModal
) -> None:
    window, page = open_findings(qtbot, demo)
    assert page.create_button.isEnabled()  # the first finding is selected from the start
    page.select_row(0)
    finding = page.selected_finding()
    assert finding is not None and page.create_button.isEnabled()
    new_ref, risks_before = next_ref_and_count(demo)
    opened: list[str] = []

    def score_it(editor: RiskEditor) -> None:
        opened.append(editor.snapshot.ref)
        editor.likelihood["inherent"].setCurrentIndex(editor.likelihood["inherent"].findData(3))
        editor.impact["inherent"].setCurrentIndex(editor.impact["inherent"].findData(4))
        editor.save()

    on_modal(RiskEditor, score_it)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened == [new_ref])

    with demo.session() as session:
        risk = session.query(Risk).filter_by(ref=new_ref).one()
        assert [a.id for a in risk.assets] == [finding.asset_id]
        assert finding.rule_title in risk.title
        assert (risk.inherent_likelihood, risk.inherent_impact) == (3, 4)
    assert f"Created risk {new_ref} from rule {finding.rule_code}" in page.message.text()
    assert window.counts_label.text().split(" · ")[1] == f"{risks_before + 1} risks"


def test_a_finding_with_a_risk_shows_it_and_opens_it_rather_than_make_another(
    qtbot: Any, demo: Register, on_modal: OnModal
) -> None:
    _window, page = open_findings(qtbot, demo)
    risk_column = page.model.columnCount() - 1
    assert page.model.headerData(risk_column, Qt.Orientation.Horizontal) == "Risk"
    page.select_row(2)
    finding = page.selected_finding()
    assert finding is not None and page.model.risk_of(finding) == ""
    assert page.create_button.text() == "&Create risk from finding"
    new_ref, risks_before = next_ref_and_count(demo)
    opened: list[str] = []

    def look(editor: RiskEditor) -> None:
        opened.append(editor.snapshot.ref)
        editor.reject()

    on_modal(RiskEditor, look)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened == [new_ref])

    # The check ran again: the same finding is still selected and shows its risk.
    assert page.selected_finding() == finding
    row = page.table.selectionModel().selectedRows()[0].row()
    assert page.proxy.data(page.proxy.index(row, risk_column)) == new_ref
    assert page.create_button.text() == f"&Open risk {new_ref}"
    assert new_ref in page.create_button.toolTip()

    on_modal(RiskEditor, look)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened == [new_ref, new_ref])  # the same risk, opened again

    assert page.create_risk() is None  # asked directly, the services refuse a second risk
    assert page.message.text() == f"Risk {new_ref} already covers this finding."
    assert next_ref_and_count(demo)[1] == risks_before + 1


def test_findings_page_alone_shows_the_risk_it_made(qtbot: Any, demo: Register) -> None:
    page = shown(qtbot, FindingsPage(demo))
    finding = page.selected_finding()
    assert finding is not None
    made: list[int] = []
    page.riskCreated.connect(made.append)
    risk_id = page.create_risk()
    assert risk_id is not None and made == [risk_id]
    with demo.session() as session:
        ref = session.get(Risk, risk_id).ref  # type: ignore[union-attr]
    assert page.model.risk_of(finding) == ref
    assert page.selected_finding() == finding  # the row stays selected
    opened: list[int] = []
    page.riskOpened.connect(opened.append)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert opened == [risk_id] and made == [risk_id]  # opened, not made again
