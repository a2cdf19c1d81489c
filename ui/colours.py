"""Colours the window derives from the register's data (risk level colours are user-chosen)."""

from __future__ import annotations

from PySide6.QtGui import QColor


def text_colour_for(background: QColor) -> QColor:
    """Black on light fills, white on dark ones, so any level colour a user picks stays readable.

    Uses perceived brightness (ITU-R BT.601 weights), which matches how people judge contrast on
    saturated colours such as the usual amber and red far better than plain lightness.
    """
    brightness = (background.red() * 299 + background.green() * 587
                  + background.blue() * 114) / 1000
    # A new QColor each time: callers may change it (e.g. its alpha) for their own use.
    return QColor("#000000" if brightness > 140 else "#ffffff")
