"""Value mapping in the import pipeline: unrecognised values listed once, choices applied."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.io.importing.plan import ImportPlan
from isms.io.importing.value_map import NEW_PERSON, ValueMap
from isms.model import Asset, Department, ImportBatch, Person
from isms.services.imports import files, mapping_profiles, value_choices
from isms.services.imports.batches import undo_batch
from tests import builders as b

MARKINGS = ("Public", "Internal", "Confidential", "Restricted")
TYPES = ("Database", "Network Device", "Endpoint", "Infrastructure", "Physical Asset")
OWNERS = ("Head of IT", "Data Protection Officer", "Facilities Manager")


def public_register(path: Path, count: int = 20) -> Path:
    """A public ISO 27001 asset register: its own headings, markings, types and job titles."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Asset ID", "Asset Name", "Asset Type", "Asset Owner", "Custodian",
                  "Classification", "Confidentiality", "Integrity", "Availability"])
    for n in range(count):
        sheet.append([f"A-{n + 1:03}", f"Asset {n + 1}", TYPES[n % 5], OWNERS[n % 3],
                      "IT Service Desk", MARKINGS[n % 4], "High", "Medium", "Low"])
    book.save(path)
    return path


@pytest.fixture
def dept(register: Register) -> int:
    with register.session() as s:
        d = b.department(s, code="ICT", name="ICT Services")
        commit(s)
        return d.id


def _plan(register: Register, path: Path, dept: int | None,
          vm: ValueMap | None = None) -> ImportPlan:
    with register.session() as s:
        prepared = files.prepare(s, path, department_id=dept)
        with prepared.source:
            return files.plan(s, prepared, dept, vm)


