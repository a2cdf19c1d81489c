"""The audit pack items taken from a real register file: scope, evidence files (checked, flagged,
safely named), the change log as CSV, and the review minutes; written into real packs."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from isms.db import Register
from isms.demo import build_demo
from isms.errors import StorageError
from isms.io.cells import TRIGGERS
from isms.io.exports.pack import PackItem, write_pack
from isms.io.exports.report import Marked
from isms.model import AccreditationStatus, Control, Department, Evidence
from isms.model.audit import ChangeLogEntry
from isms.services import evidence
from isms.services.documents.audit_pack_items import (
    change_log_item,
    evidence_item,
    scope_item,
    scope_label,
)
from isms.services.reviews.decisions_report import review_minutes_report
from tests import builders

AS_OF = date(2026, 3, 2)
GENERATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def store(register: Register) -> Path:
    return evidence.evidence_dir(register.location)


class Council:
    """Two departments and evidence in every state a pack has to show."""

    def __init__(self, register: Register, store: Path, tmp_path: Path) -> None:
        with register.transaction(actor="=cmd|' /C calc'!A0") as session:
            env = builders.department(session, code="ENV", name="Environment",
                                      accreditation_status=AccreditationStatus.IN_PROGRESS,
                                      description=f"Highways {XSS}")
            chs = builders.department(session, code="CHS", name="Children's Services")
            builders.department(session, code="OUT", name="Leisure trust", in_scope=False)
            control = session.execute(select(Control.id).where(Control.ref == "5.18")
                                      .limit(1)).scalar_one()

            def attach(ref: str, name: str, data: bytes, dept: Department | None,
                       title: str = "Access review", **extra: object) -> Evidence:
                folder = tmp_path / ref
                folder.mkdir()
                source = folder / name
                source.write_bytes(data)
                return evidence.attach_file(
                    session, store, source, ref=ref, title=title, evidence_date=date(2026, 2, 1),
                    department_id=dept.id if dept else None, controls=[control],
                    **extra)  # type: ignore[arg-type]

            attach("EV-01", "Report.pdf", b"%PDF first", env, title=FORMULA,
                   period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
            attach("EV-02", "Report.pdf", b"%PDF second", env, title=XSS)
            traversal = attach("EV-03", "x.txt", b"passwd", env)
            traversal.file_name = "../../etc/passwd"  # as a hostile or damaged register holds it
            drive = attach("EV-04", "y.exe", b"MZ", None)
            drive.file_name = "C:\\evil.exe"
            attach("EV-05", "stale.xlsx", b"old", env, valid_days=10)
            self.missing = attach("EV-06", "gone.pdf", b"will be deleted", env)
            self.altered = attach("EV-07", "altered.pdf", b"will be altered", env)
            attach("EV-08", "chs.pdf", b"another department", chs)
            evidence.add_link(session, ref="EV-09", title=f"Intranet page {XSS}",
                              url="https://intranet.example/ev?a=1&b=<x>",
                              evidence_date=date(2026, 2, 1), department_id=env.id)
            self.env_id, self.chs_id = env.id, chs.id
        assert self.missing.stored_name and self.altered.stored_name
        (store / self.missing.stored_name).unlink()
        (store / self.altered.stored_name).write_bytes(b"tampered")


@pytest.fixture
def council(register: Register, store: Path, tmp_path: Path) -> Council:
    return Council(register, store, tmp_path)


def pack(register: Register, store: Path, target: Path, department: int | None) -> Path:
    with register.session() as session:
        items: list[PackItem] = [
            scope_item(session, number="1", department_id=department, generated=GENERATED),
            evidence_item(session, store, number="8", department_id=department, as_of=AS_OF),
            change_log_item(session, number="10", department_id=department,
                            marking="OFFICIAL-SENSITIVE"),
        ]
        write_pack(target, items, title="Audit pack", scope=scope_label(session, department),
                   generated=GENERATED, meta={"app_version": "test"})
    return target


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_department_pack_verifies_with_sha256sum(
    register: Register, store: Path, council: Council, tmp_path: Path
) -> None:
    target = pack(register, store, tmp_path / "env.zip", council.env_id)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder)
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "SHA256SUMS", "change-log.csv",
        "evidence/EV-01 - Report.pdf", "evidence/EV-02 - Report.pdf",
        "evidence/EV-03 - passwd", "evidence/EV-04 - evil.exe", "evidence/EV-05 - stale.xlsx",
        "index.html", "manifest.json", "scope.html",
    ]
    assert (folder / "evidence/EV-02 - Report.pdf").read_bytes() == b"%PDF second"


def test_evidence_is_checked_flagged_and_safely_named(
    register: Register, store: Path, council: Council
) -> None:
    with register.session() as session:
        item = evidence_item(session, store, number="8", department_id=council.env_id,
                             as_of=AS_OF)
    assert item.table is not None
    status = {row[0]: row[8] for row in item.table.rows}
    where = {row[0]: row[6] for row in item.table.rows}
    assert "EV-08" not in status  # another department's evidence
    assert "EV-04" in status  # council-wide evidence belongs in every department's pack
    assert status["EV-05"] == "stale: valid until 2026-02-11"
    assert status["EV-06"].startswith("missing")
    assert status["EV-07"].startswith("altered")
    assert status["EV-01"] == status["EV-02"] == ""
    assert where["EV-09"] == "link, not in the pack: https://intranet.example/ev?a=1&b=<x>"
    assert {f.path for f in item.files} == {
        "evidence/EV-01 - Report.pdf", "evidence/EV-02 - Report.pdf", "evidence/EV-03 - passwd",
        "evidence/EV-04 - evil.exe", "evidence/EV-05 - stale.xlsx"}
    row = next(r for r in item.table.rows if r[0] == "EV-01")
    assert row[2:6] == ["2026-02-01", "2026-01-01 to 2026-01-31", "", "5.18"]
    assert any("missing" in n for n in item.notes) and any("stale" in n for n in item.notes)
    assert any("no longer match" in n for n in item.notes)


def test_the_index_escapes_register_text_and_shows_links_as_text(
    register: Register, store: Path, council: Council, tmp_path: Path
) -> None:
    files = members(pack(register, store, tmp_path / "env.zip", council.env_id))
    for page in ("index.html", "scope.html"):
        html = files[page].decode()
        assert "<script" not in html.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'href="http' not in html and "src=" not in html
    index = files["index.html"].decode()
    assert "https://intranet.example/ev?a=1&amp;b=&lt;x&gt;" in index
    assert '<tr class="flag"><td>EV-06</td>' in index


def test_the_change_log_csv_is_marked_inert_and_matches_its_head_hash(
    register: Register, store: Path, council: Council, tmp_path: Path
) -> None:
    files = members(pack(register, store, tmp_path / "env.zip", council.env_id))
    rows = list(csv.reader(io.StringIO(files["change-log.csv"].decode())))
    marking, header, body = rows[0], rows[1], rows[2:]
    assert marking == ["# OFFICIAL-SENSITIVE"]
    assert header == ["id", "at", "actor", "action", "table", "record", "label", "changes",
                      "prev_hash", "entry_hash"]
    with register.session() as session:
        log = list(session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.id)).scalars())
    # ENV's extract: everything but the other departments and CHS's evidence (issue 17, 9).
    others = {"department CHS", "department OUT", "evidence EV-08"}
    assert others <= {e.label for e in log}
    kept = [e for e in log if e.label not in others]
    assert [int(r[0]) for r in body] == [e.id for e in kept]
    assert any(r[7].find(FORMULA.replace('"', '\\"')) >= 0 for r in body)
    assert all(not cell.startswith(TRIGGERS) for r in body for cell in r)
    assert {r[2] for r in body} >= {"'=cmd|' /C calc'!A0"}
    assert [r[9] for r in body] == [e.entry_hash for e in kept]
    index = files["index.html"].decode()
    assert log[-1].entry_hash is not None and log[-1].entry_hash in index
    assert "<dd>intact (verified over the whole log)</dd>" in index


def test_a_tampered_change_log_is_reported_broken(
    register: Register, council: Council
) -> None:
    with register.session() as session:
        victim = session.execute(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id)
                                 .offset(3).limit(1)).scalar_one()
    with register.engine.begin() as connection:
        connection.execute(text("UPDATE change_log SET actor = 'someone else' WHERE id = :id"),
                           {"id": victim})
    with register.session() as session:
        item = change_log_item(session, number="10")
    assert ("Hash chain", f"broken at entry {victim}") in item.facts
    assert item.notes and str(victim) in item.notes[0]


def test_the_same_register_gives_byte_identical_packs(
    register: Register, store: Path, council: Council, tmp_path: Path
) -> None:
    first = pack(register, store, tmp_path / "a.zip", None)
    second = pack(register, store, tmp_path / "b.zip", None)
    assert first.read_bytes() == second.read_bytes()
    assert "evidence/EV-08 - chs.pdf" in members(first)  # council-wide: every department


def test_scope_lists_departments_and_their_accreditation(
    register: Register, council: Council
) -> None:
    with register.session() as session:
        whole = scope_item(session, number="1", department_id=None, generated=GENERATED)
        env = scope_item(session, number="1", department_id=council.env_id, generated=GENERATED)
        assert scope_label(session, council.env_id) == "ENV - Environment"
    assert whole.table is not None and env.table is not None
    assert [(r[0], r[3]) for r in whole.table.rows] == [("CHS", "yes"), ("ENV", "yes"),
                                                         ("OUT", "no")]
    assert ("Departments in scope", "2 of 3") in whole.facts
    assert env.table.rows == [["ENV", "Environment", "", "yes", "in progress",
                               f"Highways {XSS}"]]
    assert [f.path for f in env.files] == ["scope.html"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, register_template: Path) -> Path:
    import shutil

    from isms.db import open_register

    path = tmp_path_factory.mktemp("demo") / "demo.isms"
    shutil.copyfile(register_template, path)
    with open_register(str(path)) as reg:
        build_demo(reg, assets=300, today=AS_OF)
    return path


def test_review_minutes_cover_the_meetings_in_scope(demo: Path) -> None:
    from isms.db import open_register

    with open_register(str(demo)) as reg, reg.session() as session:
        codes = {code: id_ for code, id_ in session.execute(select(Department.code, Department.id))}
        council = review_minutes_report(session, department_id=None, generated=GENERATED)
        chs = review_minutes_report(session, department_id=codes["CHS"], generated=GENERATED)
        its = review_minutes_report(session, department_id=codes["ITS"], generated=GENERATED)
        again = review_minutes_report(session, department_id=None, generated=GENERATED)
    rows = list(council.rows)
    assert rows == list(again.rows) and council.row_count == len(rows)
    # Each meeting's own (shaded) row says once who attended; its items follow, by ref.
    heads = [r for r in rows if isinstance(r[0], Marked)]
    assert [h[0].value for h in heads] == list(dict.fromkeys(r[0] for r in rows
                                                             if isinstance(r[0], str)))
    assert len(heads) == 2
    assert ("Meetings", "2") in chs.document_control
    assert ("Meetings", "1") in its.document_control  # the planned meeting names CHS, ASC, CCC
    signed = heads[0]
    assert "Signed off by" in signed[3].value and "Apologies:" in signed[2].value
    items = [r for r in rows if r[0] == signed[0].value]
    assert any(r[2] for r in items) and any(r[3] for r in items)  # decisions and actions
    assert not any("Present:" in str(cell) for r in items for cell in r)
    assert [c.header for c in council.columns] == ["Meeting", "Agenda item", "Decision",
                                                   "Actions"]


def test_evidence_changed_while_the_pack_is_written_fails_the_pack(
    register: Register, store: Path, council: Council, tmp_path: Path
) -> None:
    with register.session() as session:
        item = evidence_item(session, store, number="8", department_id=council.env_id,
                             as_of=AS_OF)
        first = session.execute(select(Evidence).where(Evidence.ref == "EV-01")).scalar_one()
    assert first.stored_name
    (store / first.stored_name).write_bytes(b"swapped after the check")
    target = tmp_path / "out" / "env.zip"
    target.parent.mkdir()  # an export never makes the folder it is told to write in
    with pytest.raises(StorageError, match="EV-01 changed while"):
        write_pack(target, [item], title="Audit pack", scope="ENV", generated=GENERATED,
                   meta={})
    assert list(target.parent.iterdir()) == []
