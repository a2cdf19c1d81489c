"""Migration 0017: a 0016 register upgrades with an empty context register that takes an issue,
a party with a requirement answered by a control, and refuses a climate row with no decision,
on SQLite and PostgreSQL (issue 18, 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from isms.db import migrate, open_register
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.model import ContextIssue, InterestedParty, PartyRequirement
from isms.model.context import IssueKind
from isms.services.read import queries
from tests.old_registers import STAMP, old_register


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0016_register_upgrades_and_keeps_a_party_s_requirement_with_its_control(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url, engine = old_register("0016", database, tmp_path, request)
    stamp = STAMP
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO control (id, edition, ref, sort_key, theme, title, description, "
            "version, created_at, updated_at) VALUES (24, '2022', '5.24', "
            "'0005.0024', 'Organizational', 'Incident management planning', '', 1, :at, :at)"),
            stamp)
    engine.dispose()
    assert peek_revision(resolve(url)) == "0016"

    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head()
        assert {"context_issue", "interested_party", "party_requirement",
                "requirement_control"} <= set(inspect(register.engine).get_table_names())
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
        with register.session() as s:
            assert s.execute(select(ContextIssue)).first() is None
            party = InterestedParty(ref="IP-001", name="Information Commissioner's Office",
                                    kind="regulator", department_id=1)
            party.requirements.append(PartyRequirement(
                text="Report a breach within 72 hours", source="UK GDPR Art. 33",
                controls=[queries.control_by_ref(s, "5.24")]))
            s.add(party)
            s.commit()
            # The climate row always carries its decision, whatever writes it.
            s.add(ContextIssue(ref="CI-001", kind=IssueKind.CLIMATE, issue="Climate change"))
            with pytest.raises(IntegrityError):
                s.flush()
            s.rollback()
        with register.session() as s:
            party = s.execute(select(InterestedParty)).scalar_one()
            assert (party.ref, party.status, party.department.code,
                    [(r.text, [c.ref for c in r.controls]) for r in party.requirements]) == (
                "IP-001", "current", "HSG", [("Report a breach within 72 hours", ["5.24"])])
    finally:
        register.close()
