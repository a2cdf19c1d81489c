"""Checks on the environment the window starts in. No Qt here: they run before Qt is loaded."""

from __future__ import annotations

from collections.abc import Mapping

NO_DISPLAY_EXIT = 2

NO_DISPLAY_MESSAGE = """\
isms-gui: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set).
To run the window without a screen (a server, CI, a container), use a virtual display
(Xvfb; on Debian/Ubuntu: sudo apt-get install xvfb):
    xvfb-run -a isms-gui ...
or Qt's off-screen platform (nothing is shown):
    QT_QPA_PLATFORM=offscreen isms-gui ...
Everything the window does is also available from the command line: isms --help"""


def display_problem(platform: str, environ: Mapping[str, str]) -> str | None:
    """Why a window cannot open here, or None when it can (as far as we can tell).

    Without this check Qt's xcb plugin aborts the process with a core dump and a message about
    plugins that sends people looking in the wrong place.

    Args:
        platform: ``sys.platform``.
        environ: the process environment.
    """
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have a window server for a desktop session
    if environ.get("QT_QPA_PLATFORM"):
        return None  # the user chose a platform (offscreen, vnc, wayland...) deliberately
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_MESSAGE
