"""Choosing the register at start: the start dialog, the default path, the demo in its own file."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QProgressDialog

from isms.db import Register
from isms.db.location import REGISTER_FILE, data_dir, demo_location, resolve
from isms.errors import NotFoundError
from isms.model import RegisterSetting
from isms.services.read import queries
from isms.services.setup import is_initialised
from ui import opening
from ui.dialogs.start_dialog import StartChoice, StartDialog
from ui.errors import ErrorReporter

from .conftest import OnModal


def answer_start_dialogs(on_modal: OnModal, *choices: StartChoice) -> list[StartDialog]:
    """Choose ``choices`` in the start dialogs as they appear; returns the dialogs seen."""
    seen: list[StartDialog] = []
    pending = list(choices)

    def choose(dialog: StartDialog) -> None:
        seen.append(dialog)
        choice = pending.pop(0)
        if choice is StartChoice.QUIT:
            dialog.reject()
        else:
            dialog.button(choice).click()

    on_modal(StartDialog, choose, times=len(choices))
    return seen


@pytest.fixture
def never_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail (rather than hang on a modal dialog) if the start dialog is shown."""
    def ask(*_args: object) -> StartChoice:
        pytest.fail("the start dialog was shown")

    monkeypatch.setattr(StartDialog, "ask", ask)


def test_the_start_dialogs_buttons_say_what_they_do(qtbot: Any) -> None:
    dialog = StartDialog(resolve(None))
    qtbot.addWidget(dialog)
    assert dialog.button(StartChoice.CREATE).text() == "Create an empty register"
    assert str(data_dir() / REGISTER_FILE) in dialog.button(StartChoice.CREATE).description()
    assert dialog.button(StartChoice.DEMO).text() == "Open the demo register"
    assert dialog.button(StartChoice.OPEN_FILE).text() == "Open another register file…"
    assert dialog.choice is StartChoice.QUIT  # closing the dialog means quit
    dialog.button(StartChoice.DEMO).click()
    assert dialog.choice is StartChoice.DEMO
    assert dialog.result() == StartDialog.DialogCode.Accepted


def test_start_dialog_creates_an_empty_register_at_the_default_path(on_modal: OnModal) -> None:
    default = data_dir() / REGISTER_FILE
    assert not default.exists()
    seen = answer_start_dialogs(on_modal, StartChoice.CREATE)
    register = opening.startup_register(None, False, ErrorReporter(dialogs=False))
    assert register is not None
    try:
        assert len(seen) == 1
        assert register.location.path == default
        assert default.exists()
        assert is_initialised(register)
        with register.session() as session:
            assert queries.counts(session) == {"assets": 0, "risks": 0, "departments": 0}
        assert not demo_location().path.exists()  # type: ignore[union-attr]
    finally:
        register.close()


def test_quitting_at_the_start_dialog_creates_nothing(on_modal: OnModal) -> None:
    answer_start_dialogs(on_modal, StartChoice.QUIT)
    assert opening.startup_register(None, False, ErrorReporter(dialogs=False)) is None
    assert not (data_dir() / REGISTER_FILE).exists()


def test_open_another_file_returns_to_the_choices_when_cancelled(
    on_modal: OnModal, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([None, str(register_path)])
    monkeypatch.setattr(opening, "ask_register_file", lambda parent, folder: next(answers))
    seen = answer_start_dialogs(on_modal, StartChoice.OPEN_FILE, StartChoice.OPEN_FILE)
    register = opening.startup_register(None, False, ErrorReporter(dialogs=False))
    assert register is not None
    register.close()
    assert len(seen) == 2
    assert register.location.path == register_path
    assert not (data_dir() / REGISTER_FILE).exists()


@pytest.mark.usefixtures("never_ask")
def test_an_existing_default_register_opens_without_asking(register_path: Path) -> None:
    default = data_dir() / REGISTER_FILE
    default.parent.mkdir(parents=True)
    default.write_bytes(register_path.read_bytes())
    register = opening.startup_register(None, False, ErrorReporter(dialogs=False))
    assert register is not None
    register.close()
    assert register.location.path == default


@pytest.mark.usefixtures("never_ask")
def test_isms_database_url_is_honoured_and_never_replaced_by_the_start_dialog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISMS_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.isms'}")
    with pytest.raises(NotFoundError, match="missing.isms"):
        opening.startup_register(None, False, ErrorReporter(dialogs=False))


def fake_demo(build: Callable[..., object]) -> types.ModuleType:
    module = types.ModuleType("isms.demo")
    module.build_demo = build  # type: ignore[attr-defined]
    return module


def test_the_demo_is_built_in_its_own_file_behind_a_progress_dialog(
    on_modal: OnModal, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_label = threading.Event()
    built_in: list[tuple[Register, threading.Thread]] = []

    def build_demo(register: Register, *, progress: Callable[[str, int, int], None]) -> None:
        built_in.append((register, threading.current_thread()))
        progress("assets", 5, 10)
        assert seen_label.wait(5), "the progress dialog never showed the stage"

    def check(dialog: QProgressDialog) -> bool:  # on the UI thread, while the build waits
        if dialog.labelText() != "Sample data: assets…":
            return False  # the worker's report is still on its way
        assert (dialog.value(), dialog.maximum()) == (5, 10)
        seen_label.set()
        return True

    monkeypatch.setitem(sys.modules, "isms.demo", fake_demo(build_demo))
    on_modal(QProgressDialog, check)
    register = opening.open_demo()
    try:
        assert register.location == demo_location()
        assert built_in[0][0] is register
        assert built_in[0][1] is not threading.main_thread()  # the window stayed responsive
        with register.session() as session:
            setting = session.get(RegisterSetting, "register")
            assert setting is not None and setting.value["name"] == opening.DEMO_NAME
        assert not (data_dir() / REGISTER_FILE).exists()  # the real register was not touched
    finally:
        register.close()
    # A second start opens the demo that is there rather than building another.
    monkeypatch.setitem(sys.modules, "isms.demo", fake_demo(lambda *a, **k: pytest.fail("rebuilt")))
    opening.open_demo().close()


def test_a_failed_demo_build_leaves_no_half_built_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_demo(register: Register, **_options: object) -> None:
        raise RuntimeError("ran out of made-up names")

    monkeypatch.setitem(sys.modules, "isms.demo", fake_demo(build_demo))
    with pytest.raises(RuntimeError, match="made-up names"):
        opening.open_demo()
    assert demo_location().path is not None
    assert not demo_location().path.exists()
