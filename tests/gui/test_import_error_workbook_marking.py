"""The import wizard's error workbook (Write the error workbook…) is marked like the one
`isms import --errors` writes: the highest marking of the rows it sends back (issue 17, 8)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from isms.db import Register, commit
from tests import builders as b
from tests.integration.test_marked_files import assert_workbook_marked
from ui.dialogs.import_pages.state import ImportRequest, plan_import, write_errors


def test_the_wizards_error_workbook_carries_the_rows_highest_marking(
    register: Register, tmp_path: Path
) -> None:
    with register.session() as session:
        env = b.department(session, code="ENV", name="Environment and Highways")
        env_id = env.id
        commit(session)
    source = tmp_path / "assets.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets"
    sheet.append(["Asset ref", "Asset", "Classification", "C", "I", "A"])
    sheet.append(["ENV-0011", "CCTV footage", "OFFICIAL-SENSITIVE", 4, 4, 4])
    sheet.append(["ENV-0012", "Depot keys", "OFFICIAL", 9, 1, 1])  # 9: no rating
    book.save(source)
    plan = plan_import(ImportRequest(register, source, "assets", "Assets", None, env_id),
                       lambda *_: None)
    assert plan.counts["error"] == 1
    written = write_errors(plan, source, tmp_path / "back.xlsx")
    assert_workbook_marked(written, "OFFICIAL-SENSITIVE")
