"""A department's extract of the change log (issue 17, 9): the entries about its records and
people and the council-wide settings, never another department's, a record deleted since
included by the values its own entries recorded; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from isms.db import Register
from isms.model import PersonRole, Role, TreatmentAction
from isms.model.audit import ChangeLogEntry
from isms.services import classification
from isms.services.documents.audit_pack_items import department_entries
from tests import builders

pytestmark = pytest.mark.both_backends


def test_the_extract_keeps_the_department_its_parents_and_council_settings_only(
    register: Register,
) -> None:
    with register.transaction(actor="test") as session:
        council = builders.department(session, code="CNL", name="Council")
        env = builders.department(session, code="ENV", name="Environment", parent=council)
        chs = builders.department(session, code="CHS", name="Children", parent=council)
        ours = builders.person(session, name="Erin Env", department=env, username="eenv")
        theirs = builders.person(session, name="Carl Chs", department=chs, username="cchs")
        boss = builders.person(session, name="Sam Siro", department=council, username="ssiro")
        for who in (ours, theirs):
            session.add(PersonRole(person=who, role=Role.RISK_OWNER))
        kept_asset = builders.asset(session, env, name="Gritting routes")
        chs_asset = builders.asset(session, chs, name="Case files")
        risk = builders.risk(session, env, assets=[kept_asset])
        chs_risk = builders.risk(session, chs, assets=[chs_asset])
        actions = [TreatmentAction(risk=owner, title=f"Fix {owner.ref}")
                   for owner in (risk, risk, chs_risk)]
        session.add_all(actions)
        classification.add_local_label(session, "COUNCIL CONFIDENTIAL",
                                       stands_for="OFFICIAL-SENSITIVE")
        session.flush()
        env_id, boss_id, gone_id = env.id, boss.id, actions[1].id
        env_risk, chs_risk_id = risk.id, chs_risk.id
    with register.transaction(actor="test") as session:
        gone = session.get(TreatmentAction, gone_id)
        assert gone is not None
        session.delete(gone)  # a record no longer in the register: its entries still go
    with register.transaction(actor="test") as session:
        session.merge(theirs).job_title = "Head of service"
        session.merge(ours).job_title = "Engineer"
    with register.session() as session:
        log = list(session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.id)).scalars())
        kept = department_entries(session, env_id, log[-1].id)
    labels = {e.label for e in log if e.id in kept}
    left_out = {e.label for e in log if e.id not in kept}
    assert {"department CNL", "department ENV", "person Erin Env", "marking COUNCIL CONFIDENTIAL",
            f"role {Role.RISK_OWNER} of person {ours.id}"} <= labels
    assert {"department CHS", "person Carl Chs", "person Sam Siro",
            f"role {Role.RISK_OWNER} of person {theirs.id}"} <= left_out
    deleted = [e for e in log if e.label == f"treatment action {gone_id} of risk {env_risk}"]
    assert [e.action for e in deleted] == ["insert", "delete"]
    assert all(e.id in kept for e in deleted)
    for entry in log:
        about_chs = {"asset": entry.label == f"asset {chs_asset.ref}",
                     "risk": entry.label == f"risk {chs_risk.ref}",
                     "treatment_action": entry.label.endswith(f" of risk {chs_risk_id}")}
        if entry.table_name in about_chs:
            assert (entry.id in kept) != about_chs[entry.table_name], entry.label
        if entry.table_name == "person" and entry.action == "insert":
            assert (entry.id in kept) == (entry.changes["department_id"] == env_id), entry.label
    # An update of another department's person is left out, ours is kept.
    updates = {e.label: e.id in kept for e in log if e.table_name == "person"
               and e.action == "update"}
    assert updates == {"person Carl Chs": False, "person Erin Env": True}
    assert boss_id not in {int(e.changes.get("id", 0)) for e in log if e.id in kept
                           and e.table_name == "person"}
