"""`isms import` end to end on messy department files built the way they really arrive."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from isms.cli import main
from isms.db import commit, open_register
from tests import builders as b


@pytest.fixture
def db(register_path: Path) -> str:
    register = open_register(str(register_path))
    with register.session() as s:
        env = b.department(s, code="ENV", name="Environment and Highways")
        b.department(s, code="FIN", name="Finance")
        b.person(s, name="Rajesh Sharma", email="rajesh.sharma@example.gov.uk", department=env)
        b.person(s, name="Siân Evans", email="sian.evans@example.gov.uk", department=env)
        commit(s)
    register.close()
    return str(register_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assets(db: str) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT a.ref, a.name, a.asset_type, d.code AS dept, p.name AS owner, m.label AS "
            "marking, a.confidentiality AS c, a.integrity AS i, a.availability AS a, "
            "a.personal_data AS personal, a.special_category AS special, a.status, "
            "a.next_review FROM asset a JOIN department d ON d.id = a.department_id "
            "LEFT JOIN person p ON p.id = a.owner_id "
            "LEFT JOIN classification_marking m ON m.id = a.marking_id"
        ).fetchall()
    return {r["name"]: dict(r) for r in rows}


def messy_workbook(path: Path) -> Path:
    """Everything PRODUCT.md says department spreadsheets do, in one file."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Read me"
    notes["A1"] = "Instructions: fill in the register on the next sheet"
    notes.sheet_state = "hidden"
    sheet = book.create_sheet("IAR 2026")
    sheet["A1"] = "Environment and Highways - Information Asset Register"
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(
        [
            "Asset ID",
            "Information Asset",
            "Information Asset Owner (IAO)",
            "Protective Marking",
            "Security Impact",
            None,
            None,
            "Personal Data?",
            "Review Due",
        ]
    )
    sheet.append(
        [None, None, None, None, "Confidentiality", "Integrity", "Availability", None, None]
    )
    for col in "ABCDHI":
        sheet.merge_cells(f"{col}3:{col}4")
    sheet.merge_cells("E3:G3")
    sheet.append(
        ["ENV-0001", "Gritting routes ", "Rajesh Sharma", "Official", 1, 2, 5, "No", "01/04/2027"]
    )
    sheet.append(
        [
            "ENV-0002",
            "Pothole claims",
            "rajesh.sharma@example.gov.uk",
            "OFFICIAL SENSITIVE",
            "high",
            "Medium",
            "LOW",
            "Yes ",
            date(2027, 5, 1),
        ]
    )
    sheet.append([None] * 9)  # a blank row in the middle
    sheet.append(
        ["ENV-0003", "Tree survey", "Siân Evans", "official", 3.0, 3.0, 2.0, "x", 45658]
    )  # floats from Excel and a date as a serial number
    sheet.append(
        [
            "ENV-0004",
            "CCTV footage",
            "Sian Evans",
            "Official-Sensitive",
            4,
            4,
            4,
            "Oui",
            "31/12/2026",
        ]
    )  # a near-miss owner: warning, imported without an owner
    sheet["IV1"] = None  # a used range claiming far more columns than the data has
    sheet.cell(row=1, column=16384).number_format = "0.00"
    book.save(path)
    return path


