"""Handling practices and risks through the same import pipeline."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.mapping import propose, vocabulary
from isms.io.importing.sheet import split_header
from isms.model import HandlingChannel, HandlingPractice, HandlingStage, Risk, TreatmentOption
from isms.services.imports.batch_writer import ImportRejected
from isms.services.imports.batches import undo_batch
from isms.services.imports.records import apply_records, plan_records
from tests import builders as b


def sheet(kind: str, header: list[str], *rows: list[Any]) -> Any:
    numbered = [(1, header)] + [(n, row) for n, row in enumerate(rows, start=2)]
    return split_header(
        "f.xlsx", "0" * 64, "Sheet1", numbered, [], vocabulary(FIELDS_BY_KIND[kind])
    )


def plan(s: Any, kind: str, data: Any, department: int | None = None) -> Any:
    return plan_records(s, data, propose(data.header.names, FIELDS_BY_KIND[kind]), kind, department)


@pytest.fixture
def org(register: Register) -> dict[str, int]:
    with register.session() as s:
        dept = b.department(s, code="CHS", name="Children's Services")
        owner = b.person(s, name="Carol Owner")
        asset = b.asset(s, dept, ref="CHS-0001", name="Case files", personal_data=True)
        b.asset(s, dept, ref="CHS-0002", name="Case system")
        commit(s)
        return {"dept": dept.id, "owner": owner.id, "asset": asset.id}


def test_handling_practices(register: Register, org: dict[str, int]) -> None:
    header = [
        "Asset Ref",
        "Lifecycle stage",
        "Method",
        "Safeguards",
        "Shared with",
        "DSA in place",
        "Retention period",
    ]
    rows = (
        ["CHS-0001", "Sent", "USB stick", "Encrypted", None, None, None],
        ["CHS-0001", "Sharing", "Secure email", "encrypted and marked", "NHS Trust", "Yes", None],
        ["CHS-0001", "Retention", None, None, None, None, "6 years"],
        ["CHS-9999", "Stored", None, "Locked in a drawer", None, None, None],
    )
    data = sheet("handling", header, *rows)
    with register.session() as s:
        result = plan(s, "handling", data)
        assert [r.status for r in result.rows] == ["new", "new", "new", "error"]
        assert "no asset 'CHS-9999'" in result.rows[3].message
        assert "'Locked in a drawer' not a safeguard" in result.rows[3].message
        with pytest.raises(ImportRejected):
            apply_records(s, result)
        s.rollback()
        outcome = apply_records(s, result, valid_only=True)
        commit(s)
        practices = (
            s.execute(select(HandlingPractice).order_by(HandlingPractice.id)).scalars().all()
        )
        assert [(p.stage, p.channel, p.safeguards) for p in practices] == [
            (HandlingStage.TRANSFERRED, HandlingChannel.REMOVABLE_MEDIA, ["encrypted"]),
            (HandlingStage.SHARED, HandlingChannel.SECURE_EMAIL, ["encrypted", "marked"]),
            (HandlingStage.RETAINED, None, []),
        ]
        assert practices[1].has_agreement is True and practices[1].third_party == "NHS Trust"
        assert practices[2].retention_months == 72
        # The same file again changes nothing.
        again = plan(s, "handling", sheet("handling", header, *rows))
        assert [r.status for r in again.rows][:3] == ["unchanged"] * 3
        assert outcome.batch_id is not None
        undone = undo_batch(s, outcome.batch_id)
        commit(s)
        assert undone.removed == 3
        assert s.execute(select(func.count()).select_from(HandlingPractice)).scalar_one() == 0


def test_risks_with_scale_labels(register: Register, org: dict[str, int]) -> None:
    header = [
        "Risk ID",
        "Risk",
        "Dept",
        "Risk owner",
        "Assets",
        "Threat",
        "Likelihood",
        "Impact",
        "Residual likelihood",
        "Residual impact",
        "Treatment",
    ]
    data = sheet(
        "risks",
        header,
        [
            "CHS-R1",
            "Case files lost in transit",
            "CHS",
            "Carol Owner",
            "CHS-0001, CHS-0002",
            "T05",
            "Likely",
            "Major",
            "Unlikely",
            4,
            "Reduce",
        ],
        [None, "Ransomware", "CHS", None, None, "Ransomware", 6, "Severe", None, None, None],
        [
            None,
            "Flood",
            "CHS",
            None,
            None,
            "Flood or water damage",
            "Likley",
            "Minor",
            None,
            None,
            "Tolerate",
        ],
    )
    with register.session() as s:
        result = plan(s, "risks", data)
        assert [r.status for r in result.rows] == ["new", "error", "error"]
        assert "'6' is not on the likelihood scale (1 Rare" in result.rows[1].message
        assert "'Likley' is not on the likelihood scale" in result.rows[2].message
        apply_records(s, result, valid_only=True)
        commit(s)
        risk = s.execute(select(Risk).where(Risk.ref == "CHS-R1")).scalar_one()
        assert (risk.inherent_likelihood, risk.inherent_impact) == (4, 4)
        assert (risk.residual_likelihood, risk.residual_impact) == (2, 4)
        assert sorted(a.ref for a in risk.assets) == ["CHS-0001", "CHS-0002"]
        assert risk.treatment_option == TreatmentOption.MODIFY
        assert risk.threat is not None and risk.threat.code == "T05"
        assert risk.owner_id == org["owner"] and risk.criteria_id is not None
        assert risk.next_review is not None  # from the cadence of its level


def test_a_negative_score_written_as_text_is_refused_not_made_positive(
    register: Register, org: dict[str, int]
) -> None:
    data = sheet("risks", ["Risk", "Dept", "Likelihood", "Impact"],
                 ["Case files lost", "CHS", "-1", "3"], ["Ransomware", "CHS", "2", "-5"])
    with register.session() as s:
        result = plan(s, "risks", data)
    assert [r.status for r in result.rows] == ["error", "error"]
    assert "'-1' is not on the likelihood scale" in result.rows[0].message
    assert "'-5' is not on the impact scale" in result.rows[1].message
