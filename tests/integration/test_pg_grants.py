"""`isms access grants`: the PostgreSQL server itself refuses what a level may not do.

Each test makes a register on the suite's throwaway server with one login per level, applies
the grants as the register's owner, then connects as each login with psycopg directly (not
through isms) and shows what the server refuses; and runs isms as those logins to show it
still does what each level may.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors

from isms.cli import main
from isms.db import commit, open_register
from isms.model import Role
from isms.services import access
from tests import builders
from tests.pg import USER, Server

LEVELS = ("viewer", "editor", "approver", "administrator")
#: The roles the people of each level hold (viewer: none).
ROLES = {"viewer": [], "editor": [Role.RISK_OWNER], "approver": [Role.APPROVER],
         "administrator": [Role.ADMINISTRATOR]}


@dataclass
class Setup:
    server: Server
    database: str
    #: level -> that person's login
    logins: dict[str, str]
    #: level -> that person's name
    names: dict[str, str]
    asset_ref: str
    missing: str  # a username with no login on the server
    risk_id: int = 0

    def url(self, login: str = USER) -> str:
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.server.port}/{self.database}"

    def connect(self, login: str) -> psycopg.Connection[Any]:
        """A direct connection as ``login`` (the test cluster trusts local logins)."""
        return psycopg.connect(host="127.0.0.1", port=self.server.port, user=login,
                               dbname=self.database)

    @property
    def groups(self) -> list[str]:
        return [f"isms_{self.database}_{level}" for level in LEVELS]


@pytest.fixture
def made(pg_server: Server) -> Iterator[Setup]:
    """A register with the owner as administrator, one person and login per level, a
    person whose username has no login, one asset; access control on."""
    database = pg_server.create_from_template()
    tag = uuid.uuid4().hex[:8]
    logins = {level: f"g{tag}_{level}" for level in LEVELS}
    for login in logins.values():
        pg_server.admin(f'CREATE ROLE "{login}" LOGIN')
    made = Setup(pg_server, database, logins, {}, "", f"g{tag}_nologin")
    try:
        register = open_register(made.url())
        with register.session() as session:
            dept = builders.department(session, code="ENV")
            owner = builders.person(session, name="Owner", username=USER)
            owner.add_role(Role.ADMINISTRATOR)
            for level, login in logins.items():
                who = builders.person(session, name=f"{level.title()} Person", username=login)
                for role in ROLES[level]:
                    who.add_role(role)
                made.names[level] = who.name
            builders.person(session, name="No Login", username=made.missing)
            made.asset_ref = builders.asset(session, dept, name="Payroll").ref
            made.risk_id = builders.risk(session, dept).id
            session.flush()
            access.set_enforced(session, True)
            commit(session)
        register.close()
        yield made
    finally:
        pg_server.drop(database)
        for name in [*logins.values(), *made.groups]:
            pg_server.admin(f'DROP ROLE IF EXISTS "{name}"')


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def apply(capsys: pytest.CaptureFixture[str], made: Setup) -> str:
    code, out, err = run(capsys, "access", "grants", "--apply", "--db", made.url())
    assert code == 0, err
    return out


def refused(made: Setup, login: str, sql: str) -> str:
    """The server's refusal of ``sql`` run as ``login``, or a failure if it ran."""
    with made.connect(login) as conn, pytest.raises(errors.InsufficientPrivilege) as caught:
        conn.execute(sql)
    return str(caught.value)


def _rights(made: Setup) -> list[tuple[Any, ...]]:
    """Everything the server holds about the levels: rights, memberships, triggers."""
    from isms.db.grant_catalog import _RIGHTS

    with made.connect(USER) as conn:
        rights = sorted(conn.execute(_RIGHTS).fetchall())
        members = sorted(conn.execute(
            "SELECT g.rolname, m.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname LIKE %s", (f"isms_{made.database}_%",)).fetchall())
        triggers = sorted(conn.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'change_log'::regclass "
            "AND NOT tgisinternal").fetchall())
    return [*rights, *members, *triggers]


# --- what the server refuses, asked directly ----------------------------------------------------