def test_messy_workbook_imports_exactly_these_assets(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = messy_workbook(tmp_path / "env-iar.xlsx")
    code, out, err = run(
        capsys, "import", "assets", str(path), "--db", db, "--department", "ENV", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["sheet"] == "IAR 2026"  # the hidden sheet is not taken by default
    assert result["counts"] == {
        "rows": 4,
        "new": 4,
        "update": 0,
        "unchanged": 0,
        "warning": 1,
        "error": 0,
    }
    assert result["rows"] == [
        {
            "row": 9,
            "status": "warning",
            "message": "column C (Information Asset Owner (IAO)): 'Sian Evans' is not a "
            "person in the register; did you mean Siân Evans?; left blank",
        }
    ]
    got = assets(db)
    expected = {
        "Gritting routes": ("ENV-0001", "Rajesh Sharma", "OFFICIAL", 1, 2, 5, 0, "2027-04-01"),
        "Pothole claims": (
            "ENV-0002",
            "Rajesh Sharma",
            "OFFICIAL-SENSITIVE",
            4,
            3,
            2,
            1,
            "2027-05-01",
        ),
        "Tree survey": ("ENV-0003", "Siân Evans", "OFFICIAL", 3, 3, 2, 1, "2025-01-01"),
        "CCTV footage": ("ENV-0004", None, "OFFICIAL-SENSITIVE", 4, 4, 4, 1, "2026-12-31"),
    }
    assert {
        name: (
            a["ref"],
            a["owner"],
            a["marking"],
            a["c"],
            a["i"],
            a["a"],
            a["personal"],
            a["next_review"],
        )
        for name, a in got.items()
    } == expected
    assert {a["status"] for a in got.values()} == {"pending verification"}
    assert {a["asset_type"] for a in got.values()} == {"information"}


def test_errors_reject_the_file_and_the_error_workbook_says_why(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset ref", "Asset", "Owner", "Classification", "C", "I", "A"])
    sheet.append(["ENV-0010", "Salt stock", "Rajesh Sharma", "OFFICIAL", 1, 1, 3])
    sheet.append(["ENV-0010", "Salt stock again", None, "PROTECT", 9, 1, 1])
    sheet.append(["ENV-0011", "Depot keys", None, "OFFICIAL", "=1+1", None, None])
    book.save(path)
    errors = tmp_path / "back.xlsx"
    code, out, _ = run(
        capsys,
        "import",
        "assets",
        str(path),
        "--db",
        db,
        "--department",
        "ENV",
        "--errors",
        str(errors),
    )
    assert code == 1 and "Nothing was imported" in out
    assert assets(db) == {}
    back = openpyxl.load_workbook(errors).active
    assert back is not None
    rows = [row[:3] for row in back.iter_rows(min_row=2, values_only=True)]
    assert back["A1"].value == "Status" and back["B1"].value == "What to fix"
    assert rows[0] == ("new", None, "ENV-0010")
    assert rows[1][0] == "error" and "duplicate reference ENV-0010 (also on row 2)" in rows[1][1]
    assert "'PROTECT' is not a marking" in rows[1][1] and "9 is not a rating" in rows[1][1]
    assert rows[2][0] == "error" and "formula with no" in rows[2][1].lower()
    assert back["A3"].fill.fgColor.rgb.endswith("F8D0D0")  # errors are highlighted

    code, out, _ = run(
        capsys, "import", "assets", str(path), "--db", db, "--department", "ENV", "--valid-only"
    )
    assert code == 0 and "1 created" in out and "2 rows with errors left out" in out
    assert list(assets(db)) == ["Salt stock"]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("utf-8-sig", ",", "\r\n"),
        ("utf-8", ";", "\n"),
        ("cp1252", ";", "\r\n"),
        ("utf-16", "\t", "\r\n"),
        ("cp1252", ",", "\r"),
    ],
)
def test_csv_in_the_encodings_departments_use(
    capsys: pytest.CaptureFixture[str],
    db: str,
    tmp_path: Path,
    encoding: str,
    delimiter: str,
    newline: str,
) -> None:
    lines = [
        ["Asset", "IAO", "Marking", "CIA", "Personal data", "Review date"],
        ["Café licences – £ fees", "Siân Evans", "OFFICIAL", "C=2, I=3, A=3", "Y", "15/01/2027"],
        ["Allotment waiting list", "Rajesh Sharma", "OFFICIAL", "C=1, I=1, A=1", "N", ""],
    ]
    text = (
        newline.join(
            delimiter.join(f'"{c}"' if delimiter in c or "," in c else c for c in line)
            for line in lines
        )
        + newline
    )
    path = tmp_path / "assets.csv"
    path.write_bytes(text.encode(encoding))
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department", "ENV")
    assert code == 0, out + err
    got = assets(db)
    cafe = got["Café licences – £ fees"]
    assert (
        cafe["owner"],
        cafe["c"],
        cafe["i"],
        cafe["a"],
        cafe["personal"],
        cafe["next_review"],
    ) == ("Siân Evans", 2, 3, 3, 1, "2027-01-15")
    assert got["Allotment waiting list"]["next_review"] is None


def test_export_edit_import_changes_exactly_the_edited_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "demo.isms")
    assert main(["demo", "--db", db, "--assets", "300"]) == 0
    exported = tmp_path / "chs.xlsx"
    assert (
        run(capsys, "export", "assets", "--for-import", "--db", db, "--department", "CHS",
            "--out", str(exported))[0]
        == 0
    )
    book = openpyxl.load_workbook(exported)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    edited_ref = sheet.cell(row=2, column=1).value
    name_col = header.index("Asset name") + 1
    c_col = header.index("Confidentiality (1-5)") + 1
    sheet.cell(row=2, column=name_col).value = "Renamed by the department"
    old_c = sheet.cell(row=2, column=c_col).value
    sheet.cell(row=2, column=c_col).value = 5 if old_c != 5 else 1
    book.save(exported)

    def snapshot() -> dict[str, tuple[Any, ...]]:
        with sqlite3.connect(db) as conn:
            return {
                r[0]: r[1:]
                for r in conn.execute(
                    "SELECT ref, name, asset_type, description, department_id, owner_id, "
                    "custodian_id, location, marking_id, confidentiality, integrity, availability, "
                    "personal_data, special_category, status, next_review, version FROM asset"
                )
            }

    before = snapshot()
    code, out, err = run(capsys, "import", "assets", str(exported), "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["counts"]["update"] == 1
    after = snapshot()
    changed = {ref for ref in before if before[ref] != after[ref]}
    assert changed == {edited_ref}
    old, new = before[edited_ref], after[edited_ref]
    differing = [i for i, (x, y) in enumerate(zip(old, new, strict=True)) if x != y]
    assert differing == [0, 8, 15]  # name, confidentiality, and the version counter


def test_counts_match_the_file(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    rows = ["Asset,Owner,C"] + [f"Asset {n},Rajesh Sharma,{n % 5 + 1}" for n in range(250)]
    rows += ["Broken,Rajesh Sharma,7", "Asset 3,Rajesh Sharma,4"]  # an error and a duplicate
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "import",
        "assets",
        str(path),
        "--db",
        db,
        "--department",
        "ENV",
        "--valid-only",
        "--json",
    )
    result = json.loads(out)
    assert code == 0
    assert result["counts"]["rows"] == 252 and result["counts"]["error"] == 2
    assert result["counts"]["new"] == 250 and len(assets(db)) == 250


def test_killed_import_leaves_the_register_exactly_as_it_was(db: str, tmp_path: Path) -> None:
    """SIGKILL while the import is writing its transaction: SQLite rolls the half back."""
    path = tmp_path / "big.csv"
    lines = ["Asset,Owner,Description,C,I,A"]
    lines += [f"Asset {n},Rajesh Sharma,{'x' * 400},3,3,3" for n in range(60_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM asset").fetchone()[0]
        before_log = conn.execute("SELECT count(*), max(id) FROM change_log").fetchone()
    wal = Path(db + "-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "isms",
            "import",
            "assets",
            str(path),
            "--db",
            db,
            "--department",
            "ENV",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    # The transaction's pages spill into the WAL well before it commits: kill once it grows.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 4_000_000:
            break
        time.sleep(0.01)
    assert child.poll() is None, "the import finished before it could be interrupted"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM asset").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 0
        assert conn.execute("SELECT count(*), max(id) FROM change_log").fetchone() == before_log


def test_template_has_header_help_dropdowns_and_an_example(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    out = tmp_path / "template.xlsx"
    code, _, _ = run(
        capsys, "import", "template", "--db", db, "--department", "ENV", "--out", str(out)
    )
    assert code == 0
    book = openpyxl.load_workbook(out)
    sheet, lists = book["Assets"], book["Lists"]
    assert lists.sheet_state == "hidden"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Asset reference", "Asset name", "Type"]
    assert "Required" in str(sheet.cell(row=2, column=2).value)
    assert sheet.cell(row=3, column=2).value == "Highways defect reports"
    assert sheet.cell(row=3, column=header.index("Department") + 1).value == (
        "Environment and Highways"
    )
    validated = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
        for v in sheet.data_validations.dataValidation
    }
    marking_col = openpyxl.utils.get_column_letter(header.index("Protective marking") + 1)
    assert marking_col in validated
    markings = [c.value for c in lists[marking_col] if c.value]
    assert markings == ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]
    for label in ("Type", "Department", "Personal data?", "Status", "Confidentiality (1-5)"):
        assert openpyxl.utils.get_column_letter(header.index(label) + 1) in validated
    # The template's example row imports cleanly once its department exists.
    code, output, err = run(capsys, "import", "assets", str(out), "--db", db, "--dry-run", "--json")
    assert code == 0, output + err
    assert json.loads(output)["counts"]["new"] == 1


def test_saved_mapping_is_reused_when_the_layout_comes_back(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Thing,Who looks after it,Sens\nSalt stock,Rajesh Sharma,official\n", encoding="utf-8"
    )
    code, out, _ = run(
        capsys,
        "import",
        "assets",
        str(path),
        "--db",
        db,
        "--department",
        "ENV",
        "--map",
        "A=name",
        "--map",
        "Who looks after it=owner",
        "--map",
        "C=marking",
        "--save-profile",
        "env-odd",
    )
    assert code == 0 and "1 created" in out
    path.write_text(
        "Thing,Who looks after it,Sens\nGrit bins,Siân Evans,OFFICIAL-SENSITIVE\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department", "ENV")
    assert code == 0 and "mapping profile env-odd" in out
    grit = assets(db)["Grit bins"]
    assert (grit["owner"], grit["marking"]) == ("Siân Evans", "OFFICIAL-SENSITIVE")


def test_handling_and_risks_through_the_command(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text("Asset ref,Asset\nENV-0100,Case notes\n", encoding="utf-8")
    assert (
        run(capsys, "import", "assets", str(tmp_path / "a.csv"), "--db", db, "--department", "ENV")[
            0
        ]
        == 0
    )
    (tmp_path / "h.csv").write_text(
        "Asset ref,Stage,Channel,Safeguards\nENV-0100,Transferred,USB stick,none\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", "handling", str(tmp_path / "h.csv"), "--db", db)
    assert code == 0, out + err
    (tmp_path / "r.csv").write_text(
        "Risk,Dept,Assets,Likelihood,Impact\nCase notes lost on a USB stick,ENV,ENV-0100,"
        "Likely,Major\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", "risks", str(tmp_path / "r.csv"), "--db", db)
    assert code == 0, out + err
    code, out, _ = run(capsys, "risks", "list", "--db", db, "--json")
    risk = json.loads(out)[0]
    assert (risk["title"], risk["inherent_level"]) == ("Case notes lost on a USB stick", "High")
    code, out, _ = run(capsys, "import", "batches", "--db", db, "--json")
    assert [b["kind"] for b in json.loads(out)] == ["assets", "handling", "risks"]


def test_a_mac_roman_csv_is_flagged_then_imported_with_its_encoding(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "env-mac.csv"
    path.write_bytes("Asset name,Department,Information asset owner\n"
                     "Siân's café licences,ENV,Siân Evans\nCrème rota,ENV,Siân Evans\n"
                     "Élève records,ENV,Rajesh Sharma\n".encode("mac_roman"))
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--dry-run", "--json")
    notes = json.loads(out)["notes"]
    assert any("env-mac.csv: the text reads as Windows-1252" in n
               and "--encoding mac_roman" in n for n in notes)

    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--json",
                         "--encoding", "mac_roman")
    assert code == 0, err
    assert not any("Windows-1252" in n for n in json.loads(out)["notes"])
    with sqlite3.connect(db) as c:
        names = {n for (n,) in c.execute("SELECT name FROM asset")}
        owners = {n for (n,) in c.execute(
            "SELECT p.name FROM asset a JOIN person p ON p.id = a.owner_id")}
    assert names == {"Siân's café licences", "Crème rota", "Élève records"}
    assert owners == {"Siân Evans", "Rajesh Sharma"}

    code, _, err = run(capsys, "import", "assets", str(path), "--db", db, "--encoding", "x")
    assert code == 1 and "'x' is not a text encoding isms knows" in err


def test_problems_are_listed_once_per_column_and_value_with_their_rows(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """Twelve rows with the same misspelt marking are one line naming the column and the rows,
    not twelve lines of one row each (in the dry run's table of values not recognised)."""
    path = tmp_path / "env.csv"
    lines = ["Asset name,Department,Protective marking,Confidentiality"]
    lines += [f"Asset {n},ENV,Confidental,2" for n in range(12)]
    lines += ["Asset 12,ENV,OFFICIAL,7"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--dry-run")
    table = [line.split("  ") for line in out.splitlines() if line.startswith(("C (", "D ("))]
    assert [[c.strip() for c in row if c.strip()][:3] for row in table] == [
        ["C (Protective marking)", "Confidental", "12"], ["D (Confidentiality)", "7", "1"]]
    assert not [line for line in out.splitlines() if line.startswith("  error")], out

    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--dry-run", "--json")
    groups = json.loads(out)["problems"]
    assert [(g["column"], len(g["rows"])) for g in groups] == [("C", 12), ("D", 1)]


def test_a_2008_style_register_gets_proposals_and_imports_once_they_are_confirmed(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """PROTECT / RESTRICTED / UNCLASSIFIED are refused with what they most likely are today;
    once the SMG confirms each as a local label, the same file imports with every marking, and
    each asset keeps the word the department wrote."""
    path = tmp_path / "env-2008.csv"
    path.write_text("Asset name,Department,Protective marking\n"
                    "Gritting routes,ENV,UNCLASSIFIED\nPothole claims,ENV,PROTECT\n"
                    "CCTV footage,ENV,RESTRICTED\nTree survey,ENV,PROTECT\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--dry-run", "--json")
    problems = {g["message"].split("'")[1]: g for g in json.loads(out)["problems"]}
    assert set(problems) == {"UNCLASSIFIED", "PROTECT", "RESTRICTED"}
    assert len(problems["PROTECT"]["rows"]) == 2
    assert ("transition guidance (2014) (OFFICIAL-SENSITIVE where extra care is needed), "
            "'PROTECT' is most likely OFFICIAL") in problems["PROTECT"]["message"]
    assert ('`isms markings add "RESTRICTED" --as OFFICIAL`'
            in problems["RESTRICTED"]["message"])

    for label, marking in (("UNCLASSIFIED", "OFFICIAL"), ("PROTECT", "OFFICIAL"),
                           ("RESTRICTED", "OFFICIAL-SENSITIVE")):  # the SMG's own decision
        code, _, err = run(capsys, "markings", "add", label, "--as", marking, "--db", db)
        assert code == 0, err
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--json")
    assert code == 0 and json.loads(out)["counts"]["new"] == 4, err
    with sqlite3.connect(db) as c:
        marked = dict(c.execute("SELECT a.name, m.label FROM asset a "
                                "JOIN classification_marking m ON m.id = a.marking_id"))
    assert marked == {"Gritting routes": "UNCLASSIFIED", "Pothole claims": "PROTECT",
                      "CCTV footage": "RESTRICTED", "Tree survey": "PROTECT"}
