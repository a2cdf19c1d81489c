"""The window's helpers see it as a Shell: the real window provides all of it, and no ui module
but the ones that open the window imports main_window."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

from isms.db import Register
from ui.views.main_window import MainWindow
from ui.views.shell import Shell

UI = Path(inspect.getfile(Shell)).parents[1]
#: What builds and shows the main window; every other module is handed a Shell.
OPENERS = {"ui/app.py", "ui/selftest.py", "ui/views/main_window.py"}


def declared_methods() -> list[str]:
    return [name for name, value in vars(Shell).items()
            if inspect.isfunction(value) and not name.startswith("__")]


def test_the_window_provides_everything_the_shell_declares(
    qtbot: Any, register: Register
) -> None:
    window = MainWindow(register)
    qtbot.addWidget(window)
    assert isinstance(window, Shell)
    # The attributes are only annotations on Shell: mypy trusts them, so check a real window.
    for name in Shell.__annotations__:
        assert hasattr(window, name), name
    for name in declared_methods():
        assert getattr(MainWindow, name) is not getattr(Shell, name), name
    window.refresh()  # the real one, not Shell's NotImplementedError


def imports_of(source: str, package: str) -> set[str]:
    """Every module ``source`` imports (top level, in functions, under TYPE_CHECKING), with
    relative imports resolved as from a module of ``package``."""
    parts = package.split(".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            prefix = ".".join([*base, *([node.module] if node.module else [])])
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def test_the_checker_sees_imports_in_functions_and_relative_ones() -> None:
    source = "def f():\n    from .main_window import MainWindow\n"
    assert "ui.views.main_window" in imports_of(source, "ui.views")
    assert "ui.views.main_window" in imports_of("from .views import main_window\n", "ui")
    assert "ui.views.main_window" in imports_of("from ..views.main_window import X\n",
                                                "ui.dialogs")
    assert "ui.views.main_window" not in imports_of("from .shell import Shell\n", "ui.views")


def test_only_the_openers_import_the_main_window() -> None:
    importers = set()
    for path in UI.rglob("*.py"):
        relative = path.relative_to(UI.parent)
        package = ".".join(relative.parent.parts)  # an __init__.py's package is its folder
        if "ui.views.main_window" in imports_of(path.read_text(encoding="utf-8"), package):
            importers.add(relative.as_posix())
    assert importers <= OPENERS
