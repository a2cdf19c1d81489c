"""The frozen bundle (`make package`, packaging/isms.spec) and the wheel work outside the tree.

``make test`` runs them: it builds the bundle first (when its sources changed) and sets
``ISMS_TEST_PACKAGE=1``. The bundle tests build no bundle themselves; they look in dist/isms (or
``ISMS_PACKAGE_DIR``). A bare ``pytest`` skips them, saying why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import isms

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("ISMS_PACKAGE_DIR", ROOT / "dist" / "isms"))

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(os.environ.get("ISMS_TEST_PACKAGE") != "1",
                       reason="packaging tests run only with ISMS_TEST_PACKAGE=1"),
]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run outside the source tree, with a clean data folder, so nothing is found by accident."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "ISMS_DATA_DIR": str(data), **env})


@pytest.fixture
def bundle() -> Path:
    if not (BUNDLE / "isms").is_file():
        pytest.fail(f"no bundle at {BUNDLE}: run `make package` first")
    return BUNDLE


def test_frozen_isms_prints_the_real_version(bundle: Path, tmp_path: Path) -> None:
    done = _run([str(bundle / "isms"), "--version"], tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    assert done.stdout.strip() == f"isms {isms.__version__}"
    assert "source" not in done.stdout  # the metadata was bundled


def test_frozen_isms_selftest_passes(bundle: Path, tmp_path: Path) -> None:
    done = _run([str(bundle / "isms"), "selftest"], tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    assert done.stdout.strip().endswith("self-test passed")


def test_frozen_gui_prints_the_real_version(bundle: Path, tmp_path: Path) -> None:
    done = _run([str(bundle / "isms-gui"), "--version"], tmp_path, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    assert done.stdout.strip() == f"isms {isms.__version__}"


def test_frozen_gui_passes_its_window_selftest(bundle: Path, tmp_path: Path) -> None:
    # Opens every page on a sample register: proves the bundled Qt plugins draw the icons.
    done = _run([str(bundle / "isms-gui"), "--selftest"], tmp_path, QT_QPA_PLATFORM="offscreen",
                XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    assert done.stdout.strip().endswith("window self-test passed")


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_passes_both_selftests(tmp_path: Path) -> None:
    """Build the wheel and ``pip install`` it, with its dependencies, into a fresh venv: what
    ``pipx install`` does. The installed commands then run outside the source tree."""
    wheels = tmp_path / "wheels"
    # Build isolation: the build needs setuptools>=77 (PEP 639 licence), not this venv's.
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                            "-q", "-w", str(wheels)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("isms-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q",
                                "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    where = _run([str(python), "-c", "import isms, ui; print(isms.__file__, ui.__file__)"],
                 tmp_path)
    assert str(ROOT) not in where.stdout and str(venv) in where.stdout, where.stdout + where.stderr
    done = _run([str(venv / "bin" / "isms"), "selftest"], tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    version = _run([str(venv / "bin" / "isms"), "--version"], tmp_path)
    assert version.stdout.strip() == f"isms {isms.__version__}", version.stdout + version.stderr
    window = _run([str(venv / "bin" / "isms-gui"), "--selftest"], tmp_path,
                  QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert window.returncode == 0 and not window.stderr, window.stdout + window.stderr
    assert window.stdout.strip().endswith("window self-test passed")
