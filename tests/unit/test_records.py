"""Editing treatment actions, SoA entries, evidence and handling practices through
isms.services.records, on real register files: the rules, the field each error names, and what
is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    AccreditationStatus,
    ActionStatus,
    Applicability,
    ChangeLogEntry,
    Department,
    Evidence,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    ImplementationStatus,
    Person,
    Role,
    SoaEntry,
    TreatmentAction,
)
from isms.services import evidence, records, risks
from isms.services.read import queries
from tests import builders

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends
#: Attached evidence files live beside a register file; server registers have no file store yet.
FILE_STORE = pytest.mark.sqlite_only(reason="evidence files need the register's file store")

DAY = date(2026, 3, 2)


@dataclass(frozen=True)
class Ids:
    department: int
    owner: int
    leaver: int
    action: int
    control: int  # 5.15
    other_control: int  # 8.12


@pytest.fixture
def ids(register: Register) -> Ids:
    with register.session(actor="tests") as session:
        dept = builders.department(session)
        owner = builders.person(session, name="Olive Owner")
        leaver = builders.person(session, name="Len Leaver", active=False)
        risk = builders.risk(session, dept)
        action = risks.add_action(risk, "Encrypt laptops")
        session.flush()
        result = Ids(dept.id, owner.id, leaver.id, action.id,
                     queries.control_by_ref(session, "5.15").id,
                     queries.control_by_ref(session, "8.12").id)
        commit(session)
    return result


# --- treatment actions ----------------------------------------------------------------------


def test_an_action_is_updated_and_done_records_completion(register: Register, ids: Ids) -> None:
    with register.transaction(actor="tests") as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        records.update_action(session, action, title="  Encrypt all laptops ",
                              description="BitLocker", owner_id=ids.owner,
                              due_date=date(2026, 6, 30), status="done", today=DAY)
    with register.session() as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        assert (action.title, action.description, action.owner_id) == (
            "Encrypt all laptops", "BitLocker", ids.owner)
        assert (action.due_date, action.status, action.completed_on) == (
            date(2026, 6, 30), ActionStatus.DONE, DAY)
        assert action.version == 2
        logged = session.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "treatment_action")).scalars().all()
        assert logged, "the change is in the change log"
    with register.transaction(actor="tests") as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        records.update_action(session, action, status=ActionStatus.IN_PROGRESS)
        assert action.completed_on is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"),
    ({"status": "finished"}, "status"),
    ({"owner_id": -1}, "owner_id"),
])
def test_a_bad_action_field_is_named(
    register: Register, ids: Ids, fields: dict[str, object], field: str
) -> None:
    with register.session() as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        with pytest.raises(ValidationError) as error:
            records.update_action(session, action, **fields)
        assert error.value.field == field


def test_a_leaver_cannot_be_given_an_action(register: Register, ids: Ids) -> None:
    with register.session() as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        with pytest.raises(ValidationError, match="Len Leaver has left") as error:
            records.update_action(session, action, owner_id=ids.leaver)
        assert error.value.field == "owner_id"


def test_an_unknown_field_is_a_programming_error(register: Register, ids: Ids) -> None:
    with register.session() as session:
        action = session.get(TreatmentAction, ids.action)
        assert action is not None
        with pytest.raises(TypeError, match="risk_id"):
            records.update_action(session, action, risk_id=1)


# --- SoA ------------------------------------------------------------------------------------


def entry_of(register: Register, ids: Ids, control: int | None = None) -> SoaEntry | None:
    with register.session() as session:
        entry = records.soa_entry(session, ids.department, control or ids.control)
        if entry is not None:
            session.expunge(entry)
        return entry


def test_saving_creates_the_entry_then_updates_it(register: Register, ids: Ids) -> None:
    assert entry_of(register, ids) is None
    with register.transaction(actor="tests") as session:
        records.save_soa_entry(
            session, ids.department, ids.control, reasons=["risk assessment", "legal", "legal"],
            inclusion_note="UK GDPR", implementation_status="planned",
            target_date=date(2026, 9, 1), owner_id=ids.owner, last_review=DAY,
            next_review=date(2027, 3, 2), implementation="Role-based access in every system")
    entry = entry_of(register, ids)
    assert entry is not None
    assert entry.applicability == Applicability.APPLICABLE
    assert entry.reasons == ["legal", "risk assessment"]  # in the vocabulary's order, once
    assert (entry.implementation_status, entry.target_date, entry.owner_id) == (
        ImplementationStatus.PLANNED, date(2026, 9, 1), ids.owner)
    assert entry.version == 1

    with register.transaction(actor="tests") as session:
        records.save_soa_entry(
            session, ids.department, ids.control, applicability=Applicability.EXCLUDED,
            exclusion_justification="  No shared systems  ", decided_by_id=ids.owner,
            decided_on=DAY)
    entry = entry_of(register, ids)
    assert entry is not None
    assert (entry.applicability, entry.exclusion_justification, entry.decided_by_id,
            entry.decided_on) == (Applicability.EXCLUDED, "No shared systems", ids.owner, DAY)
    assert entry.inclusion_note == "UK GDPR"  # fields not given are left alone
    assert entry.version == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"applicability": "excluded"}, "exclusion_justification"),
    ({"applicability": "excluded", "exclusion_justification": "   "}, "exclusion_justification"),
    ({"implementation_status": "planned"}, "target_date"),
    ({"reasons": ["because"]}, "reasons"),
    ({"applicability": "maybe"}, "applicability"),
    ({"implementation_status": "nearly"}, "implementation_status"),
    ({"last_review": DAY, "next_review": date(2026, 1, 1)}, "next_review"),
])
def test_soa_rules_name_the_field_and_save_nothing(
    register: Register, ids: Ids, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error, \
            register.transaction(actor="tests") as session:
        records.save_soa_entry(session, ids.department, ids.control, **fields)
    assert error.value.field == field
    assert entry_of(register, ids) is None


def test_the_control_owner_must_be_active(register: Register, ids: Ids) -> None:
    with pytest.raises(ValidationError, match="has left") as error, \
            register.transaction(actor="tests") as session:
        records.save_soa_entry(session, ids.department, ids.control, owner_id=ids.leaver)
    assert error.value.field == "owner_id"


def test_an_unchanged_leaver_does_not_block_other_edits(register: Register, ids: Ids) -> None:
    with register.transaction(actor="tests") as session:
        entry = records.save_soa_entry(session, ids.department, ids.control)
        entry.owner_id = ids.leaver  # owned before they left
    with register.transaction(actor="tests") as session:
        records.save_soa_entry(session, ids.department, ids.control, owner_id=ids.leaver,
                               implementation="Documented")
    entry = entry_of(register, ids)
    assert entry is not None and entry.implementation == "Documented"


def test_only_current_controls_and_real_departments(register: Register, ids: Ids) -> None:
    with register.session() as session:
        old = queries.control_by_ref(session, "A.9.2.1").id
        with pytest.raises(ValidationError) as error:
            records.save_soa_entry(session, ids.department, old)
        assert error.value.field == "control_id"
        with pytest.raises(ValidationError) as error:
            records.save_soa_entry(session, -5, ids.control)
        assert error.value.field == "department_id"


# --- evidence -------------------------------------------------------------------------------


@pytest.fixture
def attached(register: Register, ids: Ids, tmp_path: Path) -> int:
    source = tmp_path / "patching.csv"
    source.write_text("host,patched\nweb1,yes\n")
    with register.transaction(actor="tests") as session:
        assert records.next_evidence_ref(session) == "EV-0001"
        item = evidence.attach_file(
            session, evidence.evidence_dir(register.location), source, ref="EV-0001",
            title="Patch report", evidence_date=DAY, controls=[ids.control])
        assert records.next_evidence_ref(session) == "EV-0002"
        return item.id


@FILE_STORE
def test_evidence_is_updated(register: Register, ids: Ids, attached: int) -> None:
    with register.transaction(actor="tests") as session:
        item = session.get(Evidence, attached)
        assert item is not None
        records.update_evidence(
            session, item, title=" Patch compliance report ", description="Monthly",
            evidence_date=date(2026, 3, 1), period_start=date(2026, 2, 1),
            period_end=date(2026, 2, 28), valid_days=31,
            controls=[ids.other_control, ids.control])
    with register.session() as session:
        item = session.get(Evidence, attached)
        assert item is not None
        assert (item.title, item.description, item.evidence_date, item.valid_days) == (
            "Patch compliance report", "Monthly", date(2026, 3, 1), 31)
        assert (item.period_start, item.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
        assert sorted(c.ref for c in item.controls) == ["5.15", "8.12"]
        assert item.file_name == "patching.csv" and item.version == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": ""}, "title"),
    ({"evidence_date": None}, "evidence_date"),
    ({"period_start": date(2026, 3, 1), "period_end": date(2026, 2, 1)}, "period_end"),
    ({"valid_days": 0}, "valid_days"),
    ({"controls": [-3]}, "controls"),
])
@FILE_STORE
def test_bad_evidence_fields_are_named(
    register: Register, attached: int, fields: dict[str, object], field: str
) -> None:
    with register.session() as session:
        item = session.get(Evidence, attached)
        assert item is not None
        with pytest.raises(ValidationError) as error:
            records.update_evidence(session, item, **fields)
        assert error.value.field == field


@FILE_STORE
def test_relinking_controls_alone_moves_the_version(
    register: Register, ids: Ids, attached: int
) -> None:
    with register.transaction(actor="tests") as session:
        item = session.get(Evidence, attached)
        assert item is not None
        records.update_evidence(session, item, controls=[ids.other_control])
    with register.session() as session:
        item = session.get(Evidence, attached)
        assert item is not None
        assert [c.ref for c in item.controls] == ["8.12"] and item.version == 2


# --- handling practices ---------------------------------------------------------------------


@pytest.fixture
def practice(register: Register, ids: Ids) -> int:
    with register.transaction(actor="tests") as session:
        dept = session.get(Department, ids.department)
        assert dept is not None
        item = HandlingPractice(asset=builders.asset(session, dept),
                                stage=HandlingStage.TRANSFERRED,
                                channel=HandlingChannel.EMAIL, safeguards=["marked"])
        session.add(item)
        session.flush()
        return item.id


def stored_practice(register: Register, practice_id: int) -> HandlingPractice:
    with register.session() as session:
        item = session.get(HandlingPractice, practice_id)
        assert item is not None
        session.expunge(item)
        return item


def test_a_practice_is_updated(register: Register, practice: int) -> None:
    with register.transaction(actor="tests") as session:
        item = session.get(HandlingPractice, practice)
        assert item is not None
        records.update_practice(
            session, item, stage="shared", channel="secure e-mail",
            safeguards=["agreement", "encrypted", "encrypted"], description=" Monthly feed ",
            third_party=" NHS Trust ", has_agreement=True, retention_months=0, offshore=True)
    item = stored_practice(register, practice)
    assert (item.stage, item.channel, item.safeguards) == (
        HandlingStage.SHARED, HandlingChannel.SECURE_EMAIL, ["encrypted", "agreement"])
    assert (item.description, item.third_party, item.has_agreement) == (
        "Monthly feed", "NHS Trust", True)
    assert (item.retention_months, item.offshore, item.version) == (0, True, 2)

    with register.transaction(actor="tests") as session:
        item = session.get(HandlingPractice, practice)
        assert item is not None
        records.update_practice(session, item, stage="stored", channel=None,
                                has_agreement=None, retention_months=None)
    item = stored_practice(register, practice)
    assert (item.stage, item.channel, item.has_agreement, item.retention_months) == (
        HandlingStage.STORED, None, None, None)
    assert item.third_party == "NHS Trust"  # fields not given are left alone


@pytest.mark.parametrize(("fields", "field"), [
    ({"safeguards": ["encrypted", "shredded"]}, "safeguards"),
    ({"stage": "stored"}, "channel"),  # still by e-mail
    ({"channel": "pigeon"}, "channel"),
    ({"stage": "lost"}, "stage"),
    ({"retention_months": -1}, "retention_months"),
])
def test_bad_practice_fields_are_named_and_nothing_is_saved(
    register: Register, practice: int, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error, \
            register.transaction(actor="tests") as session:
        item = session.get(HandlingPractice, practice)
        assert item is not None
        records.update_practice(session, item, **fields)
    assert error.value.field == field
    assert stored_practice(register, practice).version == 1


def test_an_unknown_practice_field_is_a_programming_error(
    register: Register, practice: int
) -> None:
    with register.session() as session:
        item = session.get(HandlingPractice, practice)
        assert item is not None
        with pytest.raises(TypeError, match="asset_id"):
            records.update_practice(session, item, asset_id=1)


# --- people and departments -----------------------------------------------------------------


def stored_person(register: Register, person_id: int) -> tuple[Person, set[Role]]:
    with register.session() as session:
        person = session.get(Person, person_id)
        assert person is not None
        roles = person.roles
        session.expunge(person)
        return person, roles


def test_a_person_is_updated(register: Register, ids: Ids) -> None:
    with register.transaction(actor="tests") as session:
        person = session.get(Person, ids.owner)
        assert person is not None
        records.update_person(session, person, name=" Olive Oyl ", email=" Olive@Council.Example ",
                              department_id=ids.department, roles=["risk owner", Role.SIRO],
                              active=False)
    person, roles = stored_person(register, ids.owner)
    assert (person.name, person.email, person.department_id, person.active) == (
        "Olive Oyl", "Olive@Council.Example", ids.department, False)
    assert roles == {Role.RISK_OWNER, Role.SIRO}
    assert person.version == 2

    with register.transaction(actor="tests") as session:
        person = session.get(Person, ids.owner)
        assert person is not None
        records.update_person(session, person, roles=[Role.SIRO], email="", department_id=None)
    person, roles = stored_person(register, ids.owner)
    assert (roles, person.email, person.department_id) == ({Role.SIRO}, None, None)
    assert person.version == 3, "a change of roles alone moves the version"


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "  "}, "name"),
    ({"email": "olive at council"}, "email"),
    ({"email": "LEN@example.org"}, "email"),  # Len Leaver's, in another case
    ({"department_id": -1}, "department_id"),
    ({"roles": ["chief"]}, "roles"),
])
def test_bad_person_fields_are_named_and_nothing_is_saved(
    register: Register, ids: Ids, fields: dict[str, object], field: str
) -> None:
    with register.transaction(actor="tests") as session:
        leaver = session.get(Person, ids.leaver)
        assert leaver is not None
        leaver.email = "len@example.org"
    with pytest.raises(ValidationError) as error, \
            register.transaction(actor="tests") as session:
        person = session.get(Person, ids.owner)
        assert person is not None
        records.update_person(session, person, **fields)
    assert error.value.field == field
    assert stored_person(register, ids.owner)[0].version == 1


@pytest.fixture
def tree(register: Register, ids: Ids) -> tuple[int, int, int]:
    """(council, service, team): each under the one before."""
    with register.transaction(actor="tests") as session:
        council = session.get(Department, ids.department)
        assert council is not None
        service = builders.department(session, parent=council)
        team = builders.department(session, parent=service)
        return council.id, service.id, team.id


def stored_department(register: Register, department_id: int) -> Department:
    with register.session() as session:
        department = session.get(Department, department_id)
        assert department is not None
        session.expunge(department)
        return department


def test_a_department_is_updated(register: Register, tree: tuple[int, int, int]) -> None:
    council, service, team = tree
    with register.transaction(actor="tests") as session:
        department = session.get(Department, team)
        assert department is not None
        records.update_department(
            session, department, code=" HR ", name=" Human Resources ", parent_id=council,
            in_scope=False, accreditation_status="in progress", description=" People ")
    saved = stored_department(register, team)
    assert (saved.code, saved.name, saved.parent_id, saved.in_scope) == (
        "HR", "Human Resources", council, False)
    assert (saved.accreditation_status, saved.description, saved.version) == (
        AccreditationStatus.IN_PROGRESS, "People", 2)
    with register.transaction(actor="tests") as session:
        department = session.get(Department, team)
        assert department is not None
        records.update_department(session, department, parent_id=None)
    assert stored_department(register, team).parent_id is None


@pytest.mark.parametrize("under", ["itself", "child", "grandchild"])
def test_a_department_cannot_become_its_own_ancestor(
    register: Register, tree: tuple[int, int, int], under: str
) -> None:
    council, service, team = tree
    parent = {"itself": council, "child": service, "grandchild": team}[under]
    with pytest.raises(ValidationError, match="own ancestor") as error, \
            register.transaction(actor="tests") as session:
        department = session.get(Department, council)
        assert department is not None
        records.update_department(session, department, parent_id=parent)
    assert error.value.field == "parent_id"
    saved = stored_department(register, council)
    assert (saved.parent_id, saved.version) == (None, 1)


@pytest.mark.parametrize(("fields", "field"), [
    ({"code": " "}, "code"),
    ({"name": ""}, "name"),
    ({"code": "x" * 17}, "code"),
    ({"parent_id": -1}, "parent_id"),
    ({"accreditation_status": "done"}, "accreditation_status"),
    ({"in_scope": True, "description": "x", "colour": "red"}, None),
])
def test_bad_department_fields_are_named(
    register: Register, tree: tuple[int, int, int], fields: dict[str, object],
    field: str | None,
) -> None:
    with register.session() as session:
        department = session.get(Department, tree[2])
        assert department is not None
        if field is None:
            with pytest.raises(TypeError, match="colour"):
                records.update_department(session, department, **fields)
            return
        with pytest.raises(ValidationError) as error:
            records.update_department(session, department, **fields)
        assert error.value.field == field


def test_department_code_and_name_are_unique_whatever_the_case(
    register: Register, tree: tuple[int, int, int]
) -> None:
    council, service, _team = tree
    with register.session() as session:
        taken = session.get(Department, council)
        department = session.get(Department, service)
        assert taken is not None and department is not None
        for name, value in (("code", taken.code.lower()), ("name", taken.name.upper())):
            with pytest.raises(ValidationError) as error:
                records.update_department(session, department, **{name: value})
            assert error.value.field == name
        records.update_department(session, department, code=department.code.lower())
