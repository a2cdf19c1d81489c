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
from isms.model import Asset, Person
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


def _plan(register: Register, path: Path, dept: int, vm: ValueMap | None = None) -> ImportPlan:
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
