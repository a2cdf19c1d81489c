"""`isms selftest`: the installed command checks itself end to end and names what fails."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from isms.cli import main, selftest_commands
from isms.demo import selftest as selftest_files


def test_selftest_passes_in_a_child_process_and_leaves_no_register_behind(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data = tmp_path_factory.mktemp("data")
    done = subprocess.run([sys.executable, "-m", "isms", "selftest"], capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "ISMS_DATA_DIR": str(data)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("self-test passed")
    assert "ok: export an audit pack" in done.stdout and not done.stderr
    assert not any(data.iterdir())  # it worked in a temporary folder, not the user's


def test_a_failing_step_is_named_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # A department file the importer must refuse: the "write a risk" step then fails.
    monkeypatch.setattr(selftest_files, "RISKS_CSV", "Risk,Department\nNo such,NOPE\n")
    said: list[str] = []
    assert selftest_commands.run_selftest(main, said.append) == 1
    failed = [line for line in said if line.startswith("FAILED")]
    assert failed and ("write a risk" in failed[0] or "read the risk back" in failed[0])
