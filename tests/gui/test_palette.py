"""The window follows the application palette: on a dark palette its key widgets paint dark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QWidget

from isms.db import Register
from ui.icons import NAMES, icon
from ui.views.main_window import MainWindow

from .conftest import shown

DARK_BASE = QColor("#1e1e1e")
DARK_WINDOW = QColor("#2b2b2b")
LIGHT_TEXT = QColor("#e8e8e8")


@pytest.fixture
def dark() -> Iterator[QPalette]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    palette = QPalette(before)
    for role, colour in ((QPalette.ColorRole.Window, DARK_WINDOW),
                         (QPalette.ColorRole.Base, DARK_BASE),
                         (QPalette.ColorRole.AlternateBase, QColor("#262626")),
                         (QPalette.ColorRole.Button, DARK_WINDOW),
                         (QPalette.ColorRole.WindowText, LIGHT_TEXT),
                         (QPalette.ColorRole.Text, LIGHT_TEXT),
                         (QPalette.ColorRole.ButtonText, LIGHT_TEXT)):
        palette.setColor(role, colour)
    app.setPalette(palette)
    yield palette
    app.setPalette(before)


def _is_dark(colour: QColor) -> bool:
    return colour.lightness() < 80


def _painted_colour(widget: QWidget, x: int = 2, y: int = 2) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


def test_key_widgets_follow_a_dark_palette(qtbot: Any, demo: Register, dark: QPalette) -> None:
    window = shown(qtbot, MainWindow(demo))
    assert window.dashboard is not None
    boxes = window.dashboard.findChildren(QGroupBox)
    assert boxes
    widgets: list[tuple[QWidget, QPalette.ColorRole, QPalette.ColorRole]] = [
        (window.nav, QPalette.ColorRole.Base, QPalette.ColorRole.Text),
        (window.statusBar(), QPalette.ColorRole.Window, QPalette.ColorRole.WindowText),
        *((box, QPalette.ColorRole.Window, QPalette.ColorRole.WindowText) for box in boxes),
    ]
    window.show_page_key("assets")
    table = window.pages["assets"].table
    widgets.append((table.viewport(), QPalette.ColorRole.Base, QPalette.ColorRole.Text))
    for widget, background, text in widgets:
        assert widget.palette().color(background) == dark.color(background), widget
        assert widget.palette().color(text) == dark.color(text), widget
        assert widget.autoFillBackground() or not widget.styleSheet(), widget
    # And they really paint dark: sample a corner away from text and borders.
    assert _is_dark(_painted_colour(window.nav, window.nav.width() - 4,
                                    window.nav.height() - 4))
    viewport = table.viewport()
    assert _is_dark(_painted_colour(viewport, viewport.width() - 4, viewport.height() - 4))
    assert _is_dark(_painted_colour(window.statusBar()))


def test_icons_draw_in_the_palette_text_colour(qtbot: Any, dark: QPalette) -> None:
    for name in NAMES:
        assert not icon(name).isNull(), name
    image = icon("search").pixmap(48, 48).toImage()
    drawn = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    opaque = [c for c in drawn if c.alpha() == 255]
    assert opaque and all(c.lightness() > 180 for c in opaque)  # light strokes on dark
    assert icon("no-such-icon").isNull()
    assert isinstance(icon("undo"), QIcon)
