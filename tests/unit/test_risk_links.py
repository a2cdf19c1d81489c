"""What a risk is made of, saved with the risk editor's one recorded call: its threat,
vulnerability, the C/I/A it affects, existing controls, assets and planned controls; and
taken back by undo (``isms revert``, Edit > Undo)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    Applicability,
    AssetStatus,
    InclusionReason,
    Risk,
    SoaEntry,
    Threat,
    Vulnerability,
)
from isms.services import edits
from isms.services import risks as service
from isms.services.read import queries
from tests import builders as b

pytestmark = pytest.mark.both_backends


@pytest.fixture
def ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        files = b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        share = b.asset(s, dept, ref="HSG-0002", name="Housing share")
        old = b.asset(s, dept, ref="HSG-0003", status=AssetStatus.RETIRED)
        risk = b.risk(s, dept, ref="R-0007", assets=[files])
        commit(s)
        return {"dept": dept.id, "files": files.id, "share": share.id, "old": old.id,
                "risk": risk.id, "backup": queries.control_by_ref(s, "8.13").id,
                "malware": service.catalogue_id(s, Threat, "T09"),
                "weak": service.catalogue_id(s, Vulnerability, "V01")}


def _save(register: Register, ids: dict[str, int], edited: dict[str, object]) -> edits.Saved:
    with register.transaction() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None
        return edits.save_risk(s, risk.id, risk.version, edited)


def test_threat_assets_and_controls_are_saved_and_undone_in_one_change(
    register: Register, ids: dict[str, int]
) -> None:
    saved = _save(register, ids, {
        "threat_id": ids["malware"], "vulnerability_id": ids["weak"], "affects": "ai",
        "existing_controls": "  Nightly backup  ", "asset_ids": [ids["share"], ids["files"]],
        "control_ids": [ids["backup"]]})
    assert saved.change_id is not None and saved.text == "Edit risk R-0007"
    with register.session() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None
        assert risk.threat is not None and risk.threat.code == "T09"
        assert risk.vulnerability is not None and risk.vulnerability.code == "V01"
        assert (risk.affects, risk.existing_controls) == ("IA", "Nightly backup")
        assert sorted(a.ref for a in risk.assets) == ["HSG-0001", "HSG-0002"]
        assert [c.ref for c in risk.controls] == ["8.13"]
        # Chosen to treat the risk: applicable in the department's SoA for that reason.
        entry = s.execute(select(SoaEntry).where(
            SoaEntry.department_id == ids["dept"], SoaEntry.control_id == ids["backup"])).scalar()
        assert entry is not None and entry.applicability == Applicability.APPLICABLE
        assert InclusionReason.RISK_ASSESSMENT.value in entry.reasons

    with register.transaction() as s:
        edits.undo_change(s, saved.change_id)
    with register.session() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None
        assert (risk.threat, risk.vulnerability, risk.affects, risk.existing_controls) == (
            None, None, "", "")
        assert [a.ref for a in risk.assets] == ["HSG-0001"] and risk.controls == []


def test_links_alone_move_the_version_so_a_stale_copy_is_refused(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None
        before = risk.version
    _save(register, ids, {"asset_ids": [ids["files"], ids["share"]]})
    with register.session() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None and risk.version == before + 1


def test_the_same_links_in_another_order_change_nothing(
    register: Register, ids: dict[str, int]
) -> None:
    saved = _save(register, ids, {"asset_ids": [ids["files"]], "affects": ""})
    assert saved.change_id is None


@pytest.mark.parametrize(("edited", "field", "words"), [
    ({"affects": "CX"}, "affects", "not X"),
    ({"asset_ids": ["old"]}, "asset_ids", "HSG-0003 is retired"),
    ({"threat_id": -1}, "threat_id", "threat chosen is no longer"),
    ({"control_ids": [-5]}, "control_ids", "control chosen is no longer"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_written(
    register: Register, ids: dict[str, int], edited: dict[str, object], field: str, words: str
) -> None:
    given = {k: [ids[v] if isinstance(v, str) else v for v in value] if isinstance(value, list)
             else value for k, value in edited.items()}
    with pytest.raises(ValidationError) as refused:
        _save(register, ids, given)
    assert refused.value.field == field and words in str(refused.value)
    with register.session() as s:
        risk = s.get(Risk, ids["risk"])
        assert risk is not None and risk.affects == "" and len(risk.assets) == 1
