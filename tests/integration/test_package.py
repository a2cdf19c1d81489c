"""The frozen bundle (`make package`, packaging/isms.spec) and the wheel work outside the tree.

Run with ``ISMS_TEST_PACKAGE=1``, after ``make package`` for the bundle tests; they build no
bundle themselves, and look in dist/isms (or ``ISMS_PACKAGE_DIR``). Skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
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


@pytest.mark.slow
def test_the_wheel_installs_and_passes_its_selftest(tmp_path: Path) -> None:
    """Build the wheel, install it alone into a fresh venv and run the installed command.

    The venv reuses this environment's dependencies (a .pth to its site-packages, read after
    the venv's own), so only the wheel itself, with its package data, is under test.
    """
    wheels = tmp_path / "wheels"
    # Build isolation: the build needs setuptools>=77 (PEP 639 licence), not this venv's.
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                            "-q", "-w", str(wheels)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("isms-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(python), "-c", purelib],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "isms-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                                "--no-deps", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    where = _run([str(python), "-c", "import isms; print(isms.__file__)"], tmp_path)
    assert where.stdout.strip().startswith(site), where.stdout + where.stderr  # the wheel's copy
    done = _run([str(venv / "bin" / "isms"), "selftest"], tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    version = _run([str(venv / "bin" / "isms"), "--version"], tmp_path)
    assert version.stdout.strip() == f"isms {isms.__version__}", version.stdout + version.stderr
