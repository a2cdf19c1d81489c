"""The small register both self-tests use: a department, its owner, two assets and a risk.

``isms selftest`` builds it through the real commands, to prove them (``isms.cli``'s
``selftest_commands``); ``isms-gui --selftest`` builds it here, through the same services those
commands call, because the window sits beside the command line and may not call it. Both read
the same two files, written by :func:`write_files`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ImportFormatError
from ..model import Role
from ..services import records
from ..services.imports import files as import_files
from ..services.setup import init_register

#: The register file the self-tests build in their folder.
REGISTER_FILE = "selftest.isms"
REGISTER_NAME = "Self-test register"
DEPARTMENT = ("TST", "Self-test department")
OWNER = ("Test Owner", "owner@example.invalid")

#: The small department file the self-tests import (what a department spreadsheet looks like).
ASSETS_CSV = (
    "Asset name,Type,Department,Information asset owner,Confidentiality (1-5),"
    "Integrity (1-5),Availability (1-5),Personal data?\n"
    "Payroll records,information,TST,Test Owner,4,4,3,Yes\n"
    "Case management system,software,TST,Test Owner,5,4,4,Yes\n"
)
RISKS_CSV = (
    "Risk,Department,Risk owner,Assets,Inherent likelihood,Inherent impact\n"
    "Payroll records sent to the wrong recipient,TST,Test Owner,TST-0001,3,4\n"
)
#: The assets the self-test register holds: the rows of the spreadsheet it imports.
EXPECTED_ASSETS = len(ASSETS_CSV.splitlines()) - 1


def write_files(folder: Path) -> tuple[Path, Path]:
    """Write the assets and risks files into ``folder``; their paths."""
    assets, risks = folder / "assets.csv", folder / "risks.csv"
    assets.write_text(ASSETS_CSV, encoding="utf-8")
    risks.write_text(RISKS_CSV, encoding="utf-8")
    return assets, risks


def build_register(folder: Path) -> Path:
    """Build the self-test register in ``folder`` through the services; its path.

    Raises the services' expected errors (an ImportFormatError naming the file when one of the
    files is refused), as the commands would report them.
    """
    path = folder / REGISTER_FILE
    register, _summary = init_register(str(path), name=REGISTER_NAME)
    try:
        with register.transaction() as session:
            department = records.add_department(session, code=DEPARTMENT[0], name=DEPARTMENT[1],
                                                parent_id=None, in_scope=True)
            session.flush()
            records.add_person(session, name=OWNER[0], email=OWNER[1],
                               department_id=department.id, roles={Role.RISK_OWNER})
        for kind, source in zip(("assets", "risks"), write_files(folder), strict=True):
            with register.transaction() as session:
                prepared = import_files.prepare(session, source, kind=kind)
                with prepared.source:
                    plan = import_files.plan(session, prepared, None)
                    if not plan.ok:
                        raise ImportFormatError(f"{source.name}: the self-test's {kind} file "
                                                "was refused.")
                    import_files.apply(session, plan, valid_only=False)
    finally:
        register.close()
    return path
