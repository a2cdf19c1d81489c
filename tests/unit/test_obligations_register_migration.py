"""Migration 0018: a 0017 register upgrades with an empty obligations register that takes an
obligation met by a control and shown by an evidence link, and refuses an unknown kind, on
SQLite and PostgreSQL (issue 18, 3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from isms.db import migrate, open_register
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.model import Evidence, EvidenceKind, Obligation, ObligationKind
from isms.services.read import queries
from tests.old_registers import STAMP, old_register


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0017_register_upgrades_and_keeps_an_obligation_with_its_control_and_evidence(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url, engine = old_register("0017", database, tmp_path, request)
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO control (id, edition, ref, sort_key, theme, title, description, "
            "version, created_at, updated_at) VALUES (34, '2022', '5.34', "
            "'0005.0034', 'Organizational', 'Privacy and protection of PII', '', 1, :at, :at)"),
            STAMP)
    engine.dispose()
    assert peek_revision(resolve(url)) == "0017"

    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head() == "0018"
        assert {"obligation", "obligation_control", "obligation_evidence"} <= set(
            inspect(register.engine).get_table_names())
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
        with register.session() as s:
            assert s.execute(select(Obligation)).first() is None
            ropa = Evidence(ref="EV-001", title="Record of processing activities, 2026",
                            kind=EvidenceKind.LINK, url="https://intranet.example/ropa",
                            evidence_date=date(2026, 11, 2), department_id=1)
            s.add(Obligation(
                ref="OB-001", title="UK GDPR and the Data Protection Act 2018",
                kind=ObligationKind.LEGISLATION, source="Information Commissioner's Office",
                requirement="Process personal data lawfully and securely",
                department_id=1, controls=[queries.control_by_ref(s, "5.34")],
                evidence=[ropa]))
            s.commit()
            with pytest.raises(IntegrityError):
                s.execute(text(
                    "INSERT INTO obligation (ref, title, kind, source, requirement, status, "
                    "version, created_at, updated_at) VALUES ('OB-002', 'x', 'rumour', '', "
                    "'', 'current', 1, :at, :at)"), STAMP)
            s.rollback()
        with register.session() as s:
            ob = s.execute(select(Obligation)).scalar_one()
            assert (ob.ref, ob.kind, ob.status, ob.department.code,
                    [c.ref for c in ob.controls], [e.ref for e in ob.evidence]) == (
                "OB-001", "legislation", "current", "HSG", ["5.34"], ["EV-001"])
    finally:
        register.close()