def test_a_viewer_login_reads_but_the_server_refuses_its_update_of_an_asset(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    viewer = made.logins["viewer"]
    with made.connect(viewer) as conn:
        names = conn.execute("SELECT name FROM asset WHERE ref = %s", (made.asset_ref,))
        assert names.fetchall() == [("Payroll",)]
    message = refused(made, viewer, "UPDATE asset SET name = 'Hacked'")
    assert "permission denied for table asset" in message
    with made.connect(USER) as conn:
        assert conn.execute("SELECT name FROM asset").fetchall() == [("Payroll",)]


def test_an_editor_login_updates_an_asset_but_cannot_give_itself_the_administrator_role(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor = made.logins["editor"]
    with made.connect(editor) as conn:
        conn.execute("UPDATE asset SET name = 'Payroll 2' WHERE ref = %s", (made.asset_ref,))
    with made.connect(USER) as conn:
        assert conn.execute("SELECT name FROM asset").fetchall() == [("Payroll 2",)]
        person_id = conn.execute("SELECT id FROM person WHERE username = %s",
                                 (editor,)).fetchone()
    assert person_id is not None
    message = refused(made, editor, "INSERT INTO person_role (person_id, role) "
                                     f"VALUES ({person_id[0]}, 'administrator')")
    assert "permission denied for table person_role" in message
    assert "permission denied for table person" in refused(
        made, editor, "UPDATE person SET active = false")
    assert "permission denied for table register_setting" in refused(
        made, editor, "UPDATE register_setting SET value = '{}'")
    assert "permission denied for table risk_criteria" in refused(
        made, editor, "DELETE FROM risk_criteria")
    # An approval is not the editor's to make, even on a table it may update.
    assert "permission denied for table risk_acceptance" in refused(
        made, editor, "UPDATE risk_acceptance SET approved_by_id = 1")
    assert "permission denied for table soa_version" in refused(
        made, editor, "INSERT INTO soa_version (number) VALUES (1)")
    with made.connect(USER) as conn:
        roles = conn.execute("SELECT role FROM person_role WHERE person_id = %s", person_id)
        assert [r for (r,) in roles] == ["risk owner"]


def test_an_approver_login_may_approve_an_acceptance_and_an_administrator_give_roles(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    with made.connect(made.logins["approver"]) as conn:
        # No acceptance exists: a statement the server lets through changes no row.
        conn.execute("UPDATE risk_acceptance SET approved_by_id = NULL WHERE false")
    assert "permission denied for table person_role" in refused(
        made, made.logins["approver"], "DELETE FROM person_role")
    with made.connect(made.logins["administrator"]) as conn:
        conn.execute("UPDATE person SET job_title = 'Clerk' WHERE name = 'No Login'")


def test_only_an_approver_login_approves_an_acceptance_or_signs_a_meeting_off(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor, approver = made.logins["editor"], made.logins["approver"]
    with made.connect(USER) as conn:
        found = conn.execute("SELECT id FROM person WHERE username = %s", (approver,)).fetchone()
    assert found is not None
    acceptance = (
        "INSERT INTO risk_acceptance (risk_id, accepted_by_id, accepted_at, rationale, "
        "approved_by_id, approved_at, withdrawn_reason, version, created_at, updated_at) "
        f"VALUES ({made.risk_id}, {found[0]}, now(), 'Low', {{by}}, {{at}}, '', 1, now(), now())")
    approved = acceptance.format(by=found[0], at="now()")
    with made.connect(editor) as conn:  # an acceptance awaiting approval: the editor's to add
        conn.execute(acceptance.format(by="NULL", at="NULL"))
    assert "Only an approver approves: risk_acceptance" in refused(made, editor, approved)
    assert "permission denied for table risk_acceptance" in refused(
        made, editor, f"UPDATE risk_acceptance SET approved_by_id = {found[0]}")
    with made.connect(approver) as conn:
        conn.execute(approved)
        conn.execute(f"UPDATE risk_acceptance SET approved_by_id = {found[0]}, "
                     "approved_at = now() WHERE approved_by_id IS NULL")
    with made.connect(editor) as conn:
        conn.execute("INSERT INTO review_meeting (ref, title, meeting_date, location, status, "
                     "notes, version, created_at, updated_at) VALUES ('MR-1', 'Review', "
                     "current_date, '', 'completed', '', 1, now(), now())")
    message = refused(made, editor, "UPDATE review_meeting SET status = 'signed off'")
    assert "Only an approver approves: review_meeting" in message
    assert f"approved by {editor} refused" in message
    with made.connect(approver) as conn:
        conn.execute("UPDATE review_meeting SET status = 'signed off'")
    with made.connect(USER) as conn:
        assert conn.execute("SELECT status FROM review_meeting").fetchall() == [("signed off",)]
        assert conn.execute("SELECT count(*) FROM risk_acceptance "
                            "WHERE approved_by_id IS NOT NULL").fetchone() == (2,)


def test_only_the_signers_login_confirms_a_signature_and_none_is_recorded_in_anothers_name(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor, approver = made.logins["editor"], made.logins["approver"]
    with made.connect(USER) as conn:
        found = conn.execute("SELECT id FROM person WHERE username = %s", (approver,)).fetchone()
    assert found is not None
    signature = ("INSERT INTO signature (kind, subject_table, subject_id, signer_id, "
                 "recorded_by, recorded_at, state, reason, terms, version) VALUES ('review "
                 f"sign-off', 'review_meeting', 1, {found[0]}, '{{by}}', now(), '{{state}}', "
                 "'', '{{}}', 1) RETURNING id")
    assert "Only the signer confirms a signature: review sign-off signature of Approver " \
           f"Person confirmed by {editor} refused" in refused(
               made, editor, signature.format(by=editor, state="confirmed"))
    assert f"A signature recorded in the name of {approver} by {editor} refused" in refused(
        made, editor, signature.format(by=approver, state="awaiting"))
    with made.connect(editor) as conn:  # recorded for the approver: awaiting them
        row = conn.execute(signature.format(by=editor, state="awaiting")).fetchone()
    assert row is not None
    confirm = f"UPDATE signature SET state = 'confirmed', resolved_at = now() WHERE id = {row[0]}"
    assert "Only the signer confirms a signature" in refused(made, editor, confirm)
    with made.connect(approver) as conn:
        conn.execute(confirm)
    with made.connect(USER) as conn:
        assert conn.execute("SELECT state FROM signature").fetchall() == [("confirmed",)]


@pytest.mark.parametrize("statement", [
    "UPDATE change_log SET actor = 'someone else'",
    "DELETE FROM change_log",
    "TRUNCATE change_log",
])
def test_nobody_may_rewrite_or_remove_the_change_log(
        made: Setup, capsys: pytest.CaptureFixture[str], statement: str) -> None:
    apply(capsys, made)
    with made.connect(USER) as conn:
        before = conn.execute("SELECT count(*), max(entry_hash) FROM change_log").fetchone()
    assert before is not None and before[0] > 0
    for login in made.logins.values():
        assert "permission denied for table change_log" in refused(made, login, statement)
    # The owner (a superuser here) holds every right: the trigger still refuses.
    assert "The change log is append-only" in refused(made, USER, statement)
    with made.connect(USER) as conn:
        after = conn.execute("SELECT count(*), max(entry_hash) FROM change_log").fetchone()
    assert after == before


def test_rights_given_to_logins_before_are_taken_back_or_named(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's set-up: logins given DML rights directly, the change log writable by all."""
    viewer = made.logins["viewer"]
    other = f"{viewer}_reports"
    made.server.admin(f'CREATE ROLE "{other}" LOGIN')
    try:
        with made.connect(USER) as conn:
            conn.execute("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public "
                         f'TO "{viewer}"')
            conn.execute(f'GRANT UPDATE ON asset TO "{other}"')
            conn.execute("GRANT UPDATE, DELETE ON change_log TO PUBLIC")
        out = apply(capsys, made)
        assert f'REVOKE SELECT, INSERT, UPDATE ON TABLE "person_role" FROM "{viewer}";' in out
        assert 'REVOKE UPDATE, DELETE ON TABLE "change_log" FROM PUBLIC;' in out
        assert f"Rights held outside the levels (revoke them if they should not be): {other} " \
               "(UPDATE on asset)" in out
        assert "permission denied for table asset" in refused(
            made, viewer, "UPDATE asset SET name = 'Hacked'")
        assert "permission denied for table change_log" in refused(
            made, other, "DELETE FROM change_log")
        with made.connect(viewer) as conn:  # its level still lets it read
            assert conn.execute("SELECT count(*) FROM asset").fetchone() == (1,)
    finally:
        with made.connect(USER) as conn:
            conn.execute(f'REVOKE ALL ON asset FROM "{other}"')
        made.server.admin(f'DROP ROLE IF EXISTS "{other}"')


def test_a_login_limited_to_departments_changes_only_their_records_on_the_server(
        made: Setup, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    editor = made.logins["editor"]
    owner_url = made.url()
    register = open_register(owner_url)
    with register.session() as session:
        fin = builders.department(session, code="FIN")
        other_asset = builders.asset(session, fin, name="Ledger")
        other_risk = builders.risk(session, fin)
        ids = other_asset.id, other_risk.id, fin.id
        other_ref = other_asset.ref
        commit(session)
    register.close()
    code, _, err = run(capsys, "people", "update", made.names["editor"], "--departments", "ENV",
                       "--db", owner_url)
    assert code == 0, err
    out = apply(capsys, made)
    assert "Department limits (Editor Person (ENV)): the server enforces them" in out
    with made.connect(editor) as conn:
        assert conn.execute("SELECT count(*) FROM asset").fetchone() == (2,)  # all readable
        mine = conn.execute("UPDATE asset SET name = 'Payroll 3' WHERE ref = %s",
                            (made.asset_ref,))
        assert mine.rowcount == 1
    limited = f"{editor} may change only the records of department ENV: "
    assert limited + "UPDATE of asset in department FIN refused." in refused(
        made, editor, f"UPDATE asset SET name = 'Hacked' WHERE id = {ids[0]}")
    assert limited + "UPDATE of asset in department FIN refused." in refused(
        made, editor, f"UPDATE asset SET department_id = {ids[2]} WHERE ref = '{made.asset_ref}'")
    action = ("INSERT INTO treatment_action (risk_id, title, description, status, version, "
              f"created_at, updated_at) VALUES ({ids[1]}, 'Sneak', '', 'open', 1, now(), now())")
    assert limited + "INSERT of treatment_action in department FIN refused." in refused(
        made, editor, action)
    assert limited + "DELETE of risk in department FIN refused." in refused(
        made, editor, f"DELETE FROM risk WHERE id = {ids[1]}")
    # isms, as the same login: its own department's records as before.
    code, _, err = run(capsys, "assets", "update", made.asset_ref, "--name", "Payroll 4",
                       "--db", made.url(editor))
    assert code == 0, err
    with made.connect(USER) as conn:
        names = dict(conn.execute("SELECT ref, name FROM asset").fetchall())
    assert names == {made.asset_ref: "Payroll 4", other_ref: "Ledger"}
    # An import into its department: written by COPY, checked by the server all the same.
    code, _, err = run(capsys, "import", "assets", str(_two_assets(tmp_path / "a.xlsx")),
                       "--department", "ENV", "--db", made.url(editor))
    assert code == 0, err
    assert "nothing to change" in apply(capsys, made)


def test_a_login_limited_to_departments_defers_only_its_departments_actions_on_the_server(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    """A deferral belongs to its action's risk's department (two steps away): the server
    refuses a limited login's deferral of another department's action, moving one there, or
    removing one of it, as isms itself does (issue 17, 3)."""
    from isms.model import ActionDeferral, TreatmentAction

    editor = made.logins["editor"]
    register = open_register(made.url())
    with register.session() as session:
        fin = builders.department(session, code="FIN")
        mine = TreatmentAction(risk_id=made.risk_id, title="Patch the depot PCs")
        theirs = TreatmentAction(risk=builders.risk(session, fin), title="Review ledger access")
        session.add_all([mine, theirs])
        session.flush()
        kept = ActionDeferral(treatment_action_id=theirs.id, to_date=date(2027, 3, 1),
                              reason="Supplier late", deferred_by=USER,
                              deferred_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
        session.add(kept)
        session.flush()
        ids = mine.id, theirs.id, kept.id
        commit(session)
    register.close()
    code, _, err = run(capsys, "people", "update", made.names["editor"], "--departments", "ENV",
                       "--db", made.url())
    assert code == 0, err
    apply(capsys, made)

    def defer(action: int) -> str:
        return ("INSERT INTO action_deferral (treatment_action_id, to_date, reason, "
                f"deferred_by, deferred_at) VALUES ({action}, '2027-02-01', 'Staff away', "
                f"'{editor}', now())")

    with made.connect(editor) as conn:  # its own department's action: as before
        own = conn.execute(defer(ids[0]) + " RETURNING id").fetchone()
    assert own is not None
    limited = f"{editor} may change only the records of department ENV: "
    assert limited + "INSERT of action_deferral in department FIN refused." in refused(
        made, editor, defer(ids[1]))
    assert limited + "UPDATE of action_deferral in department FIN refused." in refused(
        made, editor, f"UPDATE action_deferral SET treatment_action_id = {ids[1]} "
                      f"WHERE id = {own[0]}")
    assert limited + "UPDATE of action_deferral in department FIN refused." in refused(
        made, editor, f"UPDATE action_deferral SET reason = 'Never mind' WHERE id = {ids[2]}")
    assert limited + "DELETE of action_deferral in department FIN refused." in refused(
        made, editor, f"DELETE FROM action_deferral WHERE id = {ids[2]}")
    with made.connect(USER) as conn:
        rows = conn.execute("SELECT treatment_action_id, reason FROM action_deferral "
                            "ORDER BY id").fetchall()
    assert rows == [(ids[1], "Supplier late"), (ids[0], "Staff away")]


def test_a_login_cannot_add_a_change_log_entry_in_someone_elses_name(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor = made.logins["editor"]
    entry = ("INSERT INTO change_log (at, actor, action, table_name, label, changes) "
             "VALUES (now(), '{actor}', 'update', 'asset', 'asset X', '{{}}')")
    message = refused(made, editor, entry.format(actor=made.logins["administrator"]))
    assert f"in the name of {made.logins['administrator']} written by {editor}" in message
    with made.connect(editor) as conn:  # its own name: an entry like those isms writes
        conn.execute(entry.format(actor=editor))
    assert "permission denied for table change_log" in refused(
        made, made.logins["viewer"], entry.format(actor=made.logins["viewer"]))


# --- isms itself, run as each login --------------------------------------------------------------


def test_isms_run_as_each_login_still_does_what_that_level_may(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor, viewer = made.logins["editor"], made.logins["viewer"]
    code, out, err = run(capsys, "assets", "update", made.asset_ref, "--name", "Payroll B",
                         "--db", made.url(editor))
    assert code == 0, err
    code, out, err = run(capsys, "people", "update", made.names["viewer"], "--role",
                         "administrator", "--db", made.url(editor))
    assert code == 1
    assert err.startswith("isms: error: Editor Person may not give Viewer Person the "
                          "administrator role: that needs the administrator role")
    code, out, err = run(capsys, "assets", "update", made.asset_ref, "--name", "X",
                         "--db", made.url(viewer))
    assert code == 1 and "that needs an editing role" in err
    code, out, err = run(capsys, "people", "update", made.names["viewer"], "--role",
                         "risk owner", "--db", made.url(made.logins["administrator"]))
    assert code == 0, err
    code, out, err = run(capsys, "changes", "--json", "--db", made.url(viewer))
    assert code == 0, err
    with made.connect(USER) as conn:
        assert conn.execute("SELECT name FROM asset").fetchall() == [("Payroll B",)]
        actors = {a for (a,) in conn.execute("SELECT actor FROM change_log")}
    assert {editor, made.logins["administrator"]} <= actors
    code, out, err = run(capsys, "audit", "verify", "--db", made.url(viewer))
    assert code == 0, err + out


def test_an_editor_login_runs_a_review_meeting_and_only_the_approver_login_signs_it_off(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor, approver = made.url(made.logins["editor"]), made.url(made.logins["approver"])
    code, out, err = run(capsys, "review", "plan", "--title", "Q1", "--date",
                         date.today().isoformat(), "--chair", made.names["approver"],
                         "--attendee", made.names["editor"], "--db", editor)
    assert code == 0, err
    ref = out.split()[2]
    code, out, err = run(capsys, "review", "start", ref, "--db", editor)
    assert code == 0, err
    items = int(out.split(" started with ")[1].split()[0])
    for position in range(1, items + 1):
        code, _, err = run(capsys, "review", "decide", ref, str(position), "noted", "--db",
                           editor)
        assert code == 0, err
    code, _, err = run(capsys, "review", "complete", ref, "--db", editor)
    assert code == 0, err
    conclusions = [f"--{key}" if n % 2 == 0 else "Agreed" for key in (
        "suitability", "adequacy", "effectiveness", "changes", "resources") for n in range(2)]
    code, _, err = run(capsys, "review", "conclude", ref, *conclusions, "--db", editor)
    assert code == 0, err
    code, _, err = run(capsys, "review", "sign", ref, "--db", editor)
    assert code == 1 and "approver" in err
    code, _, err = run(capsys, "review", "sign", ref, "--db", approver)
    assert code == 0, err
    with made.connect(USER) as conn:
        signed = conn.execute("SELECT m.status, p.username FROM review_meeting m "
                              "JOIN person p ON p.id = m.signed_off_by_id").fetchall()
    assert signed == [("signed off", made.logins["approver"])]


def test_an_acceptance_recorded_by_an_editor_login_counts_once_the_owners_login_confirms_it(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from isms.model import Person, Risk

    register = open_register(made.url())
    with register.session() as session:  # the approver owns the risk, rated within appetite
        risk = session.get(Risk, made.risk_id)
        assert risk is not None
        risk.owner = session.execute(
            select(Person).where(Person.name == made.names["approver"])).scalar_one()
        risk.inherent_likelihood = risk.inherent_impact = 2
        risk.residual_likelihood = risk.residual_impact = 1
        ref = risk.ref
        commit(session)
    register.close()
    apply(capsys, made)
    editor, approver = made.url(made.logins["editor"]), made.url(made.logins["approver"])
    code, out, err = run(capsys, "risks", "accept", ref, "--rationale", "Low", "--db", editor)
    assert code == 0, err
    assert "awaiting Approver Person's confirmation" in out
    code, _, err = run(capsys, "awaiting", "confirm", "1", "--db", editor)
    assert code == 1 and "only Approver Person can, acting as themselves" in err
    code, out, err = run(capsys, "awaiting", "confirm", "1", "--db", approver)
    assert code == 0, err
    with made.connect(USER) as conn:
        assert conn.execute("SELECT state, recorded_by FROM signature").fetchall() == [
            ("confirmed", made.logins["editor"])]
        accepted = conn.execute("SELECT p.username FROM risk_acceptance a "
                                "JOIN person p ON p.id = a.accepted_by_id").fetchall()
    assert accepted == [(made.logins["approver"],)]


# --- the command -------------------------------------------------------------------------------


def test_applying_twice_changes_nothing_and_says_so(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    first = apply(capsys, made)
    assert f'GRANT "isms_{made.database}_editor" TO "{made.logins["editor"]}";' in first
    held = _rights(made)
    second = apply(capsys, made)
    assert "nothing to change" in second
    assert not [line for line in second.splitlines() if not line.startswith("--")]
    assert _rights(made) == held
    code, out, err = run(capsys, "access", "grants", "--json", "--db", made.url())
    assert code == 0, err
    data = json.loads(out)
    assert data["statements"] == []
    by_login = {x["login"]: x for x in data["logins"]}
    assert by_login[made.logins["approver"]]["level"] == "approver"
    assert by_login[made.logins["approver"]]["action"] == "unchanged"
    assert by_login[made.logins["viewer"]]["role"] == f"isms_{made.database}_viewer"


def test_the_plan_grants_each_level_names_missing_logins_and_what_stays_client_side(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    register = open_register(made.url())
    with register.session() as session:  # a name that would end an SQL comment
        builders.person(session, name="Eve\nDROP TABLE asset; --", username=f"{made.missing}2")
        commit(session)
    register.close()
    code, out, err = run(capsys, "access", "grants", "--db", made.url())
    assert code == 0, err
    assert "-- Not applied" in out
    assert "-- Eve\\nDROP TABLE asset; -- (" in out
    assert not [line for line in out.splitlines() if line.startswith("DROP")]
    grants = [line for line in out.splitlines() if line.startswith("GRANT")]
    assert grants[0].endswith(f'TO "isms_{made.database}_viewer";')  # lowest level first
    for level in LEVELS:
        assert f'CREATE ROLE "isms_{made.database}_{level}" NOLOGIN;' in out
        assert f"{made.names[level]} ({made.logins[level]}): {level}, granted" in out
    assert f"CREATE ROLE \"{made.missing}\" LOGIN PASSWORD" in out
    assert "Department limits" not in out  # nobody is limited here
    assert "Enforced by isms only, not by the server: the department limits of records" in out
    # Printing wrote nothing.
    with made.connect(USER) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s",
                            (f"isms_{made.database}_%",)).fetchone() == (0,)


def test_a_login_whose_roles_are_taken_away_loses_its_level_on_the_next_apply(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor = made.logins["editor"]
    admin = made.url(made.logins["administrator"])
    code, _, err = run(capsys, "people", "update", made.names["editor"], "--no-roles",
                       "--db", admin)
    assert code == 0, err
    code, _, err = run(capsys, "people", "update", made.names["approver"], "--left",
                       "--db", admin)
    assert code == 0, err
    out = apply(capsys, made)
    assert f'REVOKE "isms_{made.database}_editor" FROM "{editor}";' in out
    assert f'GRANT "isms_{made.database}_viewer" TO "{editor}";' in out
    assert f'REVOKE "isms_{made.database}_approver" FROM "{made.logins["approver"]}";' in out
    assert "permission denied for table asset" in refused(
        made, editor, "UPDATE asset SET name = 'Again'")
    assert "permission denied for table asset" in refused(
        made, made.logins["approver"], "SELECT name FROM asset")


def test_a_refusal_by_the_server_is_said_in_words_with_what_to_do(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    """Roles changed since the grants were applied: isms allows the change, the server not."""
    apply(capsys, made)
    code, _, err = run(capsys, "people", "update", made.names["viewer"], "--role", "risk owner",
                       "--db", made.url(made.logins["administrator"]))
    assert code == 0, err
    code, out, err = run(capsys, "assets", "update", made.asset_ref, "--name", "Z",
                         "--db", made.url(made.logins["viewer"]))
    assert code == 1
    assert err == ("isms: error: The server refused the change: permission denied for table "
                   "asset. The server's grants give your login less than your roles in the "
                   "register: ask the register's owner to run `isms access grants --apply`. "
                   "Nothing was written.\n")
    apply(capsys, made)
    code, out, err = run(capsys, "assets", "update", made.asset_ref, "--name", "Z",
                         "--db", made.url(made.logins["viewer"]))
    assert code == 0, err


def test_the_windows_transactions_get_the_servers_refusal_as_access_denied(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    """The window saves through ``register.transaction()``: the same words, no crash dialog."""
    from sqlalchemy import select

    from isms.errors import AccessDenied
    from isms.model import Asset

    apply(capsys, made)
    code, _, err = run(capsys, "people", "update", made.names["viewer"], "--role", "risk owner",
                       "--db", made.url(made.logins["administrator"]))
    assert code == 0, err
    register = open_register(made.url(made.logins["viewer"]))
    try:
        with pytest.raises(AccessDenied, match="permission denied for table asset"), \
                register.transaction() as session:
            session.execute(select(Asset)).scalar_one().name = "From the window"
    finally:
        register.close()
    with made.connect(USER) as conn:
        assert conn.execute("SELECT name FROM asset").fetchall() == [("Payroll",)]


def test_only_an_administrator_applies_the_grants(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    code, out, err = run(capsys, "access", "grants", "--apply", "--db",
                         made.url(made.logins["editor"]))
    assert code == 1
    assert "may not set the server's grants: that needs the administrator role" in err


def test_a_register_file_has_no_server_to_enforce_roles(
        register_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "access", "grants", "--db", str(register_path))
    assert code == 1 and out == ""
    assert err.startswith("isms: error: A register file has no server to enforce roles")
    assert len(err.splitlines()) == 1
    code, out, err = run(capsys, "access", "on", "--apply", "--db", str(register_path))
    assert code == 2 and "--apply and --json go with `isms access grants`" in err


def _two_assets(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset name", "Asset type"])
    sheet.append(["Gritting routes", "information"])
    sheet.append(["Tree survey", "information"])
    book.save(path)
    return path


def test_an_editor_login_imports_assets_and_undoes_the_import_through_isms(
        made: Setup, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    apply(capsys, made)
    path = _two_assets(tmp_path / "assets.xlsx")
    editor = made.url(made.logins["editor"])
    code, out, err = run(capsys, "import", "assets", str(path), "--department", "ENV",
                         "--json", "--db", editor)
    assert code == 0, err
    batch = json.loads(out)["batch"]
    with made.connect(USER) as conn:
        assert conn.execute("SELECT count(*) FROM asset").fetchone() == (3,)
    code, out, err = run(capsys, "import", "undo", str(batch), "--db", editor)
    assert code == 0, err
    with made.connect(USER) as conn:
        assert conn.execute("SELECT count(*) FROM asset").fetchone() == (1,)
    code, out, err = run(capsys, "audit", "verify", "--db", made.url(made.logins["viewer"]))
    assert code == 0, err + out


def test_an_upgrade_by_the_owner_works_under_the_grants_and_the_next_apply_covers_new_tables(
        pg_server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    """A register given its grants at revision 0011, then upgraded (0012 adds record_seal, 0013
    action_deferral, 0016 the document register, 0017 the context register, 0018 the
    obligations register) by opening it as the owner: the triggers do not get in the way, the
    new tables are covered."""
    from sqlalchemy import create_engine, inspect

    from isms.db import migrate
    from isms.db.session import RegisterSession
    from isms.services.grants import apply_grants

    database = pg_server.create_empty()
    made = Setup(pg_server, database, {}, {}, "", "")
    engine = create_engine(made.url())
    try:
        migrate.upgrade(engine, "0011")
        with RegisterSession(bind=engine) as session:
            applied = apply_grants(session)
            session.commit()
        assert not [s for s in applied.statements if "record_seal" in s]
        engine.dispose()
        code, out, err = run(capsys, "access", "grants", "--db", made.url())  # upgrades first
        assert code == 0, err
        assert "record_seal" in inspect(engine).get_table_names()
        changes = [line for line in out.splitlines() if not line.startswith("--")]
        assert sorted(changes) == sorted([
            f'GRANT INSERT ON TABLE "record_seal" TO "isms_{database}_editor";',
            f'GRANT USAGE, SELECT, UPDATE ON SEQUENCE "record_seal_id_seq" TO '
            f'"isms_{database}_editor";',
            f'GRANT SELECT ON TABLE "record_seal" TO "isms_{database}_viewer";',
            # 0013's deferral history: a risk's own rows, as its actions.
            f'GRANT INSERT, UPDATE, DELETE ON TABLE "action_deferral" TO '
            f'"isms_{database}_editor";',
            f'GRANT USAGE, SELECT, UPDATE ON SEQUENCE "action_deferral_id_seq" TO '
            f'"isms_{database}_editor";',
            f'GRANT SELECT ON TABLE "action_deferral" TO "isms_{database}_viewer";',
            # ... limited to a login's departments through its action's risk, on the server.
            *[f'CREATE TRIGGER isms_limits_{event.lower()} AFTER {event} ON "public".'
              f'"action_deferral" REFERENCING {seen} FOR EACH STATEMENT EXECUTE FUNCTION '
              f'"public".isms_department_limits();'
              for event, seen in (("INSERT", "NEW TABLE AS isms_new"),
                                  ("UPDATE", "OLD TABLE AS isms_old NEW TABLE AS isms_new"),
                                  ("DELETE", "OLD TABLE AS isms_old"))],
            # 0014's conclusions: a meeting's columns an editor writes (not the signer's).
            f'GRANT UPDATE ("conclusion_adequacy", "conclusion_changes", '
            f'"conclusion_effectiveness", "conclusion_resources", "conclusion_suitability") '
            f'ON TABLE "review_meeting" TO "isms_{database}_editor";',
            # 0016's document register: an editor writes a document but its approval, which
            # only an approver sets; documents are withdrawn, not deleted; controls linked freely.
            f'GRANT INSERT ON TABLE "controlled_document" TO "isms_{database}_editor";',
            f'GRANT UPDATE ("created_at", "department_id", "file_name", "id", "kind", '
            f'"next_review", "owner_id", "ref", "review_months", "sha256", "size_bytes", '
            f'"status", "stored_name", "summary", "title", "updated_at", "url", "version", '
            f'"version_label") ON TABLE "controlled_document" TO "isms_{database}_editor";',
            f'GRANT UPDATE ("approved_by_id", "approved_on") ON TABLE "controlled_document" '
            f'TO "isms_{database}_approver";',
            f'GRANT DELETE ON TABLE "controlled_document" TO "isms_{database}_administrator";',
            f'GRANT SELECT ON TABLE "controlled_document" TO "isms_{database}_viewer";',
            f'GRANT USAGE, SELECT, UPDATE ON SEQUENCE "controlled_document_id_seq" TO '
            f'"isms_{database}_editor";',
            f'GRANT INSERT, UPDATE, DELETE ON TABLE "document_control" TO '
            f'"isms_{database}_editor";',
            f'GRANT SELECT ON TABLE "document_control" TO "isms_{database}_viewer";',
            # 0017's context register: issues, parties and requirements are retired, not
            # deleted; the controls answering a requirement are relinked freely.
            *[grant for table in ("context_issue", "interested_party", "party_requirement")
              for grant in (
                  f'GRANT INSERT, UPDATE ON TABLE "{table}" TO "isms_{database}_editor";',
                  f'GRANT DELETE ON TABLE "{table}" TO "isms_{database}_administrator";',
                  f'GRANT SELECT ON TABLE "{table}" TO "isms_{database}_viewer";',
                  f'GRANT USAGE, SELECT, UPDATE ON SEQUENCE "{table}_id_seq" TO '
                  f'"isms_{database}_editor";')],
            f'GRANT INSERT, UPDATE, DELETE ON TABLE "requirement_control" TO '
            f'"isms_{database}_editor";',
            f'GRANT SELECT ON TABLE "requirement_control" TO "isms_{database}_viewer";',
            # 0018's obligations register: obligations are retired, not deleted; the controls
            # meeting one and the evidence showing it are relinked freely.
            f'GRANT INSERT, UPDATE ON TABLE "obligation" TO "isms_{database}_editor";',
            f'GRANT DELETE ON TABLE "obligation" TO "isms_{database}_administrator";',
            f'GRANT SELECT ON TABLE "obligation" TO "isms_{database}_viewer";',
            f'GRANT USAGE, SELECT, UPDATE ON SEQUENCE "obligation_id_seq" TO '
            f'"isms_{database}_editor";',
            *[grant for table in ("obligation_control", "obligation_evidence")
              for grant in (
                  f'GRANT INSERT, UPDATE, DELETE ON TABLE "{table}" TO '
                  f'"isms_{database}_editor";',
                  f'GRANT SELECT ON TABLE "{table}" TO "isms_{database}_viewer";')],
        ])
    finally:
        engine.dispose()
        pg_server.drop(database)
        for name in made.groups:
            pg_server.admin(f'DROP ROLE IF EXISTS "{name}"')


def test_each_level_gets_the_rights_of_its_tables_and_the_append_only_ones_no_more() -> None:
    """The levels' rights worked out for a catalogue with the seal table of migration 0012."""
    from isms.db.grant_catalog import Catalog
    from isms.db.grants import wanted

    catalog = Catalog(
        database="reg", schema="public", owner="owner",
        tables={"asset": ("id", "name"), "person_role": ("person_id", "role"),
                "change_log": ("id", "actor"), "record_seal": ("id", "digest"),
                "risk_acceptance": ("id", "approved_by_id", "approved_at", "rationale")},
        sequences=["asset_id_seq"], privileges=set(), roles={}, members=set(), triggers=set(),
        functions={})
    rights = {(r.role.removeprefix("isms_reg_"), r.target, r.privilege, r.column)
              for r in wanted(catalog) if r.kind == "table"}
    for append_only in ("change_log", "record_seal"):
        assert {(role, p) for role, t, p, _ in rights if t == append_only} == {
            ("viewer", "SELECT"), ("editor", "INSERT")}
    assert {(role, p) for role, t, p, _ in rights if t == "person_role"} == {
        ("viewer", "SELECT"), ("administrator", "INSERT"), ("administrator", "UPDATE"),
        ("administrator", "DELETE")}
    assert {(role, p) for role, t, p, _ in rights if t == "asset"} == {
        ("viewer", "SELECT"), ("editor", "INSERT"), ("editor", "UPDATE"), ("editor", "DELETE")}
    updates = {(role, c) for role, t, p, c in rights if t == "risk_acceptance" and p == "UPDATE"}
    assert updates == {("editor", "id"), ("editor", "rationale"),
                       ("approver", "approved_by_id"), ("approver", "approved_at")}


def test_an_owner_that_is_no_superuser_applies_the_grants_and_its_own_writes_still_work(
        pg_server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    """The usual set-up: a login that may create roles owns the database and made the
    register; another administrator's login may not create roles, and is told who can."""
    tag = uuid.uuid4().hex[:8]
    owner, editor, admin = f"g{tag}_owner", f"g{tag}_editor", f"g{tag}_admin"
    database = f"isms_grants_{tag}"
    pg_server.admin(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    for login in (editor, admin):
        pg_server.admin(f'CREATE ROLE "{login}" LOGIN')
    pg_server.admin(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    made = Setup(pg_server, database, {"editor": editor, "administrator": admin}, {}, "", "")
    try:
        code, _, err = run(capsys, "init", "--db", made.url(owner))
        assert code == 0, err
        for name, login, role in (("Ed", editor, "risk owner"), ("Ada", admin, "administrator")):
            code, _, err = run(capsys, "people", "add", name, "--username", login, "--role",
                               role, "--db", made.url(owner))
            assert code == 0, err
        apply_as_owner = ("access", "grants", "--apply", "--db", made.url(owner))
        code, out, err = run(capsys, *apply_as_owner)
        assert code == 0, err
        assert f"Ed ({editor}): editor, granted isms_{database}_editor" in out
        code, out, err = run(capsys, *apply_as_owner)
        assert code == 0 and "nothing to change" in out
        code, out, err = run(capsys, "audit", "verify", "--db", made.url(editor))
        assert code == 0, err + out
        # The administrator's login gives a role out, then cannot pass it to the server.
        code, _, err = run(capsys, "people", "update", "Ed", "--role", "approver",
                           "--db", made.url(admin))
        assert code == 0, err
        code, out, err = run(capsys, "access", "grants", "--apply", "--db", made.url(admin))
        assert code == 1
        assert (f'The server refused `REVOKE "isms_{database}_editor" FROM "{editor}"`: '
                "must have admin option") in err
        assert "Run `isms access grants --apply` as the register's owner" in err
        code, out, err = run(capsys, *apply_as_owner)
        assert code == 0, err
        assert f'REVOKE "isms_{database}_editor" FROM "{editor}";' in out
        code, _, err = run(capsys, "people", "add", "Bo", "--db", made.url(owner))
        assert code == 0, err
        assert "The change log is append-only" in refused(made, owner, "DELETE FROM change_log")
        assert "permission denied for table person" in refused(
            made, editor, "UPDATE person SET name = 'Eve'")
    finally:
        pg_server.drop(database)
        for name in [editor, admin, owner, *made.groups]:
            pg_server.admin(f'DROP ROLE IF EXISTS "{name}"')
