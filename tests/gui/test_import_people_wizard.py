"""File > Import > People…: a staff list taken through the import wizard, as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from isms.db import Register
from isms.model import Department, Person
from tests.integration.test_import_people import staff_list

from .conftest import Sample
from .test_import_wizard import IMPORT, open_wizard, press, preview_rows


def test_a_staff_list_is_imported_from_the_wizard(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    with register.session() as session:
        department = session.execute(select(Department.name).order_by(Department.code)
                                     ).scalars().first()
        assert department is not None
    path = staff_list(tmp_path / "staff.xlsx", [
        ["Nia Hughes", "nia.hughes@example.gov.uk", "Records Manager", department,
         "information asset owner"],
    ])
    wizard = open_wizard(qtbot, register, path, None, kind="people")
    assert wizard.windowTitle() == "Import people — isms"
    assert not wizard.file_page.department.isEnabled()  # a staff list names its departments
    press(wizard)  # sheet
    press(wizard)  # mapping
    assert wizard.mapping_page.origin.text() == "Mapping proposed from the headers."
    press(wizard)
    if wizard.currentPage() is wizard.values_page:
        press(wizard)
    assert preview_rows(wizard) == [(3, "new")]
    press(wizard)
    press(wizard, IMPORT)
    result = wizard.result_of_import
    assert result is not None and result.created == 1
    with register.session() as session:
        nia = session.execute(select(Person).where(Person.name == "Nia Hughes")).scalar_one()
        assert (nia.email, nia.job_title, nia.department.name if nia.department else None) == (
            "nia.hughes@example.gov.uk", "Records Manager", department)
        assert [r.value for r in nia.roles] == ["information asset owner"]
