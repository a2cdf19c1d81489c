"""Migration 0016: a 0015 register upgrades with an empty document register that takes a
policy (and refuses an approval with no approver), on SQLite and PostgreSQL (issue 18, 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from isms.db import migrate, open_register
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.model import ControlledDocument, DocumentKind, DocumentStatus
from tests.old_registers import old_register


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0015_register_upgrades_and_keeps_a_policy_with_its_control(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url, engine = old_register("0015", database, tmp_path, request)
    engine.dispose()
    assert peek_revision(resolve(url)) == "0015"

    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head()
        assert {"controlled_document", "document_control"} <= set(
            inspect(register.engine).get_table_names())
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
        with register.session() as s:
            assert s.execute(select(ControlledDocument)).first() is None
            s.add(ControlledDocument(ref="POL-001", title="Information security policy",
                                     kind=DocumentKind.POLICY, department_id=1))
            s.commit()
            # An approved document names its approver and date, whatever writes it.
            s.add(ControlledDocument(ref="POL-002", title="Acceptable use",
                                     kind=DocumentKind.POLICY, status=DocumentStatus.APPROVED))
            with pytest.raises(IntegrityError):
                s.flush()
            s.rollback()
        with register.session() as s:
            document = s.execute(select(ControlledDocument)).scalar_one()
            assert (document.ref, document.status, document.review_months,
                    document.version_label, document.department.code) == (
                "POL-001", DocumentStatus.DRAFT, 12, "", "HSG")
    finally:
        register.close()
