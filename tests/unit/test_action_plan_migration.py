"""Migration 0013: a 0012 register's treatment and review actions upgrade without loss; the
due date already set becomes the original one, with no deferral invented (issue 17, 3-4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from isms.db import migrate, open_register
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.model import ReviewAction, TreatmentAction
from tests.old_registers import STAMP, old_register


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0012_register_keeps_its_actions_and_their_due_date_becomes_the_original(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url, engine = old_register("0012", database, tmp_path, request)
    stamp = STAMP
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO risk (id, ref, title, description, department_id, affects, "
            "existing_controls, treatment_note, status, review_override_reason, version, "
            "created_at, updated_at) VALUES (3, 'R-0003', 'Lost laptops', '', 1, 'C', '', '', "
            "'in treatment', '', 1, :at, :at)"), stamp)
        db.execute(text(
            "INSERT INTO treatment_action (id, risk_id, title, description, due_date, status, "
            "version, created_at, updated_at) VALUES (9, 3, 'Encrypt laptops', '', "
            "'2027-01-31', 'open', 4, :at, :at)"), stamp)
        db.execute(text(
            "INSERT INTO review_meeting (id, ref, title, meeting_date, location, status, notes, "
            "version, created_at, updated_at) VALUES (2, 'SMG-2026-11', 'SMG', '2026-11-20', '', "
            "'signed off', '', 1, :at, :at)"), stamp)
        db.execute(text(
            "INSERT INTO review_action (id, meeting_id, title, status, version, created_at, "
            "updated_at) VALUES (5, 2, 'Name an owner', 'open', 1, :at, :at)"), stamp)
    engine.dispose()
    assert peek_revision(resolve(url)) == "0012"

    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head()
        with register.session() as s:
            action = s.execute(select(TreatmentAction)).scalar_one()
            assert (action.id, action.title, action.due_date, action.original_due_date,
                    action.priority, action.resources, action.version, action.deferrals) == (
                9, "Encrypt laptops", date(2027, 1, 31), date(2027, 1, 31), "", "", 4, [])
            meeting_action = s.execute(select(ReviewAction)).scalar_one()
            assert (meeting_action.title, meeting_action.subject_table,
                    meeting_action.subject_id, meeting_action.escalation,
                    meeting_action.answer, meeting_action.answered_at,
                    meeting_action.close_reason, meeting_action.deferrals) == (
                "Name an owner", None, None, False, "", None, "", [])
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
    finally:
        register.close()
