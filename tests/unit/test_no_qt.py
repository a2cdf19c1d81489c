"""The core must run without Qt: importing every isms module loads no PySide6 and no ui."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import isms
# env.py only runs inside Alembic and __main__ runs the command; the rest is importable.
names = [m.name for m in pkgutil.walk_packages(isms.__path__, "isms.")
         if m.name not in ("isms.db.migrations.env", "isms.__main__")]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui"))
print(len(names))
print(",".join(leaked))
"""


def test_importing_every_isms_module_loads_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=120
    )
    count, leaked = result.stdout.splitlines()
    assert int(count) > 15  # the walk really found the package's modules
    assert leaked == ""
