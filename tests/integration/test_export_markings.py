"""Markings everywhere and data minimisation (issue 17, points 8 and 9), on the demo register
through `isms export`: every page and file that leaves the register carries a marking (PDF
pages, every xlsx sheet and the file properties, the pack's HTML pages, the change-log CSV),
`--marking` chooses it, the default is the highest marking of what the document holds, and a
department's pack carries only that department's change-log entries and people."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from isms.cli import main
from isms.db import open_register
from isms.model import Department, Person
from isms.model.audit import ChangeLogEntry
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

AS_OF = "2026-12-07"
SENSITIVE = "OFFICIAL-SENSITIVE"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("markings") / "demo.isms"
    assert main(["demo", "--db", str(db), "--assets", "150"]) == 0
    return db


def export(capsys: pytest.CaptureFixture[str], demo: Path, what: str, out: Path,
           *extra: str) -> str:
    code, _, err = run(capsys, "export", what, "--db", str(demo), "--out", str(out),
                       "--as-of", AS_OF, *extra)
    assert code == 0, err
    return err


def unpack(pack: Path, folder: Path) -> Path:
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(folder)
    return folder


def assert_pages_marked(pdf: Path, marking: str) -> None:
    """Every page names the marking in its running header (first line) and footer (last)."""
    assert_pdf_sound(pdf)
    pages = pdf_pages(pdf)
    assert pages, pdf
    assert_not_split(pages, [marking])
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert lines[0].split()[-1] == marking, f"{pdf.name} page {number} header: {lines[0]}"
        assert lines[-1].split()[0] == marking, f"{pdf.name} page {number} footer: {lines[-1]}"
    info = PdfReader(pdf).metadata
    assert info is not None and info.subject == marking


def assert_book_marked(book_path: Path, marking: str) -> None:
    book = openpyxl.load_workbook(book_path)
    assert "Document control" in book.sheetnames
    for sheet in book.worksheets:
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header is not None and footer is not None
        assert header.right.text == marking, f"{book_path.name} {sheet.title}"
        assert footer.left.text == marking, f"{book_path.name} {sheet.title}"
    assert marking in (book.properties.category, book.properties.keywords)


def banners(page: str) -> tuple[str, str]:
    """The first and last text of an HTML page's body."""
    body = page[page.index("<body>") + len("<body>"):page.index("</body>")]
    texts = [t.strip() for t in re.split(r"<[^>]+>", body) if t.strip()]
    return texts[0], texts[-1]


