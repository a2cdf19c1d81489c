"""File menu: New register…, Open recent and Back up register…, and Help → About."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from isms.db import Register
from isms.services.setup import init_register
from ui.errors import ErrorReporter
from ui.views import file_menu as file_menu_module
from ui.views.file_menu import RECENT_MAX, recent_registers
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample


def open_window(qtbot: Any, register: Register) -> MainWindow:
    window = MainWindow(register, ErrorReporter(dialogs=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page_key("assets")
    return window


def menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()[0].menu().actions()  # type: ignore[union-attr]
            if not a.isSeparator()]


def test_the_file_menu_has_every_entry_in_order(qtbot: Any, register: Register) -> None:
    window = open_window(qtbot, register)
    assert menu_texts(window) == ["&New register…", "&Open register…",
                                  "Open a register on a &server…", "Open &recent",
                                  "&Back up register…", "&Import", "&Export view…",
                                  "Export &documents…", "&Quit"]
    window.close()


def test_new_register_is_created_and_opened(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(qtbot, register)
    monkeypatch.setattr(file_menu_module, "ask_new_register_file",
                        lambda parent, folder: str(tmp_path / "fresh"))  # suffix added
    created = window.file_menu.new_register()
    assert created is window.register
    assert (tmp_path / "fresh.isms").exists()
    assert window.register.location.path == tmp_path / "fresh.isms"
    assert window.pages["assets"].model.rowCount() == 0
    assert window.counts_label.text().startswith("0 assets")
    assert recent_registers()[0] == (tmp_path / "fresh.isms").resolve()
    window.close()


def test_recent_list_is_updated_and_reopens(
    qtbot: Any, register: Register, sample: Sample, register_path: Path, tmp_path: Path,
) -> None:
    other, _ = init_register(str(tmp_path / "other.isms"), name="Shared services register")
    other.close()
    window = open_window(qtbot, register)
    assert recent_registers() == [register_path.resolve()]
    reopened = window.file_menu.open_recent(tmp_path / "other.isms")
    assert reopened is window.register
    assert window.windowTitle().startswith("Shared services register — ")
    assert recent_registers() == [(tmp_path / "other.isms").resolve(), register_path.resolve()]

    window.file_menu.fill_recent()
    first = window.file_menu.recent_menu.actions()[0]
    assert first.text().startswith("&1 other.isms") and first.isEnabled()
    second = window.file_menu.recent_menu.actions()[1]
    second.trigger()  # back to the first register, from the menu
    assert window.register.location.path == register_path
    assert window.pages["assets"].model.rowCount() == 12
    assert recent_registers()[0] == register_path.resolve()
    window.close()


def test_recent_list_keeps_the_last_eight(
    qtbot: Any, register: Register, tmp_path: Path,
) -> None:
    window = open_window(qtbot, register)
    for n in range(RECENT_MAX + 2):
        made, _ = init_register(str(tmp_path / f"r{n}.isms"))
        window.switch_register(made)
    recent = recent_registers()
    assert len(recent) == RECENT_MAX
    assert recent[0] == (tmp_path / f"r{RECENT_MAX + 1}.isms").resolve()
    window.close()


def with_a_missing_recent(window: MainWindow, tmp_path: Path) -> None:
    """gone.isms then here.isms opened in ``window``; gone.isms then deleted."""
    window.switch_register(init_register(str(tmp_path / "gone.isms"))[0])
    window.switch_register(init_register(str(tmp_path / "here.isms"))[0])
    for leftover in tmp_path.glob("gone.isms*"):
        leftover.unlink()


def test_missing_recent_registers_are_greyed_and_removed_with_a_message(
    qtbot: Any, register: Register, tmp_path: Path, on_modal: OnModal,
) -> None:
    window = open_window(qtbot, register)
    with_a_missing_recent(window, tmp_path)
    window.file_menu.fill_recent()
    greyed = [a for a in window.file_menu.recent_menu.actions() if "gone.isms" in a.text()]
    assert len(greyed) == 1 and not greyed[0].isEnabled() and "(missing)" in greyed[0].text()

    seen: list[str] = []
    on_modal(QMessageBox, lambda box: (seen.append(box.text()), box.accept()))
    assert window.file_menu.open_recent(tmp_path / "gone.isms") is None
    assert "no longer there" in seen[0]
    assert (tmp_path / "gone.isms").resolve() not in recent_registers()
    window.close()


def test_remove_missing_clears_them_from_the_list(
    qtbot: Any, register: Register, tmp_path: Path,
) -> None:
    window = open_window(qtbot, register)
    with_a_missing_recent(window, tmp_path)
    assert window.file_menu.remove_missing() == [(tmp_path / "gone.isms").resolve()]
    assert all(p.exists() for p in recent_registers())
    assert "Removed 1 missing register" in window.statusBar().currentMessage()
    window.close()


def test_backup_is_a_valid_register_with_the_same_assets(
    qtbot: Any, register: Register, sample: Sample, register_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(qtbot, register)
    target = tmp_path / "copies" / "backup.isms"
    target.parent.mkdir()
    monkeypatch.setattr(file_menu_module, "ask_backup_file", lambda parent, suggested: str(target))
    assert window.file_menu.backup() == target
    with sqlite3.connect(register_path) as live, sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = "SELECT count(*) FROM asset"
        assert copy.execute(count).fetchone() == live.execute(count).fetchone() == (13,)
    assert not target.with_name("backup.isms-wal").exists()
    assert "Backed up the register to" in window.statusBar().currentMessage()
    assert window.register is register  # still working on the register, not the copy
    window.close()


def test_neither_new_nor_backup_replaces_the_register(
    qtbot: Any, register: Register, sample: Sample, register_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    window = open_window(qtbot, register)
    for asker in ("ask_new_register_file", "ask_backup_file"):
        monkeypatch.setattr(file_menu_module, asker, lambda parent, _where: str(register_path))
    assert window.file_menu.new_register() is None
    assert "already exists" in capsys.readouterr().err
    assert window.file_menu.backup() is None
    assert "cannot replace the register itself" in capsys.readouterr().err
    assert window.register is register and register_path.exists()
    window.close()


def test_about_names_the_versions_and_the_register(
    qtbot: Any, register: Register, on_modal: OnModal,
) -> None:
    window = open_window(qtbot, register)
    seen: list[str] = []
    on_modal(QMessageBox, lambda box: (seen.append(box.text()), box.accept()))
    window.show_about()
    assert f"SQLite {sqlite3.sqlite_version}" in seen[0]
    assert "Qt " in seen[0] and "Python " in seen[0]
    assert register.location.display() in seen[0]
    window.close()


def test_the_import_menu_offers_every_kind_the_wizard_knows() -> None:
    from ui.dialogs.import_pages.state import KINDS
    from ui.views.import_menu import _MNEMONICS

    assert list(_MNEMONICS) == list(KINDS)


def test_a_server_register_is_listed_by_its_url_without_a_password(
    qtbot: Any, pg_url: str
) -> None:
    from sqlalchemy.engine import make_url

    from isms.db import open_register
    from ui.views.file_menu import recent_servers

    secret = make_url(pg_url).set(password="hunter2-secret")
    register = open_register(secret.render_as_string(hide_password=False))
    window = open_window(qtbot, register)
    listed = recent_servers()
    assert len(listed) == 1 and "hunter2" not in listed[0]
    assert listed[0].startswith("postgresql+psycopg://") and make_url(pg_url).database in listed[0]
    window.file_menu.fill_recent()
    texts = [a.text() for a in window.file_menu.recent_menu.actions()]
    assert any(t.startswith("Server &a ") for t in texts)
    assert "hunter2" not in window.location_label.text()
    window.close()
