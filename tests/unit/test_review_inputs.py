"""Management review that reads the register (issue 17, 5): the agenda carries the seven inputs
of ISO/IEC 27001:2022 9.3.2, lettered a-g and filled from the register ("none recorded" where it
holds nothing yet); the meeting records its 9.3.3 conclusions, which sign-off needs and the
minutes print; an existing register upgrades to hold them."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from isms.db import Register, migrate, open_register
from isms.db.engine import make_engine
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.errors import ValidationError
from isms.model import AgendaKind, DecisionKind, ReviewMeeting, Role, TreatmentAction
from isms.services.reviews import meetings as reviews
from isms.services.reviews.minutes import write_minutes
from isms.services.risks import score_risk
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 3, 2)
LETTERS = "abcdefg"
CONCLUDED = {"suitability": "Still suits the council.", "adequacy": "Adequate for now.",
             "effectiveness": "Effective, evidence aside.", "changes": "Refresh the evidence.",
             "resources": "One more analyst."}


def _chair(s: Session) -> int:
    chair = builders.person(s, name="Ada Chair", username="chair")
    chair.add_role(Role.APPROVER)
    return chair.id


def _register_with_risks(s: Session) -> None:
    """Two live risks, today High (4x4 after controls, 5x5 before) and Low (1x2), one of them
    in treatment with an action past its due date; one retired risk that counts nowhere."""
    dept = builders.department(s, code="ENV")
    high = builders.risk(s, dept, ref="R-0001")
    score_risk(s, high, inherent=(5, 5), current=(4, 4), today=TODAY)
    high.actions.append(TreatmentAction(title="Patch the servers",
                                        due_date=TODAY - timedelta(days=10)))
    low = builders.risk(s, dept, ref="R-0002")
    score_risk(s, low, inherent=(1, 2), today=TODAY)
    gone = builders.risk(s, dept, ref="R-0003")
    score_risk(s, gone, inherent=(5, 5), today=TODAY)
    gone.status = gone.status.RETIRED


def _inputs(s: Session, meeting_id: int) -> list[reviews.AgendaItemView]:
    return [i for i in reviews.agenda(s, meeting_id) if i.kind == AgendaKind.MANAGEMENT_INPUT]


def _hold(s: Session, chair: int, day: date) -> int:
    meeting = reviews.plan_review(s, title="SMG", meeting_date=day, chair_id=chair)
    reviews.start_review(s, meeting.id, today=day)
    return meeting.id


def test_the_agenda_carries_the_seven_inputs_lettered_and_filled(register: Register) -> None:
    with register.transaction() as s:
        chair = _chair(s)
        _register_with_risks(s)
        first = _hold(s, chair, TODAY)
        inputs = _inputs(s, first)
    assert [i.title[:8] for i in inputs] == [f"9.3.2 {letter})" for letter in LETTERS]
    by = {i.title[6]: i.detail for i in inputs}
    assert all(by[letter].strip() for letter in LETTERS)  # no empty heading
    # What the register holds, counted by current level (not the 5x5 before controls).
    assert "2 live risks; by current level: 1 High, 1 Low; 1 above the appetite (Medium)" \
        in by["f"]
    assert "1 open (1 open past due)" in by["f"]
    assert "1 risks in treatment with no open action" not in by["f"]
    assert "Actions set by earlier reviews: none recorded." in by["a"]
    # What the register cannot hold yet says so, part by part.
    assert "Interested parties and their requirements (4.2): none recorded." in by["c"]
    for part in ("1. Nonconformities and corrective actions (10.2): none recorded.",
                 "3. Audit results (9.2): none recorded.",
                 "4. Fulfilment of information security objectives (6.2): none recorded."):
        assert part in by["d"]
    assert "none recorded" in by["e"] and "none recorded" in by["g"]
    assert "since the register began" in by["b"] and "risks 3 added" in by["b"]

    # The next meeting reads the first one's action as the status of earlier review actions.
    with register.transaction() as s:
        item = _inputs(s, first)[0]
        for each in reviews.agenda(s, first):
            kind, extra = DecisionKind.NOTED, {}
            if each.id == item.id:
                kind = DecisionKind.ADD_ACTION
                extra = {"action_title": "Name the asset owners", "owner_id": chair,
                         "due_date": TODAY + timedelta(days=7)}
            reviews.decide(s, each.id, kind, actor="chair", today=TODAY, **extra)
        reviews.complete_review(s, first)
        later = TODAY + timedelta(days=30)
        second = _hold(s, chair, later)
        by = {i.title[6]: i.detail for i in _inputs(s, second)}
        ref = s.get_one(ReviewMeeting, first).ref
    assert "Actions set by earlier reviews: 1 in all: 1 open; 1 of the 1 still open past " \
        f"their due date. Open, each an item of this agenda: {ref}/A" in by["a"]
    assert "Name the asset owners" in by["a"] and "(Ada Chair, due 2026-03-09)" in by["a"]
    assert f"since the last review ({ref}, {TODAY.isoformat()})" in by["b"]


def _decided_and_completed(register: Register) -> int:
    with register.transaction("chair") as s:
        chair = _chair(s)
        _register_with_risks(s)
        meeting = _hold(s, chair, TODAY)
        for item in reviews.agenda(s, meeting):
            reviews.decide(s, item.id, DecisionKind.NOTED, actor="chair", today=TODAY)
        reviews.complete_review(s, meeting)
    return meeting


def test_sign_off_needs_the_conclusions_and_the_minutes_print_them(
        register: Register, tmp_path: Path) -> None:
    meeting = _decided_and_completed(register)
    signed = datetime(2026, 3, 3, 9, tzinfo=UTC)
    with pytest.raises(ValidationError, match=r"no conclusion on suitability, adequacy, "
                       r"effectiveness, changes, resources \(ISO/IEC 27001 9\.3\.3\)"), \
            register.transaction("chair") as s:
        reviews.sign_off(s, meeting, now=signed)
    with register.transaction("chair") as s:
        reviews.conclude(s, meeting, **{k: v for k, v in CONCLUDED.items() if k != "resources"})
    with pytest.raises(ValidationError, match="no conclusion on resources"), \
            register.transaction("chair") as s:
        reviews.sign_off(s, meeting, now=signed)
    with pytest.raises(ValidationError, match="'budget' is not a conclusion"), \
            register.transaction("chair") as s:
        reviews.conclude(s, meeting, budget="More")
    with register.transaction("chair") as s:
        reviews.conclude(s, meeting, resources=f"  {CONCLUDED['resources']}  ")
        reviews.sign_off(s, meeting, now=signed)
    with pytest.raises(ValidationError, match="is signed off"), \
            register.transaction("chair") as s:
        reviews.conclude(s, meeting, changes="Rewritten afterwards")
    with register.session() as s:
        stored = s.get_one(ReviewMeeting, meeting)
        assert reviews.conclusions(stored) == list(CONCLUDED.items())
        out = tmp_path / "minutes.pdf"
        write_minutes(s, meeting, out)
    checked = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    # Read cell by cell (pdftotext's reading order), not laid out, so wrapped cells stay whole.
    pages = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    flat = " ".join(" ".join(pages).split())
    for letter, words in (("a", "Status of actions from previous management reviews"),
                          ("d", "Feedback on the information security performance"),
                          ("g", "Opportunities for continual improvement")):
        assert f"{letter}) {words}" in flat
    assert "2 live risks; by current level: 1 High, 1 Low" in flat
    assert "Conclusions (9.3.3)" in flat
    for label, value in (("Continuing suitability of the ISMS", CONCLUDED["suitability"]),
                         ("Resources needed", CONCLUDED["resources"])):
        assert f"{label} {value}" in flat


def test_conclusions_wait_for_the_meeting_to_start(register: Register) -> None:
    with register.transaction() as s:
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY, chair_id=_chair(s))
        with pytest.raises(ValidationError, match="is planned; recording its conclusions needs "
                           "it in progress or completed"):
            reviews.conclude(s, meeting.id, suitability="Fine")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0013_register_upgrades_with_its_meetings_and_empty_conclusions(
        database: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """An existing register (here 0013 with a completed meeting): 0014 keeps the meeting and
    gives it empty conclusions, which the minutes show as not recorded yet."""
    register_db = (str(tmp_path / "old.isms") if database == "sqlite"
                   else str(request.getfixturevalue("pg_empty_url")))
    url = resolve(register_db)
    engine = make_engine(url, for_migration=True)
    migrate.upgrade(engine, "0013")
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO review_meeting (id, ref, title, meeting_date, location, status, notes, "
            "version, created_at, updated_at) VALUES (4, 'SMG-2026-01', 'Winter review', "
            ":day, '', 'completed', 'Kept', 2, :at, :at)"), {"day": date(2026, 1, 5), "at": at})
    engine.dispose()
    assert peek_revision(url) == "0013"
    register = open_register(register_db)
    try:
        assert peek_revision(register.location) == migrate.head()
        with register.session() as s:
            meeting = s.execute(select(ReviewMeeting)).scalar_one()
            assert (meeting.id, meeting.ref, meeting.notes, meeting.version) == (
                4, "SMG-2026-01", "Kept", 2)
            assert [value for _key, value in reviews.conclusions(meeting)] == [""] * 5
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
    finally:
        register.close()
