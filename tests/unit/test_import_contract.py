"""The import contract (pyproject.toml's [tool.importlinter] and tests/contract/runtime.toml) can
fail: the real configuration is run on a small `isms` + `ui` pair written for each test, first
clean, then with one break of each rule, and must report exactly that break.

`make lint` runs the same contract on the real tree (tests/unit/test_no_qt.py checks the Qt rule
again at run time, through third-party imports the static graph cannot see).
"""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.contract.cycles import shortest_loop, strongly_connected

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = [ROOT / "pyproject.toml", ROOT / "tests" / "contract" / "runtime.toml"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_names() -> dict[str, str]:
    """Contract id -> the name lint-imports prints, from the configuration files themselves."""
    names = {}
    for config in CONFIGS:
        for contract in tomllib.loads(config.read_text())["tool"]["importlinter"]["contracts"]:
            names[contract["id"]] = contract["name"]
    return names


NAMES = contract_names()

# Every layer the contract names exists (import-linter refuses a layer that doesn't), and the
# layers use each other the allowed ways: downwards, inside functions, relatively, and ui names
# SQLAlchemy's types under TYPE_CHECKING.
CLEAN = {
    "isms/__init__.py": "",
    "isms/__main__.py": "from .cli import main\n",
    "isms/errors.py": "class ValidationError(Exception): ...\n",
    "isms/catalogue/__init__.py": "",
    "isms/model/__init__.py": "from isms.errors import ValidationError\n",
    "isms/method/__init__.py": "from ..model import ValidationError\n",
    "isms/db/__init__.py": "import sqlalchemy\nfrom isms import model\n",
    "isms/io/__init__.py": "from isms.method import ValidationError\n",
    "isms/services/__init__.py": "",
    "isms/services/risks.py": (
        "from isms import io\n\n\ndef save():\n    from ..db import model\n    return model\n"
    ),
    "isms/demo/__init__.py": "from isms.services import risks\n",
    "isms/cli/__init__.py": "from isms.services import risks\n\n\ndef main(): ...\n",
    "ui/__init__.py": "",
    "ui/window.py": (
        "from typing import TYPE_CHECKING\n\nfrom isms import demo\n"
        "from isms.services import risks\n\n"
        "if TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"
    ),
}


def lint(tmp_path: Path, extra: dict[str, str]) -> tuple[int, str]:
    """Run lint-imports with the project's configuration on CLEAN + extra, written to tmp_path."""
    for name, text in {**CLEAN, **extra}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    env = {
        **os.environ,
        # lint-imports puts its working folder first on sys.path, so these `isms` and `ui` are
        # analysed, not the project's; ROOT gives tests.contract.cycles.
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "COLUMNS": "300",  # no wrapped lines
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", *map(str, CONFIGS)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def verdicts(report: str) -> dict[str, str]:
    """Contract id -> KEPT or BROKEN, from the report's summary lines."""
    found = {}
    for contract_id, name in NAMES.items():
        for verdict in ("KEPT", "BROKEN"):
            if f"{name} {verdict}" in report:
                found[contract_id] = verdict
    return found


def test_the_clean_pair_keeps_every_contract(tmp_path: Path) -> None:
    status, report = lint(tmp_path, {})
    assert verdicts(report) == dict.fromkeys(NAMES, "KEPT"), report
    assert status == 0
    # The modules written here were analysed, not the project's (hundreds of files).
    analysed = re.search(r"Analyzed (\d+) files", report)
    assert analysed and int(analysed.group(1)) < 100, report


BREAKS = {
    "ui imports SQLAlchemy at run time": (
        {"ui/table.py": "from sqlalchemy import select\n"},
        "ui-no-sqlalchemy",
        ["ui.table -> sqlalchemy (l.1)"],
    ),
    "io imports services": (
        {"isms/io/report.py": "\n\ndef rows():\n    from isms.services.risks import save\n"},
        "layers",
        ["isms.io is not allowed to import isms.services", "isms.io.report -> isms.services.risks"],
    ),
    "a lower layer reaches a higher one through the package outside the layers": (
        {"isms/__init__.py": "from isms.services import risks\n",
         "isms/db/session.py": "from isms import risks\n"},
        "layers",
        ["isms.db is not allowed to import isms.services",
         "isms.db.session -> isms (l.1)", "isms -> isms.services.risks (l.1)"],
    ),
    "ui imports the command line": (
        {"ui/selftest.py": "from isms.cli import main\n"},
        "layers",
        ["ui is not allowed to import isms.cli", "ui.selftest -> isms.cli"],
    ),
    "the command line imports ui": (
        {"isms/cli/gui.py": "def start():\n    import ui.window\n"},
        {"no-qt", "layers"},
        ["isms.cli.gui -> ui.window"],
    ),
    "isms imports Qt": (
        {"isms/io/chart.py": "from PySide6.QtGui import QImage\n"},
        "no-qt",
        ["isms.io.chart -> PySide6"],
    ),
    "two modules import each other, one inside a function": (
        {"isms/services/rows.py": "from . import checks\n",
         "isms/services/checks.py": "def run():\n    from isms.services.rows import Row\n"},
        "no-loops",
        ["These modules import each other: isms.services.checks, isms.services.rows",
         "isms.services.checks -> isms.services.rows (l.2:",
         "isms.services.rows -> isms.services.checks (l.1:"],
    ),
    "ui modules that name each other only in annotations": (
        {"ui/helpers.py": (
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from .window import Session\n"),
         "ui/window.py": CLEAN["ui/window.py"] + "from . import helpers\n"},
        "no-loops",
        ["These modules import each other: ui.helpers, ui.window"],
    ),
}


@pytest.mark.parametrize("files, broken, expected", BREAKS.values(), ids=BREAKS.keys())
def test_each_break_is_reported(
    tmp_path: Path, files: dict[str, str], broken: str | set[str], expected: list[str]
) -> None:
    status, report = lint(tmp_path, files)
    assert status == 1, report
    broken_ids = {broken} if isinstance(broken, str) else broken
    assert verdicts(report) == {
        contract_id: "BROKEN" if contract_id in broken_ids else "KEPT" for contract_id in NAMES
    }, report
    for line in expected:
        assert line in report


def test_every_part_of_isms_has_a_layer() -> None:
    """A new top-level package or module of isms must be placed in the layers, not slip past."""
    config = tomllib.loads(CONFIGS[0].read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    parts = {f"isms.{module.name}" for module in pkgutil.iter_modules([str(ROOT / "isms")])}
    assert len(parts) > 5  # the walk found the real package
    assert parts - placed == set()


def test_loops_are_found_as_components_with_a_shortest_example() -> None:
    graph = {
        "a": frozenset({"b"}),
        "b": frozenset({"c", "x"}),
        "c": frozenset({"a", "b"}),
        "x": frozenset({"y"}),
        "y": frozenset(),
        "p": frozenset({"q"}),
        "q": frozenset({"p"}),
    }
    assert strongly_connected(graph) == [["a", "b", "c"], ["p", "q"]]
    assert shortest_loop(graph, ["c", "b", "a"]) == ["a", "b", "c", "a"]
    assert strongly_connected({"a": frozenset({"b"}), "b": frozenset()}) == []
