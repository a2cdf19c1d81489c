"""Keyboard and screen-reader users: in every record editor, and in the main window, Tab visits
the inputs in the order the eye reads them (top to bottom, then left to right), and every
input Tab lands on has an accessible name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QPushButton,
    QWidget,
)

from isms.db import Register
from isms.model import HandlingChannel, HandlingPractice, HandlingStage
from isms.services import evidence, risks
from isms.services.read import queries
from ui.dialogs.action_editor import ActionEditor
from ui.dialogs.asset_editor import AssetEditor
from ui.dialogs.evidence_editor import AddEvidenceDialog, EvidenceEditor
from ui.dialogs.org_editors import DepartmentEditor, PersonEditor
from ui.dialogs.practice_editor import PracticeEditor
from ui.dialogs.record_editor import RecordEditor
from ui.dialogs.risk_editor import RiskEditor
from ui.dialogs.soa_editor import SoaEditor
from ui.views.main_window import PAGES, MainWindow

from .conftest import Sample, shown

#: Editor name -> how to open it on the sample register.
Opener = Callable[[Register, dict[str, int], Path], RecordEditor]
EDITORS: dict[str, Opener] = {
    "asset": lambda r, ids, _f: AssetEditor(r, ids["asset"]),
    "risk": lambda r, ids, _f: RiskEditor(r, ids["risk"]),
    "treatment action": lambda r, ids, _f: ActionEditor(r, ids["action"]),
    "SoA entry": lambda r, ids, _f: SoaEditor(r, ids["department"], ids["control"]),
    "evidence": lambda r, ids, _f: EvidenceEditor(r, ids["evidence"]),
    "new evidence": lambda r, _ids, file: AddEvidenceDialog(r, file),
    "handling practice": lambda r, ids, _f: PracticeEditor(r, ids["practice"]),
    "person": lambda r, ids, _f: PersonEditor(r, ids["person"]),
    "new person": lambda r, _ids, _f: PersonEditor(r),
    "department": lambda r, ids, _f: DepartmentEditor(r, ids["department"]),
    "new department": lambda r, _ids, _f: DepartmentEditor(r),
}


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "patch_report.csv"
    path.write_text("host,patched\nweb1,yes\n")
    return path


@pytest.fixture
def ids(register: Register, sample: Sample, report: Path) -> dict[str, int]:
    """One record of each kind (R-003 has an asset, so "Suggest impact" is enabled)."""
    with register.transaction(actor="tests") as session:
        risk = queries.risk_by_ref(session, "R-003")
        risk.assets.append(queries.asset_by_ref(session, "A-002"))
        action = risks.add_action(risk, "Patch the servers", due=date(2026, 5, 1))
        practice = HandlingPractice(asset=queries.asset_by_ref(session, "A-001"),
                                    stage=HandlingStage.TRANSFERRED,
                                    channel=HandlingChannel.EMAIL, safeguards=["marked"])
        session.add(practice)
        item = evidence.attach_file(session, evidence.evidence_dir(register.location), report,
                                    ref="EV-0001", title="Patch report",
                                    evidence_date=date(2026, 3, 1))
        session.flush()
        return {
            "asset": queries.asset_by_ref(session, "A-001").id, "risk": risk.id,
            "action": action.id, "practice": practice.id, "evidence": item.id,
            "department": queries.department_id(session, "FIN"),
            "control": queries.control_by_ref(session, "5.15").id,
            "person": queries.person(session, "Alice Archer").id,
        }


def input_of(widget: QWidget) -> QWidget:
    """The input a focused widget belongs to: a spin box or date edit takes the focus in its
    own line edit."""
    parent = widget.parentWidget()
    return parent if isinstance(parent, QAbstractSpinBox | QComboBox) else widget


def tab_chain(window: QWidget, first: QWidget) -> list[QWidget]:
    """The inputs Tab visits, from ``first`` until it comes round to it again."""
    first.setFocus()
    qt_first = QApplication.focusWidget()
    assert qt_first is not None
    visited = [input_of(qt_first)]
    for _ in range(200):
        window.focusNextChild()  # what Tab does
        focus = QApplication.focusWidget()
        assert focus is not None and window.isAncestorOf(focus)
        if input_of(focus) is visited[0]:
            return visited
        assert input_of(focus) not in visited, f"Tab came back to {name_of(focus)} early"
        visited.append(input_of(focus))
    raise AssertionError("Tab never came back to where it started")


def name_of(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.accessibleName()!r}"


def place(window: QWidget, widget: QWidget) -> tuple[int, int]:
    """Where the widget's middle is in the window: (row, column) as the eye reads."""
    middle = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    return middle.y(), middle.x()


def read_in_order(window: QWidget, chain: list[QWidget]) -> list[QWidget]:
    """The chain as the eye reads it: widgets whose spans overlap vertically are on one line,
    read left to right; lines top to bottom."""
    def key(widget: QWidget) -> tuple[int, int]:
        top = widget.mapTo(window, QPoint(0, 0)).y()
        line = min(w.mapTo(window, QPoint(0, 0)).y() for w in chain
                   if abs(place(window, w)[0] - place(window, widget)[0])
                   < max(w.height(), widget.height()) // 2)
        return min(line, top), place(window, widget)[1]
    return sorted(chain, key=key)


@pytest.mark.parametrize("which", list(EDITORS))
def test_tab_follows_the_fields_top_to_bottom_and_every_input_is_named(
    qtbot: Any, register: Register, ids: dict[str, int], report: Path, which: str
) -> None:
    editor = shown(qtbot, EDITORS[which](register, ids, report))
    # The fields shown (the risk editor keeps some on other tabs of the dialog).
    fields = [w for w in editor.field_widgets().values() if w.isEnabled() and w.isVisible()]
    first = min(fields, key=lambda w: place(editor, w))
    chain = tab_chain(editor, first)

    unnamed = [name_of(w) for w in chain
               if not w.accessibleName() and not isinstance(w, QPushButton)]
    assert not unnamed, f"inputs without an accessible name: {unnamed}"
    assert [w.text() for w in chain[-2:] if isinstance(w, QPushButton)] == [
        editor.save_button.text(), "Cancel"], "the buttons come last"
    inputs = chain[:-2]
    assert [name_of(w) for w in inputs] == [name_of(w) for w in read_in_order(editor, inputs)]
    # Every enabled field of the form is reachable by Tab.
    reachable = {id(w) for w in chain}
    for widget in fields:
        proxy = widget.focusProxy() or widget
        assert id(input_of(proxy)) in reachable or id(widget) in reachable, name_of(widget)


@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_the_main_window_tabs_from_the_toolbar_to_the_page(
    qtbot: Any, register: Register, sample: Sample, key: str
) -> None:
    """The department filter (top), the page list (left), then the page: search, then rows."""
    window = shown(qtbot, MainWindow(register))
    window.show_page_key(key)
    page = window.pages[key]
    chain = tab_chain(window, window.department_filter)
    names = [name_of(w) for w in chain]
    assert chain[:3] == [window.department_filter, window.nav, page.search], names
    # Then what else stands in the top row (the Evidence page's "Add evidence file…"), then
    # the rows.
    assert all(page.top_row.indexOf(w) >= 0 for w in chain[3:-1]), names
    assert chain[-1] is page.table, names
    unnamed = [name_of(w) for w in chain if not w.accessibleName()
               and not isinstance(w, QPushButton)]
    assert not unnamed, f"inputs without an accessible name: {unnamed}"
