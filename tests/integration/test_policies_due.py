"""Documents past their next review show where the SIRO looks (issue 18, 5): the dashboard's
overdue figures, the review agenda (one input item listing them) and the 9.3.2 d) 2 monitoring
input; a department's meeting sees its own and the council-wide documents, not another's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from isms.db import Register
from isms.db.session import default_actor
from isms.model import ControlledDocument, Role
from isms.services import policies
from isms.services.read import dashboard
from isms.services.reviews import meetings
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date.today()


def _documents(register: Register) -> dict[str, int]:
    """Three approved documents: the council's policy due last month, Housing's procedure due
    next year, Social Care's procedure due last week; and a withdrawn one long past due."""
    with register.transaction() as s:
        housing = builders.department(s, code="HSG", name="Housing")
        care = builders.department(s, code="ASC", name="Adult Social Care")
        officer = builders.person(s, name="Priya Shah")
        siro = builders.person(s, name="Tom Hughes", username=default_actor(register.engine))
        siro.add_role(Role.SIRO)
        ids = {"officer": officer.id, "HSG": housing.id, "ASC": care.id}
    made: dict[str, int] = {}
    for ref, title, kind, department, approved in (
            ("POL-001", "Information security policy", "policy", None, 395),
            ("PRO-001", "Tenancy file handling", "procedure", "HSG", 30),
            ("PRO-002", "Care records sharing", "procedure", "ASC", 372),
            ("PRO-003", "Fax use", "procedure", None, 900)):
        with register.session() as s:
            filed = policies.add_document(
                s, ref=ref, title=title, kind=kind, owner_id=ids["officer"], version_label="1.0",
                department_id=ids[department] if department else None)
            policies.approve_document(s, filed.document_id, 1,
                                      on=TODAY - timedelta(days=approved))
            made[ref] = filed.document_id
    with register.session() as s:
        document = s.get(ControlledDocument, made["PRO-003"])
        assert document is not None
        policies.withdraw_document(s, document.id, document.version, "fax machines removed")
    made.update(HSG=ids["HSG"], ASC=ids["ASC"])
    return made


def test_overdue_documents_are_on_the_dashboard_council_wide_and_per_department(
        register: Register) -> None:
    made = _documents(register)
    with register.session() as s:
        council = dashboard.overdue(s, today=TODAY)
        assert council.document_ids == [made["POL-001"], made["PRO-002"]]
        assert council.documents == 2 and council.total == 2
        housing = dashboard.overdue(s, today=TODAY, department=made["HSG"])
        assert housing.document_ids == [made["POL-001"]]


def test_the_agenda_lists_the_documents_due_and_the_monitoring_input_counts_them(
        register: Register) -> None:
    made = _documents(register)
    with register.session() as s:
        meeting = meetings.plan_review(s, title="SMG review", meeting_date=TODAY,
                                       chair_id=None, department_ids=[made["HSG"]])
        items = meetings.start_review(s, meeting.id, today=TODAY)
        due = [item for item in items if item.title.startswith("Documents due for review")]
        assert [item.title for item in due] == ["Documents due for review (7.5): 1"]
        assert due[0].detail == (
            "POL-001 Information security policy (version 1.0, approved): review due "
            f"{policies.add_months(TODAY - timedelta(days=395), 12)}; owner Priya Shah.")
        monitoring = next(item for item in items if item.title.startswith("9.3.2 d)"))
        assert ("documents (policies and procedures): 2 in force, 0 in draft, 1 past their "
                "next review (POL-001)") in monitoring.detail

        council = meetings.plan_review(s, title="SMG annual review", meeting_date=TODAY,
                                       chair_id=None)
        items = meetings.start_review(s, council.id, today=TODAY)
        due = [item for item in items if item.title.startswith("Documents due for review")]
        assert [line.split(" ")[0] for line in due[0].detail.splitlines()] == [
            "POL-001", "PRO-002"]
