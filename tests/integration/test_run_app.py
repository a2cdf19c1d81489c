"""`make run`'s launcher, packaging/run-app.sh: on a machine without a display it opens the window
on a virtual display (Xvfb) and stops it afterwards; with a display it only runs the window.

These run the script itself with the environment it would meet. Without Xvfb (Debian's `xvfb`,
which `make test` installs as root) the tests that need it skip, except under CI (CI is set),
where they fail: a check silently not run is no check.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_APP = ROOT / "packaging" / "run-app.sh"
ISMS_GUI = Path(sys.executable).with_name("isms-gui")
SHOW_DISPLAY = ["sh", "-c", 'echo "display=$DISPLAY"']

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def xvfb() -> str:
    path = shutil.which("Xvfb")
    if path is None:
        why = "Xvfb not found: install the Debian package `xvfb` (make test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(f"Xvfb is required under CI: {why}", pytrace=False)
        pytest.skip(why)
    return path


def no_display(**extra: str) -> dict[str, str]:
    """This process's environment (user folders already isolated by conftest) with no display."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, **extra}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RUN_APP), *command], env=env, capture_output=True, text=True,
                          timeout=120)


def virtual_display(stdout: str) -> str:
    """The display number the launcher announced, e.g. ":3"."""
    found = re.search(r"runs on a virtual display,\n(:\d+) \(Xvfb", stdout)
    assert found, stdout
    return found.group(1)


def assert_stopped(display: str) -> None:
    """Xvfb removes its socket and lock file when it stops; a leftover server keeps them."""
    number = display.lstrip(":")
    assert not Path(f"/tmp/.X11-unix/X{number}").exists()
    assert not Path(f"/tmp/.X{number}-lock").exists()


def test_without_a_display_the_window_runs_on_a_virtual_one() -> None:
    xvfb()
    # isms-gui refuses to start with no display (ui/environment.py): passing means it had one.
    result = run([str(ISMS_GUI), "--selftest"], no_display())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "window self-test passed" in result.stdout
    display = virtual_display(result.stdout)
    assert f"import -display {display} -window root window.png" in result.stdout
    assert "Ctrl+C" in result.stdout
    assert_stopped(display)


def test_the_command_sees_the_virtual_display_and_its_status_is_kept() -> None:
    xvfb()
    result = run(["sh", "-c", 'echo "display=$DISPLAY"; exit 3'], no_display())
    assert result.returncode == 3
    display = virtual_display(result.stdout)
    assert result.stdout.endswith(f"display={display}\n")
    assert_stopped(display)


@pytest.mark.parametrize("setting", [{"DISPLAY": ":57"}, {"WAYLAND_DISPLAY": "wayland-0"},
                                     {"QT_QPA_PLATFORM": "offscreen"}])
def test_with_a_display_or_a_chosen_platform_it_only_runs_the_command(
    setting: dict[str, str],
) -> None:
    result = run(SHOW_DISPLAY, no_display(**setting, XVFB="/nonexistent/Xvfb"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"display={setting.get('DISPLAY', '')}\n"
    assert result.stderr == ""


def test_without_xvfb_it_says_what_to_install_and_fails() -> None:
    result = run(SHOW_DISPLAY, no_display(XVFB="/nonexistent/Xvfb"))
    assert result.returncode == 1
    assert result.stdout == ""  # the command never ran
    assert "sudo apt-get install xvfb" in result.stderr
    assert result.stderr.splitlines()[-1] == "isms: not started: no display and no Xvfb"


def test_ctrl_c_stops_the_window_and_the_virtual_display() -> None:
    xvfb()
    command = ["sh", "-c", 'echo "display=$DISPLAY"; exec sleep 120']
    # A session of its own, so Ctrl+C (SIGINT to the terminal's process group) can be imitated
    # without reaching pytest.
    with subprocess.Popen([str(RUN_APP), *command], env=no_display(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True) as launcher:
        try:
            assert launcher.stdout is not None
            lines: list[str] = []
            while not (lines and lines[-1].startswith("display=")):
                line = launcher.stdout.readline()
                assert line, "".join(lines)
                lines.append(line)
            display = virtual_display("".join(lines))
            os.killpg(launcher.pid, signal.SIGINT)
            # It ends as interrupted, as Ctrl+C ends a command, so make stops too.
            assert launcher.wait(timeout=30) == -signal.SIGINT
            assert "Stopping the window and the virtual display." in launcher.stdout.read()
            assert_stopped(display)
        finally:
            if launcher.poll() is None:
                os.killpg(launcher.pid, signal.SIGKILL)
