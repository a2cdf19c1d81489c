"""`isms audit verify` replays the change log (and the bulk writes' seals) against the tables:
a row changed, removed or added behind the application's back is named; a register written
only through isms, by every kind of write, verifies clean; an empty log is refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from isms.db import Register
from isms.db.row_form import row_form
from isms.demo import build_demo
from isms.model import Asset, AssetStatus, AssetType, Department, Person, PersonRole, Risk
from isms.model.audit import ChangeLogEntry, RecordSeal
from isms.services.read.lists import change_summary
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends


@pytest.fixture
def demo(register: Register) -> Register:
    build_demo(register, assets=40)
    return register


def verify(capsys: pytest.CaptureFixture[str], db: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "audit", "verify", "--db", db, "--json")
    assert not err
    return code, json.loads(out)


def sql(register: Register, statement: str, **params: Any) -> None:
    """A change made behind the app's back: plain SQL on the database, no isms session."""
    with register.engine.begin() as connection:
        connection.execute(text(statement), params)


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return out


def csv(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def first_asset(register: Register, department: str) -> tuple[int, str]:
    with register.session() as session:
        row = session.execute(
            select(Asset.id, Asset.ref).join(Department).where(Department.code == department)
            .order_by(Asset.id).limit(1)).one()
    return int(row.id), str(row.ref)


def test_a_register_written_only_through_isms_verifies_clean(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = register_db
    code, result = verify(capsys, db)
    assert code == 0, result["records"]["problems"]
    assert result["records"]["checked"] > 40
    # Edits through the ORM, and a recorded save taken back.
    ok(capsys, "assets", "add", "--db", db, "Payroll", "--department", "FIN",
       "--confidentiality", "3")
    _, ref = first_asset(demo, "FIN")
    ok(capsys, "assets", "update", "--db", db, ref, "--location", "Basement",
       "--confidentiality", "5")
    ok(capsys, "revert", "--db", db, "1")
    # An import of new and changed assets (written in bulk and sealed), undone, and again.
    source = csv(tmp_path, "assets.csv", ["Ref,Name,Confidentiality",
                                           f"{ref},Renamed by import,1", ",Fresh asset,2"])
    ok(capsys, "import", "assets", source, "--db", db, "--department", "FIN")
    code, result = verify(capsys, db)
    assert code == 0, result["records"]["problems"]
    ok(capsys, "import", "undo", "--db", db, "1")
    code, result = verify(capsys, db)
    assert code == 0, result["records"]["problems"]
    ok(capsys, "import", "assets", source, "--db", db, "--department", "FIN")
    # An asset the import changed, then edited through isms (its seal, then a logged save).
    ok(capsys, "assets", "update", "--db", db, ref, "--location", "Annex")
    ok(capsys, "assets", "retire", "--db", db, ref)
    code, result = verify(capsys, db)
    assert code == 0, result["records"]["problems"]
    assert result["records"]["untracked"] == 0 and result["records"]["unverifiable"] == 0


def test_roles_risks_and_review_decisions_leave_no_false_alarm(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = register_db
    with demo.session() as session:
        person = session.execute(select(Person).join(PersonRole).group_by(Person.id).having(
            func.count() > 1).order_by(Person.id).limit(1)).scalar_one()
        name, risk = person.name, session.execute(
            select(Risk.ref).order_by(Risk.id).limit(1)).scalar_one()
    # A role taken off a person's list is deleted by the flush as an orphan: logged too.
    ok(capsys, "people", "update", "--db", db, name, "--role", "smg member")
    ok(capsys, "risks", "score", "--db", db, risk, "--residual", "1", "2")
    ok(capsys, "risks", "treat", "--db", db, risk, "--option", "modify", "--control", "8.7",
       "--action", "Patch the servers", "--owner", name, "--due", "2027-03-01")
    today = date.today().isoformat()
    ok(capsys, "review", "plan", "--db", db, "--title", "SMG", "--date", today, "--chair", name,
       "--attendee", name)
    meeting = f"SMG-{today}"
    ok(capsys, "review", "start", "--db", db, meeting)
    agenda = json.loads(ok(capsys, "review", "agenda", "--db", db, meeting, "--json"))
    noted = [item["position"] for item in agenda if "noted" in item["allowed"]][:3]
    assert noted
    for position in noted:
        ok(capsys, "review", "decide", "--db", db, meeting, str(position), "noted", "--note",
           "seen")
    code, result = verify(capsys, db)
    assert code == 0, result["records"]["problems"]


def test_a_direct_update_of_an_asset_is_named_with_its_ref_and_field(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "assets", "add", "--db", register_db, "Payroll", "--department", "FIN",
       "--confidentiality", "3", "--ref", "FIN-9001")
    sql(demo, "UPDATE asset SET confidentiality = 5 WHERE ref = 'FIN-9001'")
    code, result = verify(capsys, register_db)
    assert code == 1
    [found] = result["records"]["mismatches"]
    assert (found["label"], found["fields"]) == ("asset FIN-9001", ["confidentiality"])
    assert found["problem"] == ("confidentiality is 5, the log recorded 3 (changed outside "
                                "isms)")
    code, out, _ = run(capsys, "audit", "verify", "--db", register_db)
    assert code == 1
    assert "Records do NOT match the change log:\n  - asset FIN-9001 (asset " in out
    code, out, _ = run(capsys, "db", "check", "--db", register_db)
    assert code == 1 and "  records: asset FIN-9001 (asset " in out


def test_the_change_list_leaves_the_logs_own_keys_out() -> None:
    assert change_summary("update", {"location": ["", "Vault"], "_row": "ab12"}) == "location"
    assert change_summary("insert", {"name": "x", "ref": "y", "_row": "ab12"}) == (
        "created (2 fields)")


def test_a_direct_update_of_an_imported_or_demo_asset_is_named(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "import", "assets", csv(tmp_path, "a.csv", ["Name,Confidentiality", "Mail,2"]),
       "--db", register_db, "--department", "FIN")
    with demo.session() as session:
        imported = session.execute(select(Asset.ref).where(
            Asset.import_batch_id.is_not(None))).scalar_one()
    demo_id, demo_ref = first_asset(demo, "ASC")
    sql(demo, "UPDATE asset SET name = 'Changed' WHERE ref = :ref", ref=imported)
    sql(demo, "UPDATE asset SET personal_data = :no, special_category = :no WHERE id = :id",
        id=demo_id, no=False)
    sql(demo, "UPDATE asset SET location = 'Elsewhere' WHERE id = :id", id=demo_id)
    code, result = verify(capsys, register_db)
    assert code == 1
    named = {m["label"]: m["problem"] for m in result["records"]["mismatches"]}
    assert set(named) == {f"asset {demo_ref}", f"asset {imported}"}
    assert named[f"asset {imported}"].startswith("its values differ from those recorded when "
                                                 "it was written in bulk")


def test_a_row_removed_or_added_outside_isms_is_named(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "departments", "add", "--db", register_db, "TMP", "Temporary")
    sql(demo, "DELETE FROM department WHERE code = 'TMP'")
    sql(demo, "INSERT INTO department (id, code, name, in_scope, accreditation_status, "
              "description, version, created_at, updated_at) VALUES (9999, 'ZZZ', 'Sneaky', "
              ":yes, 'not started', '', 1, :now, :now)", yes=True, now=datetime.now(UTC))
    code, result = verify(capsys, register_db)
    assert code == 1
    named = {m["label"]: m["problem"] for m in result["records"]["mismatches"]}
    assert named["department ZZZ"] == "in no change-log entry and no seal: added outside isms"
    assert named["department TMP"].startswith("missing: the log recorded it")


def test_an_empty_log_on_a_register_holding_records_is_refused(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(demo, "DELETE FROM change_log")
    code, result = verify(capsys, register_db)
    assert code == 1
    assert result["intact"] is True  # nothing left to contradict the chain
    problems = result["records"]["problems"]
    assert problems[0].startswith("the change log is empty but the register holds ")
    # The demo's seals are left, naming an event that is gone.
    assert all("which records no sealed bulk write" in p for p in problems[1:])


def test_removing_the_last_entries_is_named_by_the_records_they_described(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "assets", "add", "--db", register_db, "Payroll", "--department", "FIN",
       "--ref", "FIN-9001")
    ok(capsys, "assets", "update", "--db", register_db, "FIN-9001", "--location", "Vault")
    with demo.session() as session:
        last = session.execute(select(ChangeLogEntry.id).where(
            ChangeLogEntry.label == "asset FIN-9001").order_by(
            ChangeLogEntry.id.desc()).limit(1)).scalar_one()
    sql(demo, "DELETE FROM change_log WHERE id >= :last", last=last)
    code, result = verify(capsys, register_db)
    assert code == 1 and result["intact"] is True
    [found] = result["records"]["mismatches"]
    assert found["label"] == "asset FIN-9001" and found["fields"] == ["location"]


def test_a_seal_changed_outside_isms_is_named(
    demo: Register, register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_id, _ = first_asset(demo, "ASC")
    # Someone changes a demo asset and re-seals it to match: the demo's event disagrees.
    sql(demo, "UPDATE asset SET location = 'Elsewhere' WHERE id = :id", id=demo_id)
    with demo.engine.connect() as connection:
        [digest] = row_form(Asset.__table__).read(connection, [(demo_id,)]).values()
    with demo.engine.connect() as connection:
        seal_id, ids, digests = connection.execute(
            select(RecordSeal.id, RecordSeal.record_ids, RecordSeal.digests)
            .where(RecordSeal.table_name == "asset")).one()
    at = ids.index(str(demo_id)) * 64  # the demo's seals list their records
    sql(demo, "UPDATE record_seal SET digests = :d WHERE id = :id",
        d=digests[:at] + digest + digests[at + 64:], id=seal_id)
    code, result = verify(capsys, register_db)
    assert code == 1 and result["records"]["mismatches"] == []
    [problem] = result["records"]["seal_problems"]
    assert "demo register built" in problem and "seals were changed" in problem


def test_digests_of_values_written_equal_digests_of_rows_read_back(register: Register) -> None:
    """The import seals rows from the values it writes (no read back): the same digests."""
    form = row_form(Asset.__table__)
    with register.transaction() as session:
        department = Department(code="FIN", name="Finance")
        session.add(department)
        session.flush()
        values = {"id": 500, "ref": "FIN-0500", "name": "Ledger ’24", "asset_type":
                  AssetType.SOFTWARE, "description": "", "department_id": department.id,
                  "location": "", "personal_data": True, "special_category": False,
                  "status": AssetStatus.ACTIVE, "next_review": date(2027, 1, 31),
                  "retired_at": datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
                  "confidentiality": 4}
        session.add(Asset(**values))
        session.flush()
        written = form.digests({k: [v] for k, v in values.items()}, 1)
        [read] = form.read(session.connection(), [(500,)]).values()
    assert written == [read] == [form.digest_of(values)]


def test_a_value_of_a_subclass_digests_as_its_plain_value() -> None:
    """A text column given an enum or another str subclass digests as its plain text, row by
    row and column by column (marshal refuses subclasses: the careful path takes over)."""

    class Text(str):
        pass

    form = row_form(Asset.__table__)
    plain = {"id": 7, "ref": "FIN-0007", "name": "Ledger", "asset_type": "software",
             "status": "active", "personal_data": True}
    odd = {**plain, "name": Text("Ledger"), "ref": Text("FIN-0007")}
    assert form.digests({k: [v] for k, v in odd.items()}, 1) == [form.digest_of(plain)]
    assert form.digest_of(odd) == form.digest_of(plain)
    # A flag given as 1 digests as True (1 and True are one key to the column's spelling).
    flags = {"id": [1, 2], "personal_data": [True, 1], "special_category": [0, False]}
    assert form.digests(flags, 2) == [
        form.digest_of({"id": i, "personal_data": True, "special_category": False})
        for i in (1, 2)]
