"""GUI fixtures: isolated QSettings, and registers holding a known handful of assets and risks."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from isms.db import Register, commit
from isms.model import (
    Asset,
    AssetStatus,
    AssetType,
    Department,
    Person,
    Risk,
    RiskStatus,
    TreatmentOption,
)
from ui.qt_messages import OFFSCREEN_NOISE

W = TypeVar("W", bound=QWidget)


def shown(qtbot: Any, widget: W) -> W:
    """Show ``widget`` as the active window: keyboard focus and shortcuts only work there."""
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    """Each test gets its own empty settings folder (ui.settings uses INI files)."""
    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def _collect_qt_garbage_between_tests(qapp: QApplication) -> Iterator[None]:
    """After each test (its widgets closed by qtbot): run the deferred deletes, then collect.

    Python's cyclic collector otherwise runs whenever an allocation trips it, which can be in
    the middle of a later test's widget constructor, finalising a wrapper of a widget an earlier
    test left behind; on a full run that crashed QDialog's constructor now and then. Collecting
    here does the same work at a point where nothing is being built.
    """
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


#: on_modal(kind, action, times=1): run action(dialog) on the next `times` modal dialogs of kind;
#: an action that returns False has not finished with the dialog and is called again.
OnModal = Callable[..., None]


@pytest.fixture
def on_modal() -> Iterator[OnModal]:
    """Act on modal dialogs as they open: exec() blocks the test, so a timer looks for them.

    The polling stops when the test ends, so it can never click a dialog of a later test.
    """
    running = True
    handled: list[QWidget] = []

    def watch(kind: type[QWidget], action: Callable[[Any], object], times: int = 1) -> None:
        remaining = [times]

        def poll() -> None:
            if not running:
                return
            dialog = QApplication.activeModalWidget()
            fresh = isinstance(dialog, kind) and not any(dialog is seen for seen in handled)
            if fresh and action(dialog) is not False:
                handled.append(dialog)
                remaining[0] -= 1
                if remaining[0] == 0:
                    return
            QTimer.singleShot(10, poll)

        QTimer.singleShot(0, poll)

    yield watch
    running = False


@dataclass(frozen=True)
class Sample:
    """What ``filled_register`` holds, for assertions."""

    asset_names: dict[str, str]  # ref -> name, live assets only
    retired_asset_ref: str
    risk_titles: dict[str, str]  # ref -> title


# Names chosen so that sorting by name differs from sorting by reference.
_ASSETS = [
    ("A-001", "Payroll records", AssetType.INFORMATION, 4, True, "Alice Archer"),
    ("A-002", "Council tax system", AssetType.SOFTWARE, 3, True, "Bob Baker"),
    ("A-003", "Fostering case files", AssetType.INFORMATION, 5, True, None),
    ("A-004", "CCTV footage", AssetType.INFORMATION, 3, True, "Carol Cole"),
    ("A-005", "Laptop fleet", AssetType.HARDWARE, 2, False, "Bob Baker"),
    ("A-006", "Waste collection routes", AssetType.INFORMATION, 1, False, "Carol Cole"),
    ("A-007", "Building access badges", AssetType.HARDWARE, 2, False, None),
    ("A-008", "Adult social care database", AssetType.SOFTWARE, 5, True, "Alice Archer"),
    ("A-009", "Planning applications", AssetType.INFORMATION, 2, True, "Dan Drake"),
    ("A-010", "Email service", AssetType.SERVICE, 3, True, "Dan Drake"),
    ("A-011", "Electoral roll", AssetType.INFORMATION, 4, True, "Alice Archer"),
    ("A-012", "Museum catalogue", AssetType.INFORMATION, 1, False, None),
]
# (ref, title, inherent likelihood x impact, residual likelihood x impact, treatment)
_RISKS = [
    ("R-001", "Laptop stolen from a car", (4, 5), (2, 3), TreatmentOption.MODIFY),
    ("R-002", "Email sent to the wrong recipient", (5, 3), (3, 3), TreatmentOption.MODIFY),
    ("R-003", "Ransomware on the file servers", (3, 5), (2, 5), TreatmentOption.MODIFY),
    ("R-004", "Paper files left on a train", (2, 2), (1, 2), TreatmentOption.RETAIN),
    ("R-005", "Supplier loses fostering records", (2, 5), None, None),
    ("R-006", "CCTV retained too long", (2, 3), (1, 1), TreatmentOption.AVOID),
]


def fill(register: Register) -> Sample:
    """Departments, people, 12 live assets (+1 retired) and 6 risks, with plain ORM inserts."""
    with register.session(actor="tests") as session:
        departments = [
            Department(code="CS", name="Children's Services"),
            Department(code="ENV", name="Environment"),
            Department(code="FIN", name="Finance"),
        ]
        session.add_all(departments)
        session.flush()
        people = {
            name: Person(name=name, email=f"{name.split()[0].lower()}@council.example",
                         department_id=departments[i % 3].id)
            for i, name in enumerate(["Alice Archer", "Bob Baker", "Carol Cole", "Dan Drake"])
        }
        session.add_all(people.values())
        session.flush()
        for i, (ref, name, kind, rating, personal, owner) in enumerate(_ASSETS):
            session.add(Asset(
                ref=ref, name=name, asset_type=kind, department_id=departments[i % 3].id,
                owner_id=people[owner].id if owner else None, confidentiality=rating,
                integrity=max(1, rating - 1), availability=3, personal_data=personal,
                description="holds salary data" if ref == "A-001" else "",
                next_review=date(2026, 1 + i % 12, 1 + i),
            ))
        session.add(Asset(ref="A-099", name="Old payroll archive", asset_type=AssetType.INFORMATION,
                          department_id=departments[2].id, status=AssetStatus.RETIRED))
        for i, (ref, title, inherent, residual, treatment) in enumerate(_RISKS):
            session.add(Risk(
                ref=ref, title=title, department_id=departments[i % 3].id,
                owner_id=list(people.values())[i % 4].id,
                inherent_likelihood=inherent[0], inherent_impact=inherent[1],
                residual_likelihood=residual[0] if residual else None,
                residual_impact=residual[1] if residual else None,
                treatment_option=treatment, status=RiskStatus.ASSESSED,
                next_review=date(2026, 6, 1 + i),
            ))
        commit(session)
    return Sample(
        asset_names={ref: name for ref, name, *_ in _ASSETS},
        retired_asset_ref="A-099",
        risk_titles={ref: title for ref, title, *_ in _RISKS},
    )


@pytest.fixture
def sample(register: Register) -> Sample:
    return fill(register)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Called with every test of the run, so only the ones below this folder are marked.
    # The offscreen platform cannot pass a window's minimum size to a window system (it has
    # none) and warns whenever a layout sets one. That is a limit of the test platform, not of
    # our widgets (under Xvfb or a desktop the message never appears), so only it is ignored.
    # `gui` lets a run pick the window's tests or leave them out (-m gui, -m "not gui").
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.gui)
        if item.path.parent == here:
            item.add_marker(pytest.mark.qt_log_ignore(f"^{re.escape(OFFSCREEN_NOISE)}$"))


@pytest.fixture
def demo(register: Register) -> Register:
    """The register filled by ``isms.demo`` with a small council (30 assets): realistic risks,
    handling practices (some breaking the rules) and people."""
    from isms.demo import build_demo

    build_demo(register, assets=30)
    return register
