"""The findings of issue 17, 3-4 as reproduced on the demo register: its treatment plan lists
every live risk (it left out 17 of 58: Very high "modify" risks with no action, risks never
assessed), with the option, priority, resources and a deferral's history; its review actions
name their subject, and its escalation has a due date and the SIRO's answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from isms.db import Register
from isms.demo import build_demo
from isms.io.exports.pdf_report import write_pdf
from isms.io.exports.report import Marked
from isms.model import Asset, ReviewAction, ReviewMeeting, ReviewStatus, Risk, RiskStatus
from isms.services.documents.registers import treatment_plan
from isms.services.documents.treatment_plan import NO_ACTION, NOT_ASSESSED, plan_rows
from isms.services.reviews.minutes import minutes, write_minutes
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

TODAY = date(2026, 3, 2)


def _text(value: Any) -> Any:
    return value.value if isinstance(value, Marked) else value


def test_the_demo_plan_lists_every_live_risk_and_says_what_is_missing(
        register: Register, tmp_path: Path) -> None:
    build_demo(register, today=TODAY)
    with register.session() as s:
        live = {ref: (option, rated) for ref, option, rated in s.execute(
            select(Risk.ref, Risk.treatment_option, Risk.inherent_likelihood.is_not(None))
            .where(Risk.status != RiskStatus.RETIRED))}
        rows = list(plan_rows(treatment_plan(s, None, TODAY)))
        write_pdf(treatment_plan(s, None, TODAY), tmp_path / "plan.pdf")
    assert {row["Risk"] for row in rows} == set(live)
    items = {(row["Risk"], _text(row["Item"])) for row in rows}
    unrated = {ref for ref, (_option, rated) in live.items() if not rated}
    assert {(ref, NOT_ASSESSED) for ref in unrated} <= items
    assert any(item == NO_ACTION for _ref, item in items)  # e.g. a modify risk with no action
    actions = [row for row in rows if row["Item"] == "Action"]
    assert all(row["Priority"] in ("high", "medium", "low") and row["Resources"]
               for row in actions)
    deferred = [row for row in actions if row["Deferrals"]]
    assert len(deferred) == 1
    assert deferred[0]["Original due"] < _text(deferred[0]["Due / accepted on"])
    assert "The supplier could not deliver" in deferred[0]["Deferrals"]

    assert_pdf_sound(tmp_path / "plan.pdf")
    pages = pdf_pages(tmp_path / "plan.pdf")
    assert_not_split(pages, [*live, "OFFICIAL-SENSITIVE"])
    text = "\n".join(pages)
    assert all(ref in text for ref in live)


def test_the_demo_review_actions_name_their_subject_and_the_escalation_is_answered(
        register: Register) -> None:
    build_demo(register, today=TODAY)
    with register.session() as s:
        found = list(s.execute(select(ReviewAction)).scalars())
        assert found and all(a.subject_table and a.subject_id for a in found)
        owner = next(a for a in found if a.title.startswith("Name an owner and marking"))
        assert owner.subject_table == "asset"
        asset = s.get_one(Asset, owner.subject_id)
        assert owner.title == f"Name an owner and marking for the asset: {asset.ref} {asset.name}"
        escalation = next(a for a in found if a.escalation)
        assert escalation.due_date is not None and escalation.answer and escalation.answered_by


def test_the_demo_minutes_name_each_actions_subject_and_the_siros_answer(
        register: Register, tmp_path: Path) -> None:
    build_demo(register, today=TODAY)
    with register.session() as s:
        held = s.execute(select(ReviewMeeting).where(
            ReviewMeeting.status == ReviewStatus.SIGNED_OFF)).scalar_one()
        said = minutes(s, held.id)
        write_minutes(s, held.id, tmp_path / "minutes.pdf")
        asset = s.get_one(Asset, next(a.subject_id for a in held.actions
                                      if a.subject_table == "asset"))
    titles = {a.title: a.status for a in said.actions}
    assert f"Name an owner and marking for the asset: {asset.ref} {asset.name}" in titles
    escalated = next(status for title, status in titles.items()
                     if title.startswith("Report the risk to Corporate Management Team: R-"))
    assert escalated == ("done; the SIRO answered: Added to the corporate risk register; the "
                         "Corporate Management Team funds the fix this year.")
    assert_pdf_sound(tmp_path / "minutes.pdf")
    assert_not_split(pdf_pages(tmp_path / "minutes.pdf"), [asset.ref, "SIRO"])
