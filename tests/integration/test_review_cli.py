"""`isms review ...` end to end on a demo register file (own parser: the command is wired into
`isms` by the lead)."""

from __future__ import annotations

import argparse
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from isms.cli import review_commands
from isms.db import Register, open_register
from isms.db.session import default_actor
from isms.demo import build_demo
from isms.demo.org import SIRO_TITLE
from isms.errors import IsmsError
from isms.model import Person, ReviewMeeting, ReviewStatus

TODAY = date.today()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="isms")
    review_commands.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    try:
        code = int(args.handler(args))
    except IsmsError as exc:
        print(f"isms: error: {exc}")
        code = exc.exit_code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_path(register: Register, register_path: Path) -> Path:
    build_demo(register, assets=200, today=TODAY)
    register.close()
    return register_path


def test_plan_start_decide_complete_sign_and_minutes(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(demo_path))
    with open_register(str(demo_path)) as reg, reg.transaction() as s:
        chair = s.execute(select(Person).where(Person.job_title == SIRO_TITLE)).scalar_one()
        siro = chair.name
        # The command line acts as the operating-system account running it: the SIRO's.
        chair.username = default_actor()
    day = TODAY + timedelta(days=3)
    code, out, _ = run(capsys, "review", "plan", "--title", "SMG review", "--date",
                       day.isoformat(), "--chair", siro, "--department", "CHS", *db)
    assert code == 0, out
    ref = f"SMG-{day:%Y-%m-%d}"
    assert ref in out
    # A meeting happens when it happens: it starts on its date, or once re-dated.
    code, out, _ = run(capsys, "review", "start", ref, *db)
    assert code == 1 and f"planned for {day}; it cannot start before then" in out
    code, out, _ = run(capsys, "review", "redate", ref, "--on", "1900-01-01", *db)
    assert code == 1 and "meeting date 1900-01-01 is out of range" in out
    code, out, _ = run(capsys, "review", "redate", ref, "--on", TODAY.isoformat(), "--json", *db)
    assert code == 0 and json.loads(out) == {"ref": ref, "meeting_date": TODAY.isoformat()}
    code, out, _ = run(capsys, "review", "start", ref, *db)
    assert code == 0, out
    code, out, _ = run(capsys, "review", "input", ref, "Pen test results", "--detail",
                       "Two highs", *db)
    assert code == 0, out
    code, out, _ = run(capsys, "review", "complete", ref, *db)
    assert code == 1 and "no decision yet" in out

    code, out, _ = run(capsys, "review", "agenda", ref, "--json", *db)
    items = json.loads(out)
    assert items and all(i["decision"] is None for i in items)
    for item in items:
        kind = item["allowed"][0]
        extra: list[str] = []
        if kind == "add treatment action":
            extra = ["--action", "Follow up", "--owner", siro, "--due",
                     (day + timedelta(days=30)).isoformat()]
        elif kind == "defer":
            extra = ["--due", (day + timedelta(days=30)).isoformat()]
        elif kind == "change owner":
            extra = ["--owner", siro]
        elif kind == "accept until next review":
            kind = "noted"
        code, out, _ = run(capsys, "review", "decide", ref, str(item["position"]), kind,
                           "--note", "agreed", *extra, *db)
        assert code == 0, (item, out)
    code, out, _ = run(capsys, "review", "complete", ref, *db)
    assert code == 0, out
    code, out, _ = run(capsys, "review", "sign", ref, *db)
    assert code == 1 and "no conclusion on suitability, adequacy, effectiveness, changes, " \
        f"resources (ISO/IEC 27001 9.3.3): record them before signing off (`isms review " \
        f"conclude {ref} --suitability TEXT ...`)" in out
    code, out, _ = run(capsys, "review", "conclude", ref, "--suitability", "Still suits us",
                       "--adequacy", "Adequate", "--effectiveness", "Effective", *db)
    assert code == 0 and "still to record: changes, resources." in out
    assert "Continuing suitability of the ISMS: Still suits us\n" in out
    assert "Resources needed: not recorded yet\n" in out
    code, out, _ = run(capsys, "review", "conclude", ref, "--changes", "None needed",
                       "--resources", "Enough", *db)
    assert code == 0 and f"Recorded 2 conclusion(s) of review {ref}." in out
    code, out, _ = run(capsys, "review", "conclude", ref, "--json", *db)
    assert code == 0 and json.loads(out) == {"ref": ref, "conclusions": {
        "suitability": "Still suits us", "adequacy": "Adequate", "effectiveness": "Effective",
        "changes": "None needed", "resources": "Enough"}}
    with pytest.raises(SystemExit):  # the signer is never typed in
        run(capsys, "review", "sign", ref, "--by", siro, *db)
    code, out, _ = run(capsys, "review", "sign", ref, *db)
    assert code == 0 and f"signed off by {siro}" in out
    code, out, _ = run(capsys, "review", "input", ref, "Too late", *db)
    assert code == 1 and f"{ref} is signed off" in out

    pdf = tmp_path / "minutes.pdf"
    code, out, _ = run(capsys, "review", "minutes", ref, "--out", str(pdf), *db)
    assert code == 0, out
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert ref in text and "Pen test results" in text and "Still suits us" in text
    checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_minutes_carry_the_agendas_marking_or_the_one_chosen(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last quarter's minutes are about risks and SoA gaps: OFFICIAL-SENSITIVE, not a fixed
    OFFICIAL; a lower marking chosen is printed, warned about and recorded."""
    db = ("--db", str(demo_path))
    with open_register(str(demo_path)) as reg, reg.session() as s:
        ref = s.execute(select(ReviewMeeting.ref).where(
            ReviewMeeting.status == ReviewStatus.SIGNED_OFF)).scalar_one()
    pdf = tmp_path / "minutes.pdf"
    code, out, err = run(capsys, "review", "minutes", ref, "--out", str(pdf), *db)
    assert code == 0 and "marked OFFICIAL-SENSITIVE" in out and not err
    first = PdfReader(pdf).pages[0].extract_text()
    assert first.count("OFFICIAL-SENSITIVE") >= 2  # header and protective marking line
    code, out, err = run(capsys, "review", "minutes", ref, "--out", str(pdf), "--marking",
                         "official", *db)
    assert code == 0 and "marked OFFICIAL," in out
    assert "below the OFFICIAL-SENSITIVE of what it contains" in err
    first = PdfReader(pdf).pages[0].extract_text()
    assert "OFFICIAL by the person exporting, below the OFFICIAL-SENSITIVE" in " ".join(
        first.split())
    code, out, _ = run(capsys, "review", "minutes", ref, "--out", str(pdf), "--marking",
                       "SECRET-ISH", *db)
    assert code == 1 and "'SECRET-ISH' is not a marking of the current scheme" in out


def test_due_defaults_to_the_next_planned_meeting(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "review", "due", "--json", "--db", str(demo_path))
    assert code == 0
    due = json.loads(out)
    assert due and {"risk review", "asset attestation"} <= {d["kind"] for d in due}
    dates = [d["due"] for d in due if d["due"]]
    assert dates == sorted(dates)
    code, out, _ = run(capsys, "review", "due", "--department", "CHS", "--before",
                       (TODAY + timedelta(days=400)).isoformat(), "--db", str(demo_path))
    assert code == 0 and "fall due before" in out
    code, out, _ = run(capsys, "review", "decide", "SMG-1999-01-01", "1", "noted",
                       "--db", str(demo_path))
    assert code == 1 and "No review meeting" in out
