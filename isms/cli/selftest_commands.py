"""`isms selftest`: prove an installed isms works end to end, without touching any register.

In a temporary folder it creates a register, gives it a department and a person, imports a
small asset spreadsheet and a risk, exports the SoA as PDF and an audit pack, and verifies the
change log, each step through the real commands. Any step that fails, or writes anything
unexpected to stderr, fails the test: a packaged app that cannot find its catalogue, templates
or a library shows it here rather than in front of a user.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .. import __version__
from ..demo.selftest import DEPARTMENT, OWNER, REGISTER_FILE, REGISTER_NAME, write_files

Check = Callable[[str], str | None]

def _steps(folder: Path) -> list[tuple[str, list[str], Check]]:
    """(what, isms arguments, a check of the outcome, given what the command printed,
    returning a problem or None)."""
    db = str(folder / REGISTER_FILE)
    assets, risks = write_files(folder)
    soa, pack = folder / "soa.pdf", folder / "pack.zip"

    def pdf_ok(_printed: str) -> str | None:
        data = soa.read_bytes() if soa.exists() else b""
        return None if data.startswith(b"%PDF") and b"%%EOF" in data[-64:] else "no PDF written"

    def pack_ok(_printed: str) -> str | None:
        if not pack.exists():
            return "no pack written"
        with zipfile.ZipFile(pack) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
        missing = {"index.html", "SHA256SUMS", "manifest.json", "soa.pdf"} - names
        return f"the pack lacks {sorted(missing)}" if missing else (
            f"the pack's {bad} is damaged" if bad else None)

    def none(_printed: str) -> str | None:
        return None

    def one_risk(printed: str) -> str | None:
        risks = json.loads(printed)
        return None if len(risks) == 1 else f"{len(risks)} risks in the register, not 1"

    return [
        ("create a register", ["init", "--db", db, "--name", REGISTER_NAME], none),
        ("add a department", ["departments", "add", *DEPARTMENT, "--db", db], none),
        ("add a person", ["people", "add", OWNER[0], "--email", OWNER[1],
                          "--department", DEPARTMENT[0], "--role", "risk owner", "--db", db],
         none),
        ("import a spreadsheet", ["import", "assets", str(assets), "--db", db], none),
        ("write a risk", ["import", "risks", str(risks), "--db", db], none),
        ("read the risk back", ["risks", "list", "--json", "--db", db], one_risk),
        ("export the SoA as PDF", ["export", "soa", "--department", DEPARTMENT[0],
                                   "--out", str(soa), "--db", db], pdf_ok),
        ("export an audit pack", ["export", "pack", "--out", str(pack), "--db", db], pack_ok),
        ("verify the change log", ["audit", "verify", "--db", db], none),
    ]


#: The ``isms`` command itself: its arguments in, its exit status out (``isms.cli.main``). The
#: CLI hands it in when it adds this command, rather than this module importing the package
#: that imports it.
Cli = Callable[[Sequence[str]], int]


def run_selftest(cli: Cli, out: Callable[[str], Any] = print) -> int:
    """Run every step in a temporary folder; 0 when all passed, 1 at the first failure (which
    it names)."""
    with tempfile.TemporaryDirectory(prefix="isms-selftest-") as temp:
        if run_steps(Path(temp), cli, out):
            return 1
    out(f"isms {__version__}: self-test passed")
    return 0


def run_steps(folder: Path, cli: Cli, out: Callable[[str], Any] = print) -> int:
    """Run every step in ``folder``, leaving the register there as ``REGISTER_FILE``; 0 when
    all passed, 1 at the first failure."""
    for what, arguments, check in _steps(folder):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli(arguments)
        problem = (f"exit {code}" if code else None) or check(stdout.getvalue())
        # Pre-flight warnings are the one expected stderr output (an empty SoA has gaps).
        noise = [line for line in stderr.getvalue().splitlines()
                 if line.strip() and not line.startswith(("Pre-flight:", "  "))]
        if problem or noise:
            out(f"FAILED: {what}: {problem or 'unexpected error output'}")
            for line in (stderr.getvalue().strip() or stdout.getvalue().strip()).splitlines():
                out(f"  {line}")
            return 1
        out(f"ok: {what}")
    return 0


def _selftest(cli: Cli, args: argparse.Namespace) -> int:
    return run_selftest(cli)


def add_commands(subparsers: Any, cli: Cli) -> None:
    parser = subparsers.add_parser(
        "selftest",
        help="check this installation end to end in a temporary folder",
        description="create a register, import, write a risk, export an SoA PDF and an audit "
                    "pack, all in a temporary folder; exit 0 when everything works",
    )
    parser.set_defaults(handler=partial(_selftest, cli))