def test_each_unrecognised_value_is_listed_once_with_rows_and_proposal(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    plan = _plan(register, path, dept)
    listed = {(v.field, v.written): v for v in plan.unrecognised}
    assert {w for f, w in listed if f == "marking"} == set(MARKINGS)
    assert listed[("marking", "Confidential")].rows == 5
    assert listed[("marking", "Confidential")].proposal == "OFFICIAL-SENSITIVE"
    assert "2014" in listed[("marking", "Restricted")].proposal_reason
    assert listed[("owner", "Head of IT")].rows == 7
    assert listed[("owner", "Head of IT")].proposal == NEW_PERSON
    assert listed[("custodian", "IT Service Desk")].rows == 20
    assert all(v.chosen is None for v in listed.values())
    # Types, ratings are words the register knows: not listed.
    assert not {f for f, _ in listed} - {"marking", "owner", "custodian"}


@pytest.mark.both_backends
def test_accepting_proposals_imports_every_row_and_undo_removes_the_people(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    plan = _plan(register, path, dept, ValueMap(accept_proposals=True))
    assert plan.ok, plan.problem_groups()
    with register.session() as s:
        outcome = files.apply(s, plan, valid_only=False)
        commit(s)
        assets = s.execute(select(Asset)).scalars().all()
        assert len(assets) == 20
        assert all(a.owner and a.custodian and a.marking_id and a.confidentiality == 4
                   for a in assets)
        people = {p.name: p for p in s.execute(select(Person)).scalars()}
        assert set(people) == {*OWNERS, "IT Service Desk"}
        assert not any(p.verified for p in people.values())
        assert all(p.department_id == dept for p in people.values())
        first = s.execute(select(Asset).where(Asset.ref == "A-003")).scalar_one()
        assert value_choices.written_labels(s, first.id) == {
            "marking": "Confidential", "owner": "Facilities Manager",
            "custodian": "IT Service Desk"}
        assert first.marking is not None and first.marking.label == "OFFICIAL-SENSITIVE"
    with register.session() as s:
        assert outcome.batch_id is not None
        undo_batch(s, outcome.batch_id)
        commit(s)
        assert s.execute(select(Person)).scalars().all() == []


def test_a_choice_overrides_a_proposal_and_a_bad_target_is_refused(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    vm = ValueMap(accept_proposals=True)
    vm.choose("marking", "Confidential", "SECRET")
    plan = _plan(register, path, dept, vm)
    confidential = next(v for v in plan.unrecognised
                        if v.written == "Confidential")
    assert confidential.chosen == "SECRET"
    vm.choose("marking", "Confidential", "VERY SECRET")
    with pytest.raises(ValidationError, match="'VERY SECRET'.*OFFICIAL-SENSITIVE"):
        _plan(register, path, dept, vm)


def test_value_choices_are_saved_with_the_profile_and_come_back(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    vm = ValueMap()
    vm.choose("marking", "Restricted", "OFFICIAL-SENSITIVE")
    plan = _plan(register, path, dept, vm)
    with register.session() as s:
        mapping_profiles.save_profile(s, kind="assets", name="ICT IAR", names=plan.header.names,
                                      mapping=plan.mapping, department_id=dept,
                                      value_map=plan.value_map)
        commit(s)
    with register.session() as s:
        prepared = files.prepare(s, path, department_id=dept)
        prepared.source.close()
        assert prepared.mapping_origin == "profile ICT IAR"
        assert prepared.mapping == plan.mapping
        assert prepared.value_map.target("marking", "RESTRICTED") == "OFFICIAL-SENSITIVE"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _plan_kind(register: Register, path: Path, kind: str, dept: int,
               vm: ValueMap | None = None) -> ImportPlan:
    with register.session() as s:
        prepared = files.prepare(s, path, kind=kind, department_id=dept)
        with prepared.source:
            return files.plan(s, prepared, dept, vm)


def test_two_people_of_one_name_are_listed_never_picked(
        register: Register, dept: int, tmp_path: Path) -> None:
    with register.session() as s:
        b.person(s, name="Alex Smith", email="alex.smith@ict.example.gov.uk")
        b.person(s, name="Alex Smith", email="alex.smith2@ict.example.gov.uk")
        commit(s)
    path = _csv(tmp_path / "a.csv", "Asset,Owner\nServer room,Alex Smith\nBackups,Alex Smith\n")
    plan = _plan(register, path, dept, ValueMap(accept_proposals=True))
    (alex,) = plan.unrecognised
    assert (alex.written, alex.rows, alex.proposal, alex.chosen) == ("Alex Smith", 2, None, None)
    assert len(alex.candidates) == 2
    assert all("alex.smith" in c for c in alex.candidates)
    assert plan.counts["error"] == 2  # not silently one of them
    vm = ValueMap()
    vm.choose("owner", "Alex Smith", "alex.smith2@ict.example.gov.uk")
    plan = _plan(register, path, dept, vm)
    assert plan.ok
    with register.session() as s:
        files.apply(s, plan, valid_only=False)
        commit(s)
        owners = {a.owner.email for a in s.execute(select(Asset)).scalars() if a.owner}
    assert owners == {"alex.smith2@ict.example.gov.uk"}


def test_risk_and_handling_values_are_mapped_too(
        register: Register, dept: int, tmp_path: Path) -> None:
    risks = _csv(tmp_path / "risks.csv", "Risk,Risk owner,Treatment\n"
                 "Ransomware,Risk Manager,Mitigation\nFlood,Risk Manager,Tolerate\n")
    plan = _plan_kind(register, risks, "risks", dept)
    listed = {(v.field, v.written): v for v in plan.unrecognised}
    assert set(listed) == {("owner", "Risk Manager"), ("treatment_option", "Mitigation")}
    assert listed[("treatment_option", "Mitigation")].proposal == "modify"
    plan = _plan_kind(register, risks, "risks", dept, ValueMap(accept_proposals=True))
    assert plan.ok
    with register.session() as s:
        files.apply(s, plan, valid_only=False)
        commit(s)
        manager = s.execute(select(Person)).scalar_one()
        assert (manager.name, manager.verified) == ("Risk Manager", False)
        batch = s.execute(select(ImportBatch)).scalar_one()
        assert sorted(batch.undo["written"].values(), key=len) == [
            {"owner": "Risk Manager"},
            {"owner": "Risk Manager", "treatment_option": "Mitigation"}]
        assert {str(r) for r in manager.roles} == {"risk owner"}
        b.asset(s, s.get(Department, dept), ref="ICT-0001")
        commit(s)
    handling = _csv(tmp_path / "handling.csv", "Asset ref,Stage,Channel\n"
                    "ICT-0001,Storing,Secure mail\n")
    plan = _plan_kind(register, handling, "handling", dept)
    proposals = {v.written: v.proposal for v in plan.unrecognised}
    assert proposals == {"Storing": "stored", "Secure mail": "secure e-mail"}
    assert _plan_kind(register, handling, "handling", dept, ValueMap(accept_proposals=True)).ok


def test_nearest_words_and_value_maps_read_back() -> None:
    from isms.io.importing import values
    from isms.io.importing.value_map import nearest_word

    assert nearest_word(values.rating, "Hgih") == nearest_word(values.rating, "high")
    assert nearest_word(values.asset_type, "Network Devices") is not None
    assert nearest_word(values.asset_type, "Network Devices").target == "hardware"  # type: ignore[union-attr]
    assert nearest_word(values.asset_type, "Unicorn") is None
    vm = ValueMap.from_json({"marking": {"Restricted": "OFFICIAL"}, "owner": "not a dict",
                             "status": {"Live": 3}})
    assert vm.as_json() == {"marking": {"Restricted": "OFFICIAL"}}
    vm.choose("marking", "RESTRICTED", None)
    assert not vm and vm.target("marking", "restricted") is None


def test_a_profile_saved_before_value_choices_still_reads(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    plan = _plan(register, path, dept)
    with register.session() as s:
        profile = mapping_profiles.save_profile(
            s, kind="assets", name="old", names=plan.header.names, mapping=plan.mapping)
        assert "@values" not in profile.mapping  # no choices: the old layout exactly
        commit(s)
    with register.session() as s:
        prepared = files.prepare(s, path, department_id=dept)
        prepared.source.close()
        assert prepared.mapping == plan.mapping and not prepared.value_map


def test_one_title_in_two_departments_is_two_new_people_and_found_again_by_department(
        register: Register, dept: int, tmp_path: Path) -> None:
    with register.session() as s:
        b.department(s, code="FIN", name="Finance")
        commit(s)
    path = _csv(tmp_path / "two.csv", "Asset,Department,Owner,Classification\n"
                "Ledger,Finance,Head of Service,Confidental\n"
                "Network,ICT Services,Head of Service,OFFICAL\n")
    plan = _plan(register, path, None, ValueMap(accept_proposals=True))
    reasons = {v.written: (v.proposal, v.proposal_reason) for v in plan.unrecognised}
    assert reasons["Confidental"][0] == "OFFICIAL-SENSITIVE"
    assert "'confidential'" in reasons["Confidental"][1]
    assert reasons["OFFICAL"] == ("OFFICIAL", "the nearest marking, OFFICIAL")
    with register.session() as s:
        files.apply(s, plan, valid_only=False)
        commit(s)
        heads = {p.department.code: p for p in s.execute(select(Person)).scalars()
                 if p.department}
        assert set(heads) == {"FIN", "ICT"}
        owners = {a.name: a.owner_id for a in s.execute(select(Asset)).scalars()}
        assert owners == {"Ledger": heads["FIN"].id, "Network": heads["ICT"].id}
    # A file for one department finds its own Head of Service, the other is not a candidate.
    again = _csv(tmp_path / "ict.csv", "Asset,Owner\nFirewall,Head of Service\n")
    plan = _plan(register, again, dept)
    assert plan.ok and plan.unrecognised == []
    assert plan.rows[0].values["owner_id"] == heads["ICT"].id


def test_numbers_out_of_range_get_no_proposal() -> None:
    from isms.io.importing import values
    from isms.io.importing.value_map import nearest_word

    assert nearest_word(values.rating, "-1") is None
    assert nearest_word(values.yes_no, "-1") is None
    assert nearest_word(values.rating, "7") is None


def test_a_shortened_department_name_is_proposed_as_that_department(
        register: Register, dept: int, tmp_path: Path) -> None:
    with register.session() as s:
        b.department(s, code="ENV", name="Environment and Highways")
        commit(s)
    path = _csv(tmp_path / "d.csv", "Asset,Department\nGritting routes,Env & Highways\n"
                "Parks booking,Parks and Open Spaces\n")
    plan = _plan(register, path, None)
    proposals = {v.written: v.proposal for v in plan.unrecognised}
    assert proposals == {"Env & Highways": "ENV", "Parks and Open Spaces": "new-department"}
