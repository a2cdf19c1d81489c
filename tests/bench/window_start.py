"""Start a window and stop at the first paint of its table: the isms window or a bare one.

    python window_start.py isms REGISTER   # isms-gui --db REGISTER, stops when the Assets table
                                           # has painted (the settings must open that page)
    python window_start.py bare            # QMainWindow + empty QTableView, stops at its paint

Prints ``PAINTED <seconds since this module started> <peak RSS MB>`` once the table has
painted, then quits. Both modes watch paints the same way (one application event filter), so the
bench compares like with like. Used by benchmarks.py, in a fresh process or in-process.
"""

from __future__ import annotations

import resource
import sys
import time

STARTED = time.perf_counter()
MARK = "PAINTED "


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run(mode: str, register: str | None = None) -> tuple[float, float]:
    """(seconds from module import to the table's first paint, peak RSS MB at that moment)."""
    if mode != "bare":
        # What isms-gui imports first, before Qt, as its entry point does: imported after
        # PySide6, every module would also pass through PySide6's import hook.
        import ui.app  # noqa: F401
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    result: list[float] = []

    def wanted(watched: QObject) -> bool:
        table = watched.parent()
        if not isinstance(table, QTableView) or watched is not table.viewport():
            return False
        return mode == "bare" or table.accessibleName() == "Assets"

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if not result and event.type() == QEvent.Type.Paint and wanted(watched):
                result.append(0.0)
                # Once this paint has finished: time it and leave the event loop.
                QTimer.singleShot(0, finish)
            return False

    def finish() -> None:
        result[0] = time.perf_counter() - STARTED
        result.append(_peak_mb())
        app.quit()

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    try:
        if mode == "bare":
            from PySide6.QtWidgets import QMainWindow

            window = QMainWindow()
            window.setCentralWidget(QTableView())
            window.resize(1600, 1000)
            window.show()
            app.exec()
        else:
            from ui.app import main

            assert register is not None
            main(["--db", register, "--no-error-dialogs"])
    finally:
        app.removeEventFilter(watcher)
    if len(result) != 2:
        raise RuntimeError("the table was never painted")
    return result[0], result[1]


if __name__ == "__main__":
    seconds, peak = run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    print(f"{MARK}{seconds:.4f} {peak:.1f}", flush=True)
