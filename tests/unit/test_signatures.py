"""Signatures are acts of the signer (issue 16): a decision recorded by A for B awaits B, does not
count until B confirms it acting as B, and never counts once declined; meetings happen when they
happen. On a SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.orm import Session

from isms.cli import main
from isms.db import Register
from isms.db.session import default_actor
from isms.errors import AccessDenied, ValidationError
from isms.model import (
    AgendaKind,
    DecisionKind,
    Risk,
    RiskAcceptance,
    RiskStatus,
    Role,
    Signature,
    SignatureState,
)
from isms.services import awaiting, signatures
from isms.services.documents.registers import risk_register, treatment_plan
from isms.services.documents.render import write_report
from isms.services.read.risk_record import risk_record
from isms.services.reviews import meetings as reviews
from isms.services.reviews.minutes import write_minutes
from isms.services.risks import pending_acceptances, score_risk, sign_acceptance
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 3, 1)


def _meeting_with_a_risk(register: Register, *, owner_present: bool) -> tuple[int, int, int]:
    """(meeting id, agenda item id of the risk, risk id): a risk within the appetite owned by
    Olive; the secretary Sam records; Olive is at the meeting or sent apologies."""
    with register.transaction() as s:
        chair = builders.person(s, name="Chair", username="chair")
        chair.add_role(Role.APPROVER)
        sam = builders.person(s, name="Sam Secretary", username="sam")
        sam.add_role(Role.SMG_MEMBER)
        olive = builders.person(s, name="Olive Owner", username="olive")
        olive.add_role(Role.RISK_OWNER)
        builders.person(s, name="Vic Viewer", username="vic")
        risk = builders.risk(s, builders.department(s), owner=olive)
        score_risk(s, risk, inherent=(3, 3), current=(1, 2), residual=(1, 2),
                   today=TODAY - timedelta(days=400))
        present, absent = ([olive.id], []) if owner_present else ([], [olive.id])
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY, chair_id=chair.id,
                                      attendee_ids=[sam.id, *present], apology_ids=absent)
        items = reviews.start_review(s, meeting.id, today=TODAY)
        item = next(i for i in items if i.subject_table == "risk")
        assert item.kind == AgendaKind.RISK_DUE
        return meeting.id, item.id, risk.id


def _signature(s: Session) -> Signature:
    return s.query(Signature).one()


def test_an_acceptance_recorded_for_an_absent_owner_awaits_them_and_counts_once_confirmed(
    register: Register,
) -> None:
    _, item_id, risk_id = _meeting_with_a_risk(register, owner_present=False)
    with register.transaction(actor="sam") as s:
        view = reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                              today=TODAY)
        assert "recorded for Olive Owner (Olive Owner was not present), awaiting Olive " \
               "Owner's confirmation" in view.effect
    with register.session(actor="sam") as s:
        risk = s.get_one(Risk, risk_id)
        # Not accepted: no acceptance record, the status unchanged, listed as pending.
        assert risk.status != RiskStatus.ACCEPTED and risk.current_acceptance is None
        assert s.query(RiskAcceptance).count() == 0
        assert list(pending_acceptances(s, [risk_id])) == [risk_id]
        signature = _signature(s)
        assert (signature.state, signature.signer.name, signature.recorded_by,
                signature.recorder.name if signature.recorder else None,
                signature.meeting_date) == (SignatureState.AWAITING, "Olive Owner", "sam",
                                            "Sam Secretary", TODAY)
        assert signatures.words(signature).startswith(
            f"acceptance recorded for Olive Owner at the meeting of {TODAY}, awaiting Olive "
            "Owner's confirmation (recorded by Sam Secretary on ")
        assert awaiting.awaiting_me(s) == []  # nothing awaits the secretary
        # The risk's record (the editor, `isms risks show`) says so; it is not an acceptance.
        record = risk_record(s, risk_id)
        assert record.acceptance is None
        assert record.awaiting == (signatures.words(signature),)
        assert record.as_json()["awaiting"] == [signatures.words(signature)]
        number = signature.id
    # Nobody but Olive can confirm it, the secretary included.
    for actor, needed in (("sam", "signer"), ("vic", "signer")):
        with pytest.raises(AccessDenied, match="only Olive Owner can") as refused, \
                register.transaction(actor=actor) as s:
            awaiting.confirm(s, number, today=TODAY)
        assert refused.value.needed == needed
    with register.transaction(actor="olive") as s:
        mine = awaiting.awaiting_me(s)
        assert [(a.id, a.recorded_by, a.meeting_date) for a in mine] == [
            (number, "Sam Secretary", TODAY)]
        assert "accept the residual risk until" in mine[0].detail
        awaiting.confirm(s, number, today=TODAY)
    with register.session(actor="olive") as s:
        risk = s.get_one(Risk, risk_id)
        assert risk.status == RiskStatus.ACCEPTED
        acceptance = risk.current_acceptance
        assert acceptance is not None and acceptance.accepted_by.name == "Olive Owner"
        signature = _signature(s)
        assert signature.state == SignatureState.CONFIRMED
        assert signature.outcome_id == acceptance.id
        assert acceptance.accepted_at == signature.resolved_at
        words = signatures.words(signature)
        assert words.startswith(f"accepted by Olive Owner on {signature.resolved_at.date()} at "
                                f"the meeting of {TODAY} (recorded by Sam Secretary on ")
        assert awaiting.awaiting_me(s) == [] and pending_acceptances(s, [risk_id]) == {}
        record = risk_record(s, risk_id)
        assert record.awaiting == () and record.acceptance is not None
    with pytest.raises(ValidationError, match="confirmed already"), \
            register.transaction(actor="olive") as s:
        awaiting.decline(s, number)


def test_no_path_confirms_a_signature_for_someone_else(register: Register) -> None:
    """The session refuses it too, for a script writing the records directly."""
    _, item_id, _ = _meeting_with_a_risk(register, owner_present=False)
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                       today=TODAY)
        number = _signature(s).id
    with pytest.raises(AccessDenied, match="Sam Secretary may not confirm a risk acceptance "
                       "signature for someone else") as refused, \
            register.transaction(actor="sam") as s:
        s.get_one(Signature, number).state = SignatureState.CONFIRMED
        s.flush()
    assert refused.value.needed == "signer"
    with pytest.raises(AccessDenied, match="only its signer can"), \
            register.transaction(actor="sam") as s:
        forged = _signature(s)
        s.add(Signature(kind=forged.kind, subject_table="risk", subject_id=forged.subject_id,
                        signer=forged.signer, recorded_by="sam", recorded_at=forged.recorded_at,
                        state=SignatureState.CONFIRMED))
        s.flush()
    # Nor a bulk statement, which would bypass the flush's check.
    with pytest.raises(AccessDenied, match="may not change the signature records in bulk"), \
            register.transaction(actor="sam") as s:
        s.execute(update(Signature).values(state=SignatureState.CONFIRMED))
    with register.session() as s:
        assert [x.state for x in s.query(Signature)] == [SignatureState.AWAITING]


def test_a_declined_acceptance_never_counts(register: Register) -> None:
    _, item_id, risk_id = _meeting_with_a_risk(register, owner_present=True)
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                       today=TODAY)
        number = _signature(s).id
    with register.transaction(actor="olive") as s:
        awaiting.decline(s, number, "I said treat it, not accept it")
    with register.session(actor="olive") as s:
        risk = s.get_one(Risk, risk_id)
        assert risk.status != RiskStatus.ACCEPTED and risk.current_acceptance is None
        signature = _signature(s)
        assert signature.state == SignatureState.DECLINED
        assert "not confirmed: declined by Olive Owner on " in signatures.words(signature)
        assert signature.reason.endswith(": I said treat it, not accept it")
        assert awaiting.awaiting_me(s) == [] and pending_acceptances(s, [risk_id]) == {}
    with pytest.raises(ValidationError, match="declined already"), \
            register.transaction(actor="olive") as s:
        awaiting.confirm(s, number, today=TODAY)


def test_the_owner_accepting_as_themselves_is_accepted_at_once(register: Register) -> None:
    with register.transaction() as s:
        olive = builders.person(s, name="Olive Owner", username="olive")
        risk = builders.risk(s, builders.department(s), owner=olive)
        score_risk(s, risk, inherent=(3, 3), residual=(1, 2), today=TODAY)
        risk_id = risk.id
    with pytest.raises(AccessDenied, match="mallory may not accept the residual risk of .*"
                       "not a person in this register"), \
            register.transaction(actor="mallory") as s:
        sign_acceptance(s, s.get_one(Risk, risk_id), rationale="fine", today=TODAY)
    with register.transaction(actor="olive") as s:
        signed = sign_acceptance(s, s.get_one(Risk, risk_id), rationale="fine", today=TODAY)
        assert signed.acceptance is not None and signed.awaiting == []
        assert signatures.words(signed.signatures[0]) == (
            f"accepted by Olive Owner on {signed.signatures[0].resolved_at.date()}")
    with register.session() as s:
        assert s.get_one(Risk, risk_id).status == RiskStatus.ACCEPTED


def test_a_meeting_cannot_start_before_its_date_unless_redated(register: Register) -> None:
    later = TODAY + timedelta(days=7)
    with register.transaction() as s:
        chair = builders.person(s, name="Chair")
        with pytest.raises(ValidationError, match="meeting date 1900-01-08 is out of range") as bad:
            reviews.plan_review(s, title="SMG", meeting_date=date(1900, 1, 8), chair_id=chair.id)
        assert bad.value.field == "meeting_date"
        meeting = reviews.plan_review(s, title="SMG", meeting_date=later, chair_id=chair.id)
        with pytest.raises(ValidationError, match=f"planned for {later}; it cannot start"):
            reviews.start_review(s, meeting.id, today=TODAY)
        with pytest.raises(ValidationError, match="out of range") as far:
            reviews.redate(s, meeting.id, date(2099, 1, 1), today=TODAY)
        assert far.value.field == "meeting_date"
        reviews.redate(s, meeting.id, TODAY, today=TODAY)
        assert reviews.start_review(s, meeting.id, today=TODAY)


def test_awaiting_on_the_command_line(register: Register, register_db: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, item_id, risk_id = _meeting_with_a_risk(register, owner_present=False)
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                       today=TODAY)
        number = _signature(s).id
        # The command line acts as the account running it (the OS account on a file, the
        # login on a server): Olive's.
        s.get_one(Risk, risk_id).owner.username = default_actor(  # type: ignore[union-attr]
            register.engine)
    register.close()
    db = ["--db", register_db]
    assert main(["awaiting", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["id"], a["recorded_by"], a["meeting_date"]) for a in listed] == [
        (number, "Sam Secretary", TODAY.isoformat())]
    assert main(["awaiting", "confirm", str(number), "--json", *db]) == 0
    confirmed = json.loads(capsys.readouterr().out)
    assert confirmed["state"] == "confirmed"
    assert confirmed["words"].startswith("accepted by Olive Owner on ")
    assert main(["awaiting", "decline", str(number), *db]) == 1
    assert "is confirmed already" in capsys.readouterr().err
    assert main(["awaiting", *db]) == 0
    assert "0 signature(s) await your confirmation." in capsys.readouterr().out


def _sheet_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return " ".join(str(cell) for sheet in book.worksheets
                    for row in sheet.iter_rows(values_only=True) for cell in row if cell)


def _pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def _documents(register: Register, meeting_id: int, folder: Path) -> tuple[str, str, str]:
    """The minutes (PDF), the treatment plan and the risk register (xlsx), read back."""
    folder.mkdir(exist_ok=True)
    with register.session() as s:
        write_minutes(s, meeting_id, folder / "minutes.pdf")
        write_report(treatment_plan(s, None, TODAY), folder / "plan.xlsx", "xlsx", None)
        write_report(risk_register(s, None, TODAY), folder / "register.xlsx", "xlsx", None)
    return (_pdf_text(folder / "minutes.pdf"), _sheet_text(folder / "plan.xlsx"),
            _sheet_text(folder / "register.xlsx"))


def test_the_minutes_and_the_plan_show_both_names_and_dates(register: Register,
                                                            tmp_path: Path) -> None:
    meeting_id, item_id, _ = _meeting_with_a_risk(register, owner_present=False)
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                       today=TODAY)
        number = _signature(s).id
    recorded_on = datetime.now(UTC).date()
    minutes, plan, risks = _documents(register, meeting_id, tmp_path / "before")
    waiting = (f"acceptance recorded for Olive Owner at the meeting of {TODAY}, awaiting Olive "
               f"Owner's confirmation (recorded by Sam Secretary on {recorded_on})")
    assert waiting in minutes and f"recorded by sam at {recorded_on}" in minutes
    assert waiting in plan and "Accepted by" not in risks and waiting.capitalize() in risks
    with register.transaction(actor="olive") as s:
        awaiting.confirm(s, number, today=TODAY)
    confirmed_on = datetime.now(UTC).date()
    minutes, plan, risks = _documents(register, meeting_id, tmp_path / "after")
    assert (f"accepted by Olive Owner on {confirmed_on} at the meeting of {TODAY} (recorded "
            f"by Sam Secretary on {recorded_on})") in minutes
    assert f"accepted (recorded by Sam Secretary on {recorded_on})" in plan
    assert (f"Accepted by Olive Owner on {confirmed_on}" in risks
            and f"(recorded by Sam Secretary on {recorded_on})" in risks)
    assert "awaiting" not in plan and "awaiting" not in risks
