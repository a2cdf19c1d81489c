"""Carrying an SoA spreadsheet over to the 2022 controls, on real register files and real xlsx
files written the way Excel leaves them (references turned into dates and floats)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.errors import ImportFormatError, ValidationError
from isms.model import Applicability, ChangeLogEntry, Control, ImplementationStatus, SoaEntry
from isms.services.soa.carry_over import apply_soa_import, plan_soa_import
from tests import builders

NEW_IN_2022 = {"5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28"}

#: How Excel stored some references of the 2013 file: y.m.d dates, one d.m.y date (typed on
#: another machine), one date written out as text by a CSV round trip.
EXCEL_DATES: dict[str, Any] = {
    "A.10.1.1": datetime(2010, 1, 1),
    "A.10.1.2": "2010-01-02",
    "A.12.1.2": datetime(2012, 1, 2),
    "A.9.4.2": datetime(2009, 4, 2),
    "A.13.2.1": datetime(2001, 2, 13),
}
EXCLUDED = {
    "A.11.1.6": "No delivery or loading areas at Environment sites",
    "A.14.2.7": "Development is not outsourced",
    "A.8.1.2": "Ownership recorded in the corporate register",  # 5.9 merges it with A.8.1.1
}


def _csv(name: str) -> list[dict[str, str]]:
    text = (files("isms.catalogue") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def correspondence() -> dict[str, list[str]]:
    """2022 ref -> its 2013 predecessors, straight from the shipped correspondence CSV."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in _csv("iso27001_2013_to_2022.csv"):
        found[row["ref_2022"]].append(row["ref_2013"])
    return found


def soa_2013(path: Path) -> dict[str, int]:
    """A department's 2013 SoA as it really arrives: a document-control sheet first, a title
    over the header, clause rows between the controls (one of them a float), references turned
    into dates by Excel, "Yes " with a trailing space, "N/A", a mistyped reference. Returns
    the sheet row of each 2013 reference."""
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Document control"
    cover.append(["Version", "2.3"])
    cover.append(["Owner", "Rajesh Sharma"])
    sheet = book.create_sheet("SoA")
    sheet.append(["Statement of Applicability - Environment and Highways (ISO/IEC 27001:2013)"])
    sheet.append([])
    sheet.append(["Control ref", "Control", "Applicable (Y/N)", "Justification", "Status", "Notes"])
    rows: dict[str, int] = {}
    clause = ""
    for n, row in enumerate(_csv("iso27001_2013_annexA.csv")):
        ref, title = row["ref_id"], row["title"]
        section = ref.split(".")[1]
        if section != clause:
            clause = section
            sheet.append([f"A.{section}", f"Clause {section}"])
        if ref == "A.12.1.1":
            sheet.append([12.1, "Operational procedures and responsibilities"])  # a float
        cell: Any = EXCEL_DATES.get(ref, ref)
        if ref in EXCLUDED:
            values = [cell, title, "N/A" if n % 2 else "No", EXCLUDED[ref], "", ""]
        else:
            status = "Partially" if ref == "A.8.1.1" else "Implemented"
            values = [cell, title, "Yes " if n % 3 else "Yes", f"Needed for {title}", status,
                      f"Procedure {ref}"]  # fmt: skip
        sheet.append(values)
        rows[ref] = sheet.max_row
        if isinstance(cell, datetime):
            sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
    sheet.append(["A.19.1.1", "Not a control", "Yes", "typo", "Implemented", ""])
    rows["A.19.1.1"] = sheet.max_row
    book.save(path)
    return rows


