"""Every PDF the demo register exports, read back page by page as a reader sees it (issue 17,
10): the council-wide and one department's SoA, the risk register, the treatment plan, the
asset inventory, the risk method and every PDF of a department's audit pack. On no page is a
reference, a name, a marking or any word of the register cut across lines, every file passes
qpdf's check, and each is dated "As at" its day. The spreadsheets beside them sort: scores
are numbers and controls sort in clause order."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.cli import main
from isms.db import Register, open_register
from isms.io.exports.page_rules import clause_key
from isms.io.exports.report import Marked
from isms.model import (
    Asset,
    ClassificationMarking,
    Control,
    Department,
    Person,
    Risk,
    Threat,
    Vulnerability,
)
from isms.services.documents.render import document_report
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages, split_words, words_of

AS_OF = "2026-12-07"
DEPARTMENT = "ASC"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Register]]:
    folder = tmp_path_factory.mktemp("pages")
    db = folder / "demo.isms"
    assert main(["demo", "--db", str(db)]) == 0
    register = open_register(str(db))
    try:
        yield folder, register
    finally:
        register.close()


def _vocabulary(register: Register) -> set[str]:
    """Every word of the register's references, names, titles and markings."""
    columns = (Risk.ref, Risk.title, Asset.ref, Asset.name, Control.ref, Control.title,
               Person.name, Department.code, Department.name, Threat.name, Vulnerability.name,
               ClassificationMarking.label)
    with register.session() as session:
        return words_of(v for column in columns for v in session.execute(select(column)).scalars())


def _report_words(register: Register, kind: str, department: str | None) -> set[str]:
    """The words of every cell and header of the table a document prints."""
    with register.session() as session:
        department_id = None if department is None else session.execute(
            select(Department.id).where(Department.code == department)).scalar_one()
        report = document_report(session, kind, department_id,  # type: ignore[arg-type]
                                 date.fromisoformat(AS_OF))
        rows = [list(r) for r in report.rows]
    values = [v.value if isinstance(v, Marked) else v for row in rows for v in row]
    return words_of([*values, *(c.header for c in report.columns)])


def _export(folder: Path, register: Register, kind: str, out: str, *extra: str) -> Path:
    path = folder / out
    code = main(["export", kind, "--db", str(folder / "demo.isms"), "--out", str(path),
                 "--as-of", AS_OF, *extra])
    assert code == 0
    return path


def _check(path: Path, words: set[str], vocabulary: set[str]) -> list[str]:
    """``words`` (what the document prints) appear whole and are never cut; nor is any word of
    the ``vocabulary`` the document happens to hold."""
    assert_pdf_sound(path)
    pages = pdf_pages(path)
    assert pages, path
    assert_not_split(pages, words)
    assert not split_words(pages, vocabulary, whole=words), path.name
    for number, page in enumerate(pages, start=1):
        # Dated by its day: never a 00:00 that was never a real time.
        assert f"As at {AS_OF}" in page and "00:00" not in page, (path.name, number)
    return pages


@pytest.mark.parametrize(("kind", "department"), [
    ("soa", None), ("soa", DEPARTMENT), ("risks", None), ("treatment", None), ("assets", None),
])
def test_every_register_pdf_has_no_word_cut_on_any_page(
        demo: tuple[Path, Register], kind: str, department: str | None) -> None:
    folder, register = demo
    extra = ("--department", department) if department else ()
    path = _export(folder, register, kind, f"{kind}-{department or 'council'}.pdf", *extra)
    marking = "OFFICIAL-SENSITIVE" if kind != "assets" else "OFFICIAL"
    _check(path, _report_words(register, kind, department) | {marking}, _vocabulary(register))


def test_the_method_and_every_pdf_of_the_pack_have_no_word_cut(
        demo: tuple[Path, Register]) -> None:
    folder, register = demo
    vocabulary = _vocabulary(register) | {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    method = _check(_export(folder, register, "method", "method.pdf"), {"OFFICIAL"}, vocabulary)
    # The matrix and each scale are whole on the page of their heading.
    for heading, rows in (("Risk matrix", ("5 Almost certain", "3 Possible", "1 Rare")),
                          ("Impact scale", ("Negligible", "Moderate", "Severe"))):
        [page] = [page for page in method if heading in page]
        assert all(row in page for row in rows), heading
    pack = _export(folder, register, "pack", "pack.zip", "--department", DEPARTMENT)
    unpacked = folder / "pack"
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(unpacked)
    pdfs = sorted(unpacked.rglob("*.pdf"))
    names = {p.relative_to(unpacked).as_posix() for p in pdfs}
    assert {"soa.pdf", "risk-register.pdf", "treatment-plan.pdf", "asset-inventory.pdf",
            "risk-method.pdf", "review-decisions.pdf"} <= names
    words = {"soa.pdf": _report_words(register, "soa", DEPARTMENT),
             "risk-register.pdf": _report_words(register, "risks", DEPARTMENT),
             "treatment-plan.pdf": _report_words(register, "treatment", DEPARTMENT),
             "asset-inventory.pdf": _report_words(register, "assets", DEPARTMENT)}
    for pdf in pdfs:
        name = pdf.relative_to(unpacked).as_posix()
        # Minutes are dated by their sign-off when signed: a real moment, with its time.
        if name.startswith("minutes/"):
            assert_pdf_sound(pdf)
            assert not split_words(pdf_pages(pdf), vocabulary), name
            continue
        _check(pdf, words.get(name, set()), vocabulary)


def test_risk_scores_are_numbers_and_controls_sort_in_clause_order(
        demo: tuple[Path, Register]) -> None:
    folder, register = demo
    risks = openpyxl.load_workbook(_export(folder, register, "risks", "risks.xlsx"))
    sheet = risks["Risk register"]
    header = [c.value for c in sheet[1]]
    for stage in ("Inherent", "Current", "Residual"):
        for part in ("likelihood", "impact", "score"):
            column = header.index(f"{stage} {part}") + 1
            values = [sheet.cell(row, column).value for row in range(2, sheet.max_row + 1)]
            numbers = [v for v in values if v is not None]
            assert numbers and all(isinstance(v, int) for v in numbers), (stage, part)
    score = header.index("Inherent score") + 1
    likelihood, impact = header.index("Inherent likelihood") + 1, header.index(
        "Inherent impact") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, score).value is not None:
            assert sheet.cell(row, score).value == (sheet.cell(row, likelihood).value
                                                    * sheet.cell(row, impact).value)
    soa = openpyxl.load_workbook(_export(folder, register, "soa", "soa.xlsx"))
    table = soa["Statement of Applicability"]
    header = [c.value for c in table[1]]
    control, order = header.index("Control"), header.index("Control order")
    rows = [[c.value for c in row] for row in table.iter_rows(min_row=2)]
    by_key = [r[control] for r in sorted(rows, key=lambda r: r[order])]
    assert by_key[:12] == [f"5.{k}" for k in range(1, 13)]
    assert by_key == sorted(by_key, key=lambda ref: clause_key(ref) or 0)
    assert table.page_setup.paperSize == 8 and table.page_setup.orientation == "landscape"
