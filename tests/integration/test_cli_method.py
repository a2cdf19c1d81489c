"""`isms method`, `isms risks score|accept` and `isms handling` on a demo register."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from isms.cli import main
from isms.db.session import default_actor


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.isms"
    assert main(["demo", "--db", str(path), "--assets", "800"]) == 0
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.isms"
    shutil.copyfile(demo_template, path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_method_show_prints_the_criteria(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    code, out, _ = run(capsys, "method", "show", "--db", demo)
    assert code == 0
    assert "Risk criteria version 1" in out
    assert "Almost certain" in out and "Severe" in out
    assert "Very high  17-25" in out and "90 days" in out
    code, out, _ = run(capsys, "method", "show", "--db", demo, "--json")
    data = json.loads(out)
    assert data["version"] == 1 and data["criteria"]["appetite"] == "Medium"


def test_handling_check_json_returns_findings(
    capsys: pytest.CaptureFixture[str], demo: str
) -> None:
    code, out, _ = run(capsys, "handling", "check", "--db", demo, "--json")
    findings = json.loads(out)
    assert code == 0 and findings
    assert {"HR-01", "HR-03", "HR-05"} <= {f["rule"] for f in findings}
    first = findings[0]
    assert first["finding"] and first["asset"] and isinstance(first["practice_id"], int)

    code, out, _ = run(
        capsys, "handling", "to-risk", str(first["practice_id"]), first["rule"], "--db", demo
    )
    assert code == 0 and out.startswith("Created R-")
    ref = out.split()[1].rstrip(":")
    code, out, _ = run(capsys, "risks", "show", ref, "--db", demo, "--json")
    assert json.loads(out)["assets"] == [first["asset"]]


def test_risks_score_and_accept(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    with sqlite3.connect(demo) as db:
        ref, owner, owner_id = db.execute(
            "SELECT risk.ref, person.name, person.id FROM risk JOIN person ON person.id = "
            "risk.owner_id WHERE risk.status != 'retired' ORDER BY risk.ref LIMIT 1"
        ).fetchone()
    code, out, _ = run(
        capsys,
        "risks",
        "score",
        ref,
        "--inherent",
        "4",
        "5",
        "--residual",
        "1",
        "3",
        "--db",
        demo,
        "--json",
    )
    summary = json.loads(out)
    assert code == 0 and summary["inherent"] == "Very high" and summary["residual"] == "Low"
    assert summary["next_review"]  # Low: a year on

    code, _, err = run(capsys, "risks", "score", ref, "--residual", "9", "1", "--db", demo)
    assert code == 1 and "Residual likelihood 9 is outside the scale 1-5" in err

    code, out, err = run(
        capsys,
        "risks",
        "accept",
        ref,
        "--rationale",
        "Controls are working",
        "--db",
        demo,
    )
    # The account running the command is no person of the register: it cannot sign.
    assert code == 1 and "is not a person in this register" in err
    with sqlite3.connect(demo) as db:  # the command line acts as the OS account: the owner's
        db.execute("UPDATE person SET username = ? WHERE id = ?", (default_actor(), owner_id))
    code, out, err = run(
        capsys, "risks", "accept", ref, "--rationale", "Controls are working", "--db", demo
    )
    assert code == 0, err
    assert f"{ref} accepted by {owner}" in out
    code, out, _ = run(capsys, "risks", "show", ref, "--db", demo, "--json")
    assert json.loads(out)["acceptance"]["rationale"] == "Controls are working"


def test_method_export_edit_import(
    capsys: pytest.CaptureFixture[str], demo: str, tmp_path: Path
) -> None:
    exported = tmp_path / "criteria.json"
    assert run(capsys, "method", "export", "--db", demo, "--out", str(exported))[0] == 0
    document = json.loads(exported.read_text())
    document["criteria"]["cadence_days"]["Medium"] = 120
    document["criteria"]["likelihood"] = document["criteria"]["likelihood"][:3]
    document["criteria"]["levels"] = [
        {"name": "Low", "min": 1, "max": 3, "colour": "#3a9a48"},
        {"name": "Medium", "min": 4, "max": 6, "colour": "#e8b923"},
        {"name": "High", "min": 8, "max": 10, "colour": "#e07020"},
        {"name": "Very high", "min": 12, "max": 15, "colour": "#c62828"},
    ]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document))

    before = Path(demo).read_bytes()
    code, out, _ = run(capsys, "method", "import", str(edited), "--db", demo, "--dry-run", "--json")
    preview = json.loads(out)
    assert code == 0 and preview["dry_run"] and preview["risks"] > 0
    assert Path(demo).read_bytes() == before  # a dry run writes nothing

    code, out, _ = run(
        capsys,
        "method",
        "import",
        str(edited),
        "--db",
        demo,
        "--json",
        "--map-likelihood",
        "1=1,2=1,3=2,4=3,5=3",
    )
    result = json.loads(out)
    assert code == 0 and result["version"] == 2 and result["risks"] == preview["risks"]
    with sqlite3.connect(demo) as db:
        highest = db.execute(
            "SELECT max(inherent_likelihood) FROM risk WHERE status != 'retired'"
        ).fetchone()[0]
    assert highest <= 3


def test_method_import_refuses_bad_criteria(
    capsys: pytest.CaptureFixture[str], demo: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    assert run(capsys, "method", "export", "--db", demo, "--out", str(bad))[0] == 0
    document = json.loads(bad.read_text())
    document["criteria"]["cadence_days"]["Low"] = 0
    bad.write_text(json.dumps(document))
    code, _, err = run(capsys, "method", "import", str(bad), "--db", demo)
    assert code == 1
    assert err == "isms: error: The review cadence for 'Low' must be at least 1 day; it is 0.\n"
    bad.write_text("{not json")
    code, _, err = run(capsys, "method", "import", str(bad), "--db", demo)
    assert code == 1 and "is not valid JSON (line 1, column 2)" in err


def test_treat_review_date_and_attest(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    with sqlite3.connect(demo) as db:
        ref, dept_id = db.execute(
            "SELECT ref, department_id FROM risk WHERE status != 'retired' ORDER BY ref LIMIT 1"
        ).fetchone()
        db.execute(
            "UPDATE soa_entry SET applicability = 'excluded', exclusion_justification = "
            "'No suppliers' WHERE department_id = ? AND control_id = (SELECT id FROM "
            "control WHERE ref = '5.19' AND edition = '2022')",
            (dept_id,),
        )
        asset_ref, owner, owner_id = db.execute(
            "SELECT asset.ref, person.name, person.id FROM asset JOIN person ON person.id = "
            "asset.owner_id WHERE asset.status != 'retired' ORDER BY asset.ref LIMIT 1"
        ).fetchone()
        db.execute("UPDATE person SET username = ? WHERE id = ?", (default_actor(), owner_id))
    code, out, err = run(
        capsys,
        "risks",
        "treat",
        ref,
        "--option",
        "modify",
        "--control",
        "5.19",
        "--action",
        "Agree a data-sharing agreement",
        "--due",
        "2027-01-31",
        "--db",
        demo,
    )
    assert code == 0, err
    assert "5.19 (applicable in the SoA)" in out
    with sqlite3.connect(demo) as db:
        applicability, reasons = db.execute(
            "SELECT applicability, reasons FROM soa_entry WHERE department_id = ? AND control_id "
            "= (SELECT id FROM control WHERE ref = '5.19' AND edition = '2022')",
            (dept_id,),
        ).fetchone()
    assert applicability == "applicable" and "risk assessment" in json.loads(reasons)

    code, _, err = run(capsys, "risks", "review-date", ref, "--date", "2026-12-24", "--db", demo)
    assert code == 2 and "--reason" in err
    code, out, _ = run(
        capsys,
        "risks",
        "review-date",
        ref,
        "--date",
        "2026-12-24",
        "--reason",
        "Before the inspection",
        "--db",
        demo,
    )
    assert code == 0 and "2026-12-24 (Before the inspection)" in out

    code, out, err = run(capsys, "assets", "attest", asset_ref, "--db", demo)
    assert code == 0, err
    assert f"{asset_ref} attested by {owner}" in out


def test_risk_edits_on_the_command_line_are_recorded_and_taken_back(
    capsys: pytest.CaptureFixture[str], demo: str
) -> None:
    """`isms risks score / treat / review-date` save through the editor's recorded save, so
    `isms revert` takes each back, as it does a save made in the window."""
    with sqlite3.connect(demo) as db:
        ref, before = db.execute(
            "SELECT ref, residual_likelihood FROM risk WHERE residual_likelihood IS NOT NULL "
            "AND residual_likelihood < 5 AND status != 'retired' ORDER BY ref LIMIT 1").fetchone()

    code, out, err = run(capsys, "risks", "score", ref, "--residual", "5", "5", "--db", demo,
                         "--json")
    assert code == 0, err
    change = json.loads(out)["change"]
    code, out, _ = run(capsys, "changes", "--db", demo, "--json")
    assert [(c["id"], c["text"]) for c in json.loads(out)][0] == (change, f"Edit risk {ref}")

    code, out, err = run(capsys, "revert", str(change), "--db", demo)
    assert code == 0, err
    with sqlite3.connect(demo) as db:
        assert db.execute("SELECT residual_likelihood FROM risk WHERE ref = ?",
                          (ref,)).fetchone() == (before,)

    code, out, err = run(capsys, "risks", "review-date", ref, "--date", "2027-03-01",
                         "--reason", "After the restructure", "--db", demo)
    assert code == 0, err
    dated = int(out.split("(change ")[1].split(";")[0])
    code, _, err = run(capsys, "risks", "score", ref, "--current", "2", "2", "--db", demo)
    assert code == 0, err
    code, _, err = run(capsys, "revert", str(dated), "--db", demo)
    assert code == 1 and f"Risk {ref} was changed" in err  # scored since: refused
    with sqlite3.connect(demo) as db:
        assert db.execute("SELECT next_review, review_override_reason FROM risk WHERE ref = ?",
                          (ref,)).fetchone() == ("2027-03-01", "After the restructure")
