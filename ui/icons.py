"""The window's SVG icons (ui/resources/icons/*.svg), drawn in the palette's text colour.

The icons are line drawings with ``stroke="currentColor"``; each paint substitutes the current
palette's text colour (the disabled one for disabled actions), so they follow a light or dark
palette and render sharp at any device pixel ratio. If the icon files are not found (an
installation without ``resources/``) every icon is a null ``QIcon``: no icon, no error.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)

#: The icon names there are files for.
NAMES = ("dashboard", "assets", "handling", "risks", "actions", "controls", "evidence",
         "reviews", "changes", "policies", "context", "parties", "findings", "import", "export",
         "undo", "redo", "search", "refresh")


def icon_folder() -> Path | None:
    """Where the icon files are: packaged with ``ui`` (``ui/resources/icons``) or, running from
    the source tree, ``resources/icons`` beside it; None if neither exists."""
    candidates: list[Path] = []
    try:
        packaged = resources.files("ui") / "resources" / "icons"
        if isinstance(packaged, Path):
            candidates.append(packaged)
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - a frozen or odd loader
        pass
    candidates.append(Path(__file__).resolve().parent.parent / "resources" / "icons")
    return next((folder for folder in candidates if folder.is_dir()), None)


class _SvgIconEngine(QIconEngine):
    """Renders one SVG in the palette's text colour at whatever size and scale is asked."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        palette = QGuiApplication.palette()
        group = (QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled
                 else QPalette.ColorGroup.Active)
        role = (QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected
                else QPalette.ColorRole.WindowText)
        colour = palette.color(group, role).name()
        return QSvgRenderer(QByteArray(self._svg.replace(b"currentColor", colour.encode())))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        self._renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,  # noqa: N802
                     scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer(mode).render(painter, QRectF(pixmap.rect()))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._svg)


@cache
def _svg(name: str) -> bytes | None:
    folder = icon_folder()
    if folder is None:
        return None
    try:
        return (folder / f"{name}.svg").read_bytes()
    except OSError as exc:
        log.warning("no icon %s: %s", name, exc)
        return None


def icon(name: str) -> QIcon:
    """The icon called ``name`` (see ``NAMES``), or a null QIcon if its file is missing."""
    svg = _svg(name)
    return QIcon() if svg is None else QIcon(_SvgIconEngine(svg))