def soa_2022(path: Path, *, titles: bool = True) -> dict[str, int]:
    """A 2022 SoA whose references were typed as numbers: 8.20 is stored as 8.2."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Clause", "Control name" if titles else "Owner", "Applicable?", "Reason"])
    rows = {}
    for row in _csv("iso27001_2022_annexA.csv"):
        ref = row["ref_id"]
        sheet.append([float(ref), row["title"] if titles else "SMG", "Yes", "LR, RRA"])
        rows[ref] = sheet.max_row
    book.save(path)
    return rows


@pytest.fixture
def department(register: Register) -> int:
    with register.session(actor="tests") as session:
        dept = builders.department(session, code="ENV", name="Environment and Highways")
        commit(session)
        return dept.id


def test_a_2013_soa_maps_onto_the_93_controls_of_2022(
    register: Register, department: int, tmp_path: Path
) -> None:
    rows = soa_2013(tmp_path / "env-soa-2013.xlsx")
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "env-soa-2013.xlsx", department)
    assert plan.edition == "2013" and plan.sheet == "SoA"
    assert [c.ref for c in plan.controls][:3] == ["5.1", "5.2", "5.3"]
    assert len(plan.controls) == 93
    by_ref = {c.ref: c for c in plan.controls}

    flagged = {c.ref for c in plan.controls if c.new_in_2022}
    assert flagged == NEW_IN_2022
    assert all(by_ref[r].status == "needs decision" and not by_ref[r].sources for r in flagged)

    # Every 2022 control holds exactly its 2013 predecessors, side by side, in file order.
    for ref_2022, olds in correspondence().items():
        assert sorted(s.ref for s in by_ref[ref_2022].sources) == sorted(olds), ref_2022
        assert [s.row for s in by_ref[ref_2022].sources] == sorted(rows[o] for o in olds)
    merged = {r for r, olds in correspondence().items() if len(olds) > 1}
    # A.11.1.6 (excluded) merges with A.11.1.2 (applicable) into 7.2: a decision too.
    assert {c.ref for c in plan.by_status("merged")} == merged - {"5.9", "7.2"}
    assert {s.ref for s in by_ref["5.36"].sources} >= {"A.18.2.3"}
    assert {s.ref for s in by_ref["8.8"].sources} == {"A.12.6.1", "A.18.2.3"}

    # A.8.1.1 applicable, A.8.1.2 excluded: both merge into 5.9, so a person decides.
    assert by_ref["5.9"].status == "needs decision" and by_ref["5.9"].proposal is None
    assert "disagree" in by_ref["5.9"].decision[0]

    assert f"row {rows['A.10.1.1']}: 2010-01-01 read as A.10.1.1" in plan.recovered
    assert f"row {rows['A.10.1.2']}: 2010-01-02 read as A.10.1.2" in plan.recovered
    assert f"row {rows['A.13.2.1']}: 2001-02-13 read as A.13.2.1" in plan.recovered
    assert len(plan.recovered) == len(EXCEL_DATES)
    assert by_ref["8.32"].sources[0].ref == "A.12.1.2"  # the date took its place in the plan

    assert [(u.row, u.value) for u in plan.unmatched] == [(rows["A.19.1.1"], "A.19.1.1")]
    assert plan.section_rows == 14 + 1  # A.5 ... A.18, and the 12.1 typed as a number

    # The merged 5.1 keeps both rows' words, each under its 2013 reference.
    proposal = by_ref["5.1"].proposal
    assert proposal is not None
    assert proposal["applicability"] == Applicability.APPLICABLE
    assert proposal["inclusion_note"] == (
        "A.5.1.1: Needed for Policies for information security\n"
        "A.5.1.2: Needed for Review of the policies for information security"
    )
    assert "A.11.1.6 (row" in by_ref["7.2"].decision[0]
    assert plan.counts["needs_decision"] == 11 + 2


def test_an_exclusion_carries_its_justification(
    register: Register, department: int, tmp_path: Path
) -> None:
    soa_2013(tmp_path / "soa.xlsx")
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "soa.xlsx", department)
    by_ref = {c.ref: c for c in plan.controls}
    assert [s.ref for s in by_ref["8.30"].sources] == ["A.14.2.7"]
    assert by_ref["8.30"].proposal == {
        "applicability": Applicability.EXCLUDED,
        "exclusion_justification": "Development is not outsourced",
    }


def test_applying_writes_the_settled_entries_and_the_change_log(
    register: Register, department: int, tmp_path: Path
) -> None:
    soa_2013(tmp_path / "soa.xlsx")
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "soa.xlsx", department)
        result = apply_soa_import(session, plan, department, actor="Joanne Clarke")
        commit(session)
    assert (result.created, result.updated, result.left_for_decision) == (93 - 13, 0, 13)
    with register.session() as session:
        entries = {
            e.control.ref: e
            for e in session.execute(
                select(SoaEntry).where(SoaEntry.department_id == department)
            ).scalars()
        }
        assert len(entries) == 80
        assert not (set(entries) & (NEW_IN_2022 | {"5.9", "7.2"}))  # undecided: no entry, a gap
        assert entries["8.30"].applicability == Applicability.EXCLUDED
        assert entries["5.1"].implementation_status == ImplementationStatus.IMPLEMENTED
        assert entries["5.1"].implementation == (
            "A.5.1.1: Procedure A.5.1.1\nA.5.1.2: Procedure A.5.1.2"
        )
        logged = session.execute(
            select(func.count())
            .select_from(ChangeLogEntry)
            .where(
                ChangeLogEntry.table_name == "soa_entry", ChangeLogEntry.actor == "Joanne Clarke"
            )
        ).scalar()
        assert logged == 80


def test_merged_rows_that_differ_in_implementation_take_the_least(
    register: Register, department: int, tmp_path: Path
) -> None:
    path = tmp_path / "soa.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Applicable", "Implementation status", "Target date"])
    sheet.append(["A.5.1.1", "Yes", "Implemented"])
    sheet.append(["A.5.1.2", "Yes", "Planned", datetime(2026, 9, 30)])
    book.save(path)
    with register.session() as session:
        plan = plan_soa_import(session, path, department, edition="2013")
    five_one = plan.controls[0]
    assert five_one.status == "merged"
    assert five_one.proposal is not None
    assert five_one.proposal["implementation_status"] == ImplementationStatus.PLANNED
    assert five_one.proposal["target_date"] == date(2026, 9, 30)
    assert "taken as planned" in five_one.notes[0]


def test_a_2022_soa_with_8_20_stored_as_8_2_is_recovered(
    register: Register, department: int, tmp_path: Path
) -> None:
    rows = soa_2022(tmp_path / "soa-2022.xlsx")
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "soa-2022.xlsx", department)
    assert plan.edition == "2022"
    assert not plan.unmatched
    assert all(c.status == "mapped" for c in plan.controls)
    assert all([s.ref for s in c.sources] == [c.ref] for c in plan.controls)
    assert f"row {rows['8.20']}: 8.2 read as 8.20 (matched by the title on the row)" in (
        plan.recovered
    )
    assert {c.ref: c.sources[0].row for c in plan.controls}["5.10"] == rows["5.10"]
    assert plan.controls[0].proposal is not None
    assert plan.controls[0].proposal["reasons"] == ["legal", "risk assessment"]


def test_a_2022_soa_without_titles_is_settled_by_row_order(
    register: Register, department: int, tmp_path: Path
) -> None:
    rows = soa_2022(tmp_path / "soa-2022.xlsx", titles=False)
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "soa-2022.xlsx", department)
    assert not plan.unmatched
    assert {c.ref: c.sources[0].row for c in plan.controls} == rows
    assert any(line.startswith(f"row {rows['8.30']}: 8.3 read as 8.30") for line in plan.recovered)


def test_a_file_with_no_reference_column_is_refused_naming_it(
    register: Register, department: int, tmp_path: Path
) -> None:
    path = tmp_path / "not-an-soa.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets"
    sheet.append(["Asset", "Owner", "Applicable"])
    for n in range(10):
        sheet.append([f"Asset {n}", "Rajesh", "Yes"])
    book.save(path)
    with register.session() as session, pytest.raises(ValidationError) as caught:
        plan_soa_import(session, path, department)
    assert "not-an-soa.xlsx, sheet 'Assets': no column of control references" in str(caught.value)


def test_a_wrong_sheet_is_refused_naming_the_sheets(
    register: Register, department: int, tmp_path: Path
) -> None:
    soa_2013(tmp_path / "soa.xlsx")
    with register.session() as session, pytest.raises(ImportFormatError) as caught:
        plan_soa_import(session, tmp_path / "soa.xlsx", department, sheet="Annex A")
    assert "soa.xlsx" in str(caught.value) and "'Annex A'" in str(caught.value)
    assert "'SoA'" in str(caught.value)


def test_a_refused_entry_rolls_back_the_whole_import(
    register: Register, department: int, tmp_path: Path
) -> None:
    soa_2013(tmp_path / "soa.xlsx")
    with register.session() as session:
        plan = plan_soa_import(session, tmp_path / "soa.xlsx", department)
        last = plan.to_write[-1]
        assert last.proposal is not None
        last.proposal = {"applicability": Applicability.EXCLUDED}  # no justification
        with pytest.raises(ValidationError, match=f"control {last.ref} is excluded"):
            apply_soa_import(session, plan, department)
        commit(session)
    with register.session() as session:
        assert session.execute(select(func.count()).select_from(SoaEntry)).scalar() == 0
        assert session.execute(select(func.count()).select_from(Control)).scalar() == 93 + 114


def test_a_ref_column_that_numbers_the_rows_is_passed_over_for_the_references(
    register: Register, department: int, tmp_path: Path
) -> None:
    """"Ref" holds 1, 2, 3...; the references are in "Control" with their titles."""
    path = tmp_path / "soa-numbered.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Control", "Applicable"])
    refs = [row["ref_id"] for row in _csv("iso27001_2022_annexA.csv")]
    for n, row in enumerate(_csv("iso27001_2022_annexA.csv"), start=1):
        sheet.append([n, f"{row['ref_id']} {row['title']}", "Yes"])
    book.save(path)
    with register.session() as session:
        plan = plan_soa_import(session, path, department)
    assert plan.edition == "2022" and not plan.unmatched
    assert sorted(c.ref for c in plan.controls) == sorted(refs)
    assert any("not column A (Ref)" in note for note in plan.notes)


def test_a_greek_soa_is_read_by_its_greek_headings(
    register: Register, department: int, tmp_path: Path
) -> None:
    path = tmp_path / "soa-el.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Α/Α", "Μέτρο ελέγχου", "Εφαρμόσιμο", "Αιτιολόγηση"])
    for row in _csv("iso27001_2022_annexA.csv"):
        sheet.append([row["ref_id"], row["title"], "Ναι" if row["ref_id"] != "7.5" else "Όχι",
                      "ΑΑ"])
    book.save(path)
    with register.session() as session:
        plan = plan_soa_import(session, path, department)
    assert sorted(plan.mapping.values()) == ["applicable", "justification", "ref", "title"]
    assert len(plan.controls) == 93
    applicability = {c.ref: c.sources[0].applicability for c in plan.controls}
    assert applicability["7.5"] == Applicability.EXCLUDED
    assert set(applicability.values()) == {Applicability.APPLICABLE, Applicability.EXCLUDED}
