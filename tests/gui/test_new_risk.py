"""A new risk made in the window: Ctrl+N on the Risks page, and "New risk for this asset" on the
Assets page, pre-filled from the asset; each adds the risk, shows it and opens it to be scored."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from isms.db import Register
from isms.model import Asset, Department, Risk, RiskStatus
from ui.dialogs.new_risk import NewRiskDialog
from ui.dialogs.risk_editor import RiskEditor
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown


def _ids(register: Register) -> tuple[int, int]:
    with register.session() as s:
        finance = s.execute(select(Department.id).where(Department.code == "FIN")).scalar_one()
        payroll = s.execute(select(Asset.id).where(Asset.ref == "A-001")).scalar_one()
        return finance, payroll


def _close_the_risk_editor(on_modal: OnModal, opened: list[str]) -> None:
    def look(editor: RiskEditor) -> None:
        opened.append(editor.snapshot.ref)
        editor.reject()

    on_modal(RiskEditor, look)


def test_ctrl_n_on_the_risks_page_adds_a_risk_and_opens_it_to_be_scored(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    finance, _ = _ids(register)
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("risks")
    assert window.new_action.isEnabled()
    seen: list[list[str]] = []

    def fill(dialog: NewRiskDialog) -> None:
        # Nothing chosen yet: the save is refused, naming what is missing.
        assert not dialog.save() and "needs a title" in dialog.message.text()
        qtbot.keyClicks(dialog.title_edit, "Payroll run fails")
        assert not dialog.save() and "department" in dialog.message.text()
        dialog.department_combo.setCurrentIndex(dialog.department_combo.findData(finance))
        dialog.asset_ref_edit.setText("a-011")
        dialog.add_asset_ref()
        dialog.asset_ref_edit.setText("A-404")
        dialog.add_asset_ref()
        seen.append([dialog.assets_list.item(i).text()
                     for i in range(dialog.assets_list.count())])
        assert "No asset 'A-404'" in dialog.message.text()
        dialog.threat_combo.setCurrentIndex(1)
        dialog.description_edit.setPlainText("The payroll system is down on pay day.")
        dialog.save()

    opened: list[str] = []
    on_modal(NewRiskDialog, fill)
    _close_the_risk_editor(on_modal, opened)
    qtbot.keyClick(window.pages["risks"].table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: opened == ["R-0007"])

    assert seen == [["A-011 Electoral roll"]]
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0007")).scalar_one()
        assert (risk.title, risk.department_id, risk.status) == (
            "Payroll run fails", finance, RiskStatus.IDENTIFIED)
        assert [a.ref for a in risk.assets] == ["A-011"]
        assert risk.threat is not None and risk.threat.code == "T01"
        assert risk.description == "The payroll system is down on pay day."
        risk_id = risk.id
    page = window.pages["risks"]
    assert window.current_page is page
    assert page.model.row_id(page.table.currentIndex().row()) == risk_id
    assert window.counts_label.text().split(" · ")[1] == f"{len(sample.risk_titles) + 1} risks"


def test_a_new_risk_for_an_asset_starts_with_its_department_owner_and_the_asset(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    _, payroll = _ids(register)
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("assets")
    page = window.pages["assets"]
    action = window.new_risk_for_asset_action
    assert not action.isEnabled()  # nothing selected yet
    assert action in window.asset_actions.actions  # the context menu offers it
    row = page.model.row_of(payroll)
    assert row is not None
    page.table.selectRow(row)
    assert action.isEnabled()
    with register.session() as s:
        asset = s.get(Asset, payroll)
        assert asset is not None and asset.owner is not None
        department, owner = asset.department_id, asset.owner.name
    started: list[tuple[object, str, list[object]]] = []

    def check_and_add(dialog: NewRiskDialog) -> None:
        started.append((dialog.department_combo.currentData(),
                        dialog.owner_combo.currentText(),
                        [dialog.assets_list.item(i).text()
                         for i in range(dialog.assets_list.count())]))
        dialog.title_edit.setText("Payroll records leaked")
        dialog.save()

    opened: list[str] = []
    on_modal(NewRiskDialog, check_and_add)
    _close_the_risk_editor(on_modal, opened)
    action.trigger()
    qtbot.waitUntil(lambda: opened == ["R-0007"])

    assert started == [(department, "Alice Archer", ["A-001 Payroll records"])]
    assert owner == "Alice Archer"
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0007")).scalar_one()
        assert risk.owner is not None and risk.owner.name == "Alice Archer"
        assert (risk.department_id, [a.ref for a in risk.assets]) == (department, ["A-001"])


def test_retire_risk_asks_why_and_edit_undo_brings_it_back(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from .test_undo_records import ctrl_z

    window = shown(qtbot, MainWindow(register))
    window.show_page_key("risks")
    page = window.pages["risks"]
    ref = sorted(sample.risk_titles)[0]
    with register.session() as s:
        risk_id = s.execute(select(Risk.id).where(Risk.ref == ref)).scalar_one()
    page.table.selectRow(page.model.row_of(risk_id) or 0)
    live = page.model.rowCount()

    def answer(text: str) -> Any:
        def act(dialog: QInputDialog) -> None:
            dialog.setTextValue(text)
            dialog.accept()
        return act

    # A blank reason is refused in words and asked again; then the risk is retired.
    on_modal(QInputDialog, answer(" "))
    on_modal(QMessageBox, lambda box: box.accept())
    on_modal(QInputDialog, answer("The archive moved to the records centre."))
    window.retire_risk_action.trigger()
    with register.session() as s:
        risk = s.get(Risk, risk_id)
        assert risk is not None and risk.status == RiskStatus.RETIRED
        assert risk.description.endswith(": The archive moved to the records centre.")
    assert page.model.rowCount() == live - 1
    assert window.undo_history.undo_action.text() == f"&Undo Retire risk {ref}"

    ctrl_z(qtbot, window)
    with register.session() as s:
        risk = s.get(Risk, risk_id)
        assert risk is not None and risk.status != RiskStatus.RETIRED
        assert "records centre" not in risk.description
    assert page.model.rowCount() == live
