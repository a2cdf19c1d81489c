"""Value mapping of what real risk registers write: free-text threats and vulnerabilities,
likelihood and impact as level words, GPMS markings with descriptors, status words in other
languages (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.marking_words import marking_proposal
from isms.io.importing.plan import ImportPlan
from isms.io.importing.value_map import NEW_THREAT, NEW_VULNERABILITY, ValueMap
from isms.model import Department, ImportBatch, Risk, Threat, Vulnerability
from isms.model.enums import AssetStatus
from isms.services.imports import files, value_choices
from isms.services.imports.batches import undo_batch
from tests import builders as b

GSC = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]


@pytest.fixture
def dept(register: Register) -> int:
    with register.session() as s:
        d = b.department(s, code="ICT", name="ICT Services")
        commit(s)
        return d.id


def _plan(register: Register, path: Path, dept: int, vm: ValueMap | None = None) -> ImportPlan:
    with register.session() as s:
        prepared = files.prepare(s, path, kind="risks", department_id=dept)
        with prepared.source:
            return files.plan(s, prepared, dept, vm)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_free_text_threats_are_listed_once_with_the_nearest_entry_or_a_new_one(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "Risk,Threat,Vulnerability\n"
                "Laptop stolen,Theft of equipment,Unpatched softwares\n"
                "Tablet stolen,Theft of equipment,Unpatched softwares\n"
                "Leak,Κλοπή,Μη κρυπτογραφημένοι δίσκοι\n"
                "Burglary,Theft,Unpatched\n"
                "Outage,Loss,Passwords\n")
    plan = _plan(register, path, dept)
    listed = {(v.field, v.written): v for v in plan.unrecognised}
    with register.session() as s:
        unpatched = s.execute(select(Vulnerability.code).where(
            Vulnerability.name == "Unpatched software")).scalar_one()
    assert listed[("vulnerability", "Unpatched softwares")].rows == 2
    assert listed[("vulnerability", "Unpatched softwares")].proposal == unpatched
    assert listed[("threat", "Κλοπή")].proposal == NEW_THREAT
    assert listed[("vulnerability", "Μη κρυπτογραφημένοι δίσκοι")].proposal == NEW_VULNERABILITY
    # A shorter way of writing one entry is that entry; words of several are a new one.
    assert listed[("threat", "Theft")].proposal == "T04"
    assert listed[("vulnerability", "Unpatched")].proposal == unpatched
    assert listed[("threat", "Loss")].proposal == NEW_THREAT
    assert plan.counts["error"] == 5  # unmapped, each row keeps its error
    with register.session() as s:
        threats = value_choices.targets(s, "risks", "threat")
    assert threats[0].value == NEW_THREAT and len(threats) == 23
    assert any(t.label.endswith(" Fire") for t in threats)


def test_new_catalogue_entries_are_made_in_the_import_and_undone_with_it(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "Risk,Threat,Vulnerability\n"
                "Laptop stolen,Κλοπή,Weak passwords everywhere\n"
                "Tablet stolen,Κλοπή,Weak passwords everywhere\n")
    vm = ValueMap(accept_proposals=True)
    vm.choose("vulnerability", "Weak passwords everywhere", NEW_VULNERABILITY)
    plan = _plan(register, path, dept, vm)
    assert plan.ok, plan.problem_groups()
    with register.session() as s:
        outcome = files.apply(s, plan, valid_only=False)
        commit(s)
        (theft,) = s.execute(select(Threat).where(Threat.local)).scalars()
        (weak,) = s.execute(select(Vulnerability).where(Vulnerability.local)).scalars()
        assert (theft.code, theft.name, theft.affects) == ("T23", "Κλοπή", "")
        assert (weak.code, weak.name) == ("V17", "Weak passwords everywhere")
        risks = s.execute(select(Risk)).scalars().all()
        assert {(r.threat_id, r.vulnerability_id) for r in risks} == {(theft.id, weak.id)}
        # Used since by a risk of the register's own: the import can't be undone.
        department = s.get(Department, dept)
        assert department is not None
        other = b.risk(s, department, ref="R-0100", threat_id=theft.id)
        commit(s)
        assert outcome.batch_id is not None
        with pytest.raises(ConflictError, match="T23"):
            undo_batch(s, outcome.batch_id)
        s.rollback()
        other.threat_id = None
        commit(s)
        undo_batch(s, outcome.batch_id)
        commit(s)
        assert s.execute(select(Threat).where(Threat.local)).first() is None
        assert s.execute(select(Vulnerability).where(Vulnerability.local)).first() is None
        assert s.execute(select(ImportBatch.undone_at)).scalar_one() is not None


def test_a_new_catalogue_target_is_refused_for_another_field(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "Risk,Threat,Risk owner\nLeak,Κλοπή,Someone\n")
    vm = ValueMap()
    vm.choose("owner", "Someone", NEW_THREAT)
    with pytest.raises(ValidationError, match="new-threat"):
        _plan(register, path, dept, vm)


def test_level_words_are_proposed_as_scale_points_and_numbers_off_it_are_not(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "Risk,Likelihood,Impact,Residual likelihood,"
                "Residual impact\n"
                "A,High,Very high,Likely,Minor\n"
                "B,Vysoká,Πολύ χαμηλή,Baja,Mittel\n"
                "C,7,Élevé,Niedrig,Moyen\n")
    plan = _plan(register, path, dept)
    listed = {(v.field, v.written): v for v in plan.unrecognised}
    assert listed[("inherent_likelihood", "High")].proposal == "4"
    assert listed[("inherent_likelihood", "High")].proposal_reason == (
        "a 3-level word on a 5-point scale: Low 2, Medium 3, High 4")
    assert listed[("inherent_likelihood", "Vysoká")].proposal == "4"
    assert listed[("inherent_impact", "Very high")].proposal == "5"
    assert "Very low 1" in listed[("inherent_impact", "Very high")].proposal_reason
    assert listed[("inherent_impact", "Πολύ χαμηλή")].proposal == "1"
    assert listed[("residual_likelihood", "Baja")].proposal == "2"
    assert listed[("residual_impact", "Mittel")].proposal == "3"
    assert listed[("inherent_likelihood", "7")].proposal is None
    # Labels of the scale itself are read as they are.
    assert ("residual_likelihood", "Likely") not in listed
    assert ("residual_impact", "Minor") not in listed
    with register.session() as s:
        points = value_choices.targets(s, "risks", "inherent_likelihood")
    assert [t.label for t in points][3] == "4 Likely"
    plan = _plan(register, path, dept, ValueMap(accept_proposals=True))
    assert plan.counts["error"] == 1  # C: 7 is not on the scale
    by_row = {r.row: r.values for r in plan.rows}
    assert (by_row[2]["inherent_likelihood"], by_row[2]["inherent_impact"]) == (4, 5)
    assert (by_row[3]["inherent_impact"], by_row[3]["residual_likelihood"]) == (1, 2)


def test_level_point_on_scales_of_other_sizes() -> None:
    assert values.level_point("Low", 3) == (1, "a 3-level word on a 3-point scale: Low 1, "
                                               "Medium 2, High 3")
    assert values.level_point("Very high", 4)[0] == 4  # type: ignore[index]
    assert values.level_point("Υψηλή", 5)[0] == 4  # type: ignore[index]
    assert values.level_point("Likely", 5) is None
    assert values.level_point("-1", 5) is None


@pytest.mark.parametrize("written, descriptor", [
    ("PROTECT - PERSONAL", "PERSONAL"), ("PROTECT-PERSONAL", "PERSONAL"),
    ("RESTRICTED - STAFF", "STAFF"), ("PROTECT (COMMERCIAL)", "COMMERCIAL"),
    ("RESTRICTED – MANAGEMENT", "MANAGEMENT")])
def test_gpms_markings_with_descriptors_are_proposed_from_the_base(
        written: str, descriptor: str) -> None:
    found = marking_proposal(written, GSC)
    assert found is not None and found.target == "OFFICIAL-SENSITIVE"
    assert f"descriptor {descriptor}" in found.why and "a person confirms" in found.why
    assert "2014" in found.why
    # A register still on the 2008 scheme keeps the base marking.
    old = marking_proposal(written, ["UNCLASSIFIED", "PROTECT", "RESTRICTED", "CONFIDENTIAL"])
    assert old is not None and old.target == written.split()[0].split("-")[0]
    assert marking_proposal("PUBLIC - PERSONAL", GSC) is None


@pytest.mark.parametrize("written, status", [
    ("Ενεργό", AssetStatus.ACTIVE), ("Σε εκκρεμότητα", AssetStatus.PENDING_VERIFICATION),
    ("Αποσυρμένο", AssetStatus.RETIRED), ("Aktivní", AssetStatus.ACTIVE),
    ("Čeká na ověření", AssetStatus.PENDING_VERIFICATION), ("Vyřazeno", AssetStatus.RETIRED),
    ("Activo", AssetStatus.ACTIVE), ("Pendiente", AssetStatus.PENDING_VERIFICATION),
    ("Retirado", AssetStatus.RETIRED), ("Actif", AssetStatus.ACTIVE),
    ("En attente", AssetStatus.PENDING_VERIFICATION), ("Retiré", AssetStatus.RETIRED),
    ("Aktiv", AssetStatus.ACTIVE), ("Ausstehend", AssetStatus.PENDING_VERIFICATION),
    ("Ausgemustert", AssetStatus.RETIRED)])
def test_asset_status_words_in_other_languages(written: str, status: AssetStatus) -> None:
    assert values.asset_status(written) is status


def test_a_new_risk_owner_is_proposed_as_a_risk_owner(
        register: Register, dept: int, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "Risk,Risk owner\nLeak,Head of Risk\n")
    (owner,) = _plan(register, path, dept).unrecognised
    assert "(risk owner, marked unverified)" in owner.proposal_reason
    assets = _csv(tmp_path / "a.csv", "Asset,Owner\nServer,Head of Risk\n")
    with register.session() as s:
        prepared = files.prepare(s, assets, department_id=dept)
        with prepared.source:
            (owner,) = files.plan(s, prepared, dept).unrecognised
    assert "(information asset owner, marked unverified)" in owner.proposal_reason
