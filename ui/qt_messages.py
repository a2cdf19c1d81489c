"""Qt's own messages (qWarning and friends) go to the isms log, not to a terminal nobody sees.

A desktop user has no stderr; the log file is where support looks, and the crash dialog points
there. The handler is installed for the life of the window and the previous one put back after,
so a host that has its own (pytest-qt) gets it back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

#: Said by the offscreen platform (headless runs, the self-test) whenever a layout sets a
#: window's minimum size: it has no window system to pass it to. Not a fault of ours.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _to_log(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    if message == OFFSCREEN_NOISE:
        level = logging.DEBUG
    log.log(level, "%s", message)


@contextmanager
def qt_messages_logged() -> Iterator[None]:
    previous = qInstallMessageHandler(_to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
