"""The UI settings registry: each setting survives a real INI file, garbage reads as the default,
and nothing in ui/ reads or writes QSettings but ui/settings.py."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Any

import pytest

from ui import settings as ui_settings
from ui.settings import (
    BYTES,
    FLAG,
    FOLDER,
    REGISTERED,
    TEXT,
    TEXTS,
    Kind,
    Setting,
    SettingFamily,
    keep_in,
)

UI = Path(ui_settings.__file__).parent

#: The keys earlier versions wrote: users' settings files hold them, so they must not change.
KEYS_USERS_HAVE = {
    "main_window/geometry", "main_window/state", "main_window/page", "filter/department",
    "recent/registers", "recent/servers", "server/last", "export/folder", "export/open_result",
    "export/kind", "import_wizard/folder", "{}/header", "{}/columns", "{}/geometry",
}


def settings_list() -> list[Setting[Any]]:
    """Every registered setting; a family as one of its members."""
    return [item.of("some_page") if isinstance(item, SettingFamily) else item
            for item in REGISTERED]


def key_of(item: Setting[Any] | SettingFamily[Any]) -> str:
    return item.pattern if isinstance(item, SettingFamily) else item.key


def samples(kind: Kind[Any], tmp_path: Path) -> list[object]:
    """Values unlike any default, including the shapes INI keeps worst (one-item lists, commas,
    NUL bytes, "true" as text)."""
    by_kind: dict[str, list[object]] = {
        TEXT.name: ["risks", "a, b", "true", ""],
        FLAG.name: [False, True],
        TEXTS.name: [("only one",), ("C:\\registers\\a.isms", "/b, c.isms"), ()],
        BYTES.name: [b"\x00\x01\xff@ByteArray()", b""],
        FOLDER.name: [tmp_path / "exports, 2026", None],
    }
    return by_kind[kind.name]


def read_afresh(written: Path, tmp_path: Path) -> Path:
    """Point the settings at a copy of the INI written: Qt then parses the file itself instead
    of handing back the values it still holds, as a new session of the window would."""
    fresh = tmp_path / f"fresh{len(list(tmp_path.glob('fresh*')))}"
    shutil.copytree(written, fresh)
    keep_in(fresh)
    return fresh


def test_every_key_is_declared_once_and_keeps_the_string_users_have() -> None:
    keys = [key_of(item) for item in REGISTERED]
    assert len(keys) == len(set(keys))
    assert set(keys) == KEYS_USERS_HAVE


def test_every_setting_round_trips_through_a_real_ini_file(
    _isolated_qsettings: Path, tmp_path: Path
) -> None:
    for setting in settings_list():
        for value in samples(setting.kind, tmp_path):
            keep_in(_isolated_qsettings)
            setting.set(value)
            ui_settings.settings().sync()
            assert list(_isolated_qsettings.rglob("*.ini"))
            read_afresh(_isolated_qsettings, tmp_path)
            back = setting.get()
            assert back == value, (setting.key, value, back)
            assert type(back) is type(value), setting.key


def test_several_settings_written_together_are_all_kept(
    _isolated_qsettings: Path, tmp_path: Path
) -> None:
    with ui_settings.batch() as store:
        ui_settings.WINDOW_PAGE.set("controls", store)
        ui_settings.EXPORT_OPEN_RESULT.set(False, store)
        ui_settings.PAGE_COLUMNS.of("risks").set("ref,title", store)
    read_afresh(_isolated_qsettings, tmp_path)
    assert ui_settings.WINDOW_PAGE.get() == "controls"
    assert ui_settings.EXPORT_OPEN_RESULT.get() is False
    assert ui_settings.PAGE_COLUMNS.of("risks").get() == "ref,title"


#: What a hand-edited or foreign INI may hold, per kind, that is not a value of that kind.
GARBAGE = {
    TEXT.name: ["a, b", "@Rect(1 2 3 4)", "@Invalid()"],
    FLAG.name: ["maybe", "2", "a, b", "@ByteArray(true)"],
    TEXTS.name: ["@Rect(1 2 3 4)", "@ByteArray(abc)", "@Invalid()"],
    BYTES.name: ["abc", "a, b", "@Rect(1 2 3 4)"],
    FOLDER.name: ["a, b", "@Rect(1 2 3 4)", "   "],
}
#: Bytes that unpickle to nothing Python can use (the @Variant PySide writes for objects).
BROKEN_VARIANT = r"@Variant(\0\0\0\x7f\0\0\0\x18PySide::PyObjectWrapper\0\0\0\0\x3\x80\x4\x95)"


@pytest.mark.parametrize("garbage_index", [0, 1, 2])
def test_garbage_in_the_ini_file_reads_as_the_default(tmp_path: Path, garbage_index: int) -> None:
    folder = tmp_path / f"garbage{garbage_index}"
    ini = folder / ui_settings.ORGANISATION / f"{ui_settings.APPLICATION}.ini"
    ini.parent.mkdir(parents=True)
    lines = ["[General]"]
    for setting in settings_list():
        choices = GARBAGE[setting.kind.name]
        lines.append(f"{setting.key}={choices[garbage_index % len(choices)]}")
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    keep_in(folder)
    for setting in settings_list():
        assert setting.get() == setting.default, setting.key


def test_an_unreadable_variant_reads_as_the_default(tmp_path: Path) -> None:
    ini = tmp_path / "variant" / ui_settings.ORGANISATION / f"{ui_settings.APPLICATION}.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(f"[main_window]\npage={BROKEN_VARIANT}\n", encoding="utf-8")
    keep_in(tmp_path / "variant")
    assert ui_settings.WINDOW_PAGE.get() == "dashboard"


# --- nothing else in ui/ touches QSettings --------------------------------------------------

#: Registered keys: a literal one elsewhere in ui/ would be a second place naming the setting.
CONCRETE_KEYS = {item.key for item in REGISTERED if isinstance(item, Setting)}


def offences(source: str) -> list[str]:
    """What in ``source`` (a ui module other than ui/settings.py) reads or writes settings
    behind the registry's back."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("settings"):
            found += [f"imports settings() from {node.module}" for alias in node.names
                      if alias.name == "settings"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in ("settings", "QSettings"):
                found.append(f"calls {name}() on line {node.lineno}")
            first = node.args[0] if node.args else None
            # A QSettings key is a string; spin boxes' setValue and the like take numbers.
            if (name in ("value", "setValue", "remove", "contains")
                    and isinstance(first, ast.Constant) and isinstance(first.value, str)):
                found.append(f"{name}({first.value!r}) on line {node.lineno}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                node.value.id == "QSettings" and node.attr not in ("Format", "Scope")):
            found.append(f"QSettings.{node.attr} on line {node.lineno}")
        elif isinstance(node, ast.Constant) and node.value in CONCRETE_KEYS:
            found.append(f"the key {node.value!r} on line {node.lineno}")
    return found


def test_the_checker_finds_settings_used_behind_the_registry() -> None:
    source = '''
from ..settings import settings
from PySide6.QtCore import QSettings

def f(store):
    settings().value("export/folder", "")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "x")
    store.setValue("my/own", 3)
    spin.setValue(3)
    QSettings("own.ini", QSettings.Format.IniFormat)
    return "recent/servers"
'''
    found = offences(source)
    expected = ["imports settings()", "calls settings()", "value('export/folder')",
                "the key 'export/folder'", "QSettings.setPath", "setValue('my/own')",
                "calls QSettings()", "the key 'recent/servers'"]
    assert len(found) == len(expected), found
    assert all(any(text in offence for offence in found) for text in expected), found
    assert offences("spin.setValue(3)\nbox.value()\nx = {}.get('a')\n") == []


def test_only_ui_settings_reads_or_writes_qsettings() -> None:
    found = {
        str(path.relative_to(UI.parent)): problems
        for path in sorted(UI.rglob("*.py")) if path != UI / "settings.py"
        if (problems := offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}