def test_every_page_and_file_of_a_department_pack_carries_a_marking(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    folder = unpack(_pack(capsys, demo, tmp_path, "ASC"), tmp_path / "asc")
    pdfs = sorted(folder.rglob("*.pdf"))
    assert {p.name for p in pdfs} >= {"review-decisions.pdf", "risk-method.pdf",
                                      "risk-register.pdf", "soa.pdf", "SMG-2026-09.pdf"}
    # The method holds scales and rules only, the document register the list of policies, the
    # context register the council's issues and duties; every other document describes
    # weaknesses (the decisions and the minutes list risks, which the risk register marks
    # OFFICIAL-SENSITIVE).
    official = ("risk-method", "document-register", "context-issues", "interested-parties",
                "obligations-register")
    for pdf in pdfs:
        assert_pages_marked(pdf, "OFFICIAL" if pdf.stem in official else SENSITIVE)
    for book in folder.glob("*.xlsx"):
        assert_book_marked(book, "OFFICIAL" if book.stem in official else SENSITIVE)
    for page in ("index.html", "scope.html"):
        html = (folder / page).read_text(encoding="utf-8")
        assert banners(html) == (SENSITIVE, SENSITIVE), page
    log = (folder / "change-log.csv").read_text(encoding="utf-8")
    assert log.splitlines()[0] == f"# {SENSITIVE}"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["marking"] == SENSITIVE


def _pack(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path,
          department: str | None, *extra: str) -> Path:
    out = tmp_path / f"{department or 'council'}.zip"
    export(capsys, demo, "pack", out, *(("--department", department) if department else ()),
           *extra)
    return out


def test_the_index_shows_labelled_facts_and_the_scope_once(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(_pack(capsys, demo, tmp_path, "ASC")) as archive:
        index = archive.read("index.html").decode()
    labels = re.findall(r"<dt>([^<]*)</dt>", index[:index.index("<h2>")])
    assert labels == ["Scope", "Register", "As at", "Change log head", "Produced by",
                      "Protective marking"]
    assert index.count("ASC - Adult Social Care") == 1 + index.count("Pack covers")
    assert "<dt>app</dt>" not in index and "<dt>as_of</dt>" not in index


def test_marking_chooses_the_marking_of_every_kind_and_a_lower_one_is_warned_and_recorded(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    for kind in ("soa", "risks", "treatment", "assets", "method"):
        pdf = tmp_path / f"{kind}.pdf"
        err = export(capsys, demo, kind, pdf, "--marking", "secret")
        assert "Warning" not in err
        assert_pages_marked(pdf, "SECRET")
    book = tmp_path / "risks.xlsx"
    err = export(capsys, demo, "risks", book, "--marking", "OFFICIAL")
    assert "Warning:" in err and "below the OFFICIAL-SENSITIVE" in err
    assert_book_marked(book, "OFFICIAL")
    control = {str(row[0]): str(row[1]) for row in openpyxl.load_workbook(book)[
        "Document control"].iter_rows(max_col=2, values_only=True) if len(row) == 2}
    assert "below the OFFICIAL-SENSITIVE" in control["Marking chosen"]
    refused = tmp_path / "refused.pdf"
    code, _, err = run(capsys, "export", "risks", "--db", str(demo), "--out", str(refused),
                       "--marking", "RESTRICTED")
    assert code == 1 and err.count("\n") == 1 and "OFFICIAL-SENSITIVE" in err
    assert not refused.exists()
    folder = unpack(_pack(capsys, demo, tmp_path, None, "--marking", "SECRET"),
                    tmp_path / "secret")
    assert any(folder.glob("minutes/*.pdf"))
    for pdf in folder.rglob("*.pdf"):
        assert_pages_marked(pdf, "SECRET")
    for book_path in folder.glob("*.xlsx"):
        assert_book_marked(book_path, "SECRET")
    assert banners((folder / "index.html").read_text(encoding="utf-8")) == ("SECRET", "SECRET")
    assert (folder / "change-log.csv").read_bytes().startswith(b"# SECRET\r\nid,at,")


def test_a_department_pack_carries_only_its_own_log_entries_and_people(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    pack = _pack(capsys, demo, tmp_path, "ASC")
    with zipfile.ZipFile(pack) as archive:
        log_text = archive.read("change-log.csv").decode("utf-8")
        index = archive.read("index.html").decode("utf-8")
    rows = list(csv.reader(io.StringIO(log_text)))[1:]
    header, body = rows[0], rows[1:]
    register = open_register(str(demo))
    try:
        with register.session() as session:
            asc = session.execute(select(Department.id).where(Department.code == "ASC")
                                  ).scalar_one()
            people = session.execute(select(Person.email, Person.username,
                                            Person.department_id)).all()
            log = {e.id: e for e in session.execute(select(ChangeLogEntry)).scalars()}
            others = {d.id: d.code for d in session.execute(select(Department)).scalars()
                      if d.id != asc}
    finally:
        register.close()
    own = [p for p in people if p.department_id == asc]
    strangers = [p for p in people if p.department_id != asc]
    assert own and len(strangers) > 60
    # None of the other departments' staff: no e-mail, no username.
    for person in strangers:
        assert person.email not in log_text and f'""{person.username}""' not in log_text
    for person in own:
        assert person.email in log_text
    # Every row is an entry of the register's log, unchanged, and none is about another
    # department's people or the department record of another department below the council.
    assert header[0] == "id" and len(body) < len(log) / 2
    for row in body:
        entry = log[int(row[0])]
        assert row[9] == entry.entry_hash and row[8] == (entry.prev_hash or "")
        values = json.loads(row[7])
        if row[4] == "person":
            assert values.get("department_id") == asc
        if row[4] == "department":
            assert values.get("id") not in others or values.get("parent_id") is None
    assert "Change log (extract)" in index and "an extract" in index.lower()
    # The whole log's head is recorded, so the register can still be checked against the pack.
    head = log[max(log)].entry_hash
    assert head is not None and head in index
    code, out, err = run(capsys, "audit", "verify", "--db", str(demo), "--against", str(pack),
                         "--json")
    assert code == 0, out + err


def test_the_council_pack_still_carries_the_whole_log(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(_pack(capsys, demo, tmp_path, None)) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("change-log.csv").decode())))
    register = open_register(str(demo))
    try:
        with register.session() as session:
            ids = list(session.execute(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id)
                                       ).scalars())
    finally:
        register.close()
    assert rows[0] == [f"# {SENSITIVE}"]
    assert [int(r[0]) for r in rows[2:]] == ids


def test_the_asset_table_for_import_is_marked_and_still_reads_back_unchanged(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    register = open_register(str(demo))
    try:
        with register.session() as session:
            # The highest marking among ASC's live assets, read from the register itself.
            labels = set(session.execute(text(
                "SELECT m.label FROM asset a JOIN department d ON d.id = a.department_id "
                "JOIN classification_marking m ON m.id = a.marking_id "
                "WHERE d.code = 'ASC' AND a.status != 'retired'")).scalars())
    finally:
        register.close()
    order = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]
    expected = max(labels, key=order.index)
    table = tmp_path / "asc.csv"
    export(capsys, demo, "assets", table, "--department", "ASC")
    assert table.read_text(encoding="utf-8-sig").splitlines()[0] == f"# {expected}"
    book = tmp_path / "asc.xlsx"
    err = export(capsys, demo, "assets", book, "--department", "ASC", "--for-import",
                 "--marking", "SECRET")
    assert "Warning" not in err
    opened = openpyxl.load_workbook(book)
    assert opened.properties.category == "SECRET"
    header = opened["Assets"].oddHeader
    assert header is not None and header.right.text == "SECRET"
    for path in (table, book):
        code, out, err = run(capsys, "import", "assets", str(path), "--department", "ASC",
                             "--dry-run", "--db", str(demo))
        assert code == 0, err
        assert re.search(r"\b0 new\b", out) and " 0 with errors" in out, out
