"""Every default handling rule with one compliant and one breaching practice, and the checker
and finding-to-risk step on a real register."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.method import handling
from isms.model import (
    Asset,
    HandlingChannel,
    HandlingPractice,
    HandlingRule,
    HandlingStage,
    Risk,
)
from isms.services import classification
from isms.services import handling as service
from tests import builders as b

S, C = HandlingStage, HandlingChannel
GSC = 1  # scheme id in these pure tests
RANK = {"OFFICIAL": 1, "OFFICIAL-SENSITIVE": 2, "SECRET": 3, "TOP SECRET": 4}


def resolved(rule: handling.Rule) -> handling.Rule:
    """A default rule as the register resolves it against the GSC scheme."""
    if rule.min_label is None:
        return rule
    return replace(rule, scheme_id=GSC, min_rank=RANK[rule.min_label])


def practice(
    stage: HandlingStage,
    channel: HandlingChannel | None,
    safeguards: tuple[str, ...],
    *,
    marking: str | None = "OFFICIAL",
    personal: bool = False,
    special: bool = False,
    agreement: bool | None = None,
) -> handling.Practice:
    return handling.Practice(
        id=1,
        asset_id=1,
        asset_ref="CHS-0001",
        asset_name="Case files",
        department_id=1,
        stage=stage,
        channel=channel,
        safeguards=frozenset(safeguards),
        has_agreement=agreement,
        scheme_id=GSC if marking else None,
        marking_rank=RANK[marking] if marking else None,
        marking_label=marking,
        personal_data=personal or special,
        special_category=special,
    )


OS = "OFFICIAL-SENSITIVE"
#: rule code -> (a compliant practice, a breaching practice)
CASES: dict[str, tuple[handling.Practice, handling.Practice]] = {
    "HR-01": (
        practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, ("encrypted",), marking=OS),
        practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, (), marking=OS),
    ),
    "HR-02": (
        practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, ("encrypted",), personal=True),
        practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, ("marked",), personal=True),
    ),
    "HR-03": (
        practice(S.SHARED, C.PORTAL, ("encrypted",), personal=True, agreement=True),
        practice(S.SHARED, C.PORTAL, ("encrypted",), personal=True, agreement=False),
    ),
    "HR-04": (
        practice(S.SHARED, C.SECURE_EMAIL, ("encrypted", "agreement"), personal=True),
        practice(S.SHARED, C.COURIER, ("agreement",), personal=True),
    ),
    "HR-05": (
        practice(S.TRANSFERRED, C.SECURE_EMAIL, ("encrypted",), special=True),
        practice(S.TRANSFERRED, C.EMAIL, ("encrypted",), special=True),
    ),
    "HR-06": (
        practice(S.TRANSFERRED, C.PORTAL, ("encrypted",), marking=OS),
        practice(S.TRANSFERRED, C.EMAIL, (), marking=OS),
    ),
    "HR-07": (
        practice(S.TRANSFERRED, C.COURIER, ("tracked", "sealed"), marking=OS),
        practice(S.TRANSFERRED, C.COURIER, ("sealed",), marking=OS),
    ),
    "HR-08": (
        practice(S.TRANSFERRED, C.PAPER, ("marked", "sealed"), marking=OS),
        practice(S.TRANSFERRED, C.PAPER, ("sealed",), marking=OS),
    ),
    "HR-09": (
        practice(S.DISPOSED, None, ("secure-disposal",), marking="SECRET"),
        practice(S.DISPOSED, None, (), marking=OS),
    ),
}


def test_every_default_rule_has_a_case() -> None:
    assert sorted(CASES) == [rule.code for rule in handling.DEFAULT_RULES]


@pytest.mark.parametrize("rule", handling.DEFAULT_RULES, ids=lambda r: r.code)
def test_default_rule_compliant_and_breaching(rule: handling.Rule) -> None:
    compliant, breaching = CASES[rule.code]
    rule = resolved(rule)
    assert handling.check([rule], [compliant]) == []
    findings = handling.check([rule], [breaching])
    assert len(findings) == 1 and findings[0].rule_code == rule.code
    assert findings[0].prohibited == rule.prohibited
    assert set(findings[0].missing) <= set(rule.required)


def test_marking_rules_do_not_reach_lower_or_unmarked_assets() -> None:
    rule = resolved(handling.DEFAULT_RULES[0])  # HR-01, OFFICIAL-SENSITIVE and above
    for marking in ("OFFICIAL", None):
        plain = practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, (), marking=marking)
        assert handling.check([rule], [plain]) == []
    secret = practice(S.TRANSFERRED, C.REMOVABLE_MEDIA, (), marking="TOP SECRET")
    assert len(handling.check([rule], [secret])) == 1


def test_finding_says_what_is_wrong() -> None:
    rule = resolved(handling.DEFAULT_RULES[6])  # HR-07 courier: tracked and sealed
    finding = handling.check([rule], [CASES["HR-07"][1]])[0]
    assert finding.missing == ("tracked",)
    assert finding.what_is_wrong == (
        "CHS-0001 transferred by courier lacks tracked and signed for (rule HR-07)"
    )


# --- on a register ----------------------------------------------------------------------------


def test_register_check_and_finding_to_risk(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s, code="ASC", name="Adult Social Care")
        owner = b.person(s, name="Ivy Owner")
        asset = b.asset(
            s, dept, name="Care assessments", owner=owner, personal_data=True, special_category=True
        )
        classification.mark_asset(s, asset, "official-sensitive")
        s.add_all(
            [
                HandlingPractice(
                    asset=asset,
                    stage=S.TRANSFERRED,
                    channel=C.REMOVABLE_MEDIA,
                    safeguards=["encrypted"],
                ),
                HandlingPractice(asset=asset, stage=S.TRANSFERRED, channel=C.EMAIL, safeguards=[]),
            ]
        )
        commit(s)
        findings = service.check_handling(s)
        assert sorted(f.rule_code for f in findings) == ["HR-05", "HR-06"]
        risk = service.finding_to_risk(s, findings[0], ref="R-0100")
        commit(s)
        stored = s.execute(select(Risk).where(Risk.ref == "R-0100")).scalar_one()
        assert [a.ref for a in stored.assets] == [asset.ref]
        assert stored.owner_id == owner.id and stored.department_id == dept.id
        assert "does not allow" in stored.description and stored.title.startswith("Handling breach")
        assert stored.threat is not None and stored.threat.code == "T11"
        assert risk is stored
        assert service.risk_for_finding(s, findings[0]) == "R-0100"
        with pytest.raises(ValidationError, match="Risk R-0100 already covers this finding"):
            service.finding_to_risk(s, findings[0], ref="R-0101")
        stored.title = "Renamed by the risk owner"
        commit(s)
        assert service.risk_for_finding(s, findings[0]) == "R-0100"
        assert service.risks_for_findings(s) == {f"{findings[0].rule_code}:"
                                                 f"{findings[0].practice_id}": "R-0100"}


def test_retired_assets_are_not_checked(register: Register) -> None:
    with register.session() as s:
        asset = b.asset(s, b.department(s), personal_data=True, status="retired")
        s.add(HandlingPractice(asset=asset, stage=S.TRANSFERRED, channel=C.REMOVABLE_MEDIA))
        commit(s)
        assert service.check_handling(s) == []


def test_saving_a_rule_validates_it(register: Register) -> None:
    with register.session() as s:
        with pytest.raises(ValidationError, match="Unknown safeguard"):
            service.save_rule(s, "HR-10", title="x", required=["teleported"])
        with pytest.raises(ValidationError, match="asks for nothing"):
            service.save_rule(s, "HR-10", title="x")
        with pytest.raises(ValidationError, match="'PROTECT' is not a marking of the Government"):
            service.save_rule(s, "HR-10", title="x", min_marking="PROTECT", prohibited=True)
        rule = service.save_rule(
            s,
            "hr-10",
            title="SECRET may not leave on paper",
            channel=C.PAPER,
            min_marking="secret",
            prohibited=True,
        )
        commit(s)
        assert rule.code == "HR-10" and rule.min_marking is not None
        assert rule.min_marking.label == "SECRET"
        assert len(service.rules(s)) == len(handling.DEFAULT_RULES) + 1
        assert s.execute(select(HandlingRule).where(HandlingRule.code == "HR-10")).scalar_one()


def test_local_markings_and_scheme_switch(register: Register) -> None:
    with register.session() as s:
        added = classification.add_marking(
            s, "official-sensitive personal", after="OFFICIAL-SENSITIVE"
        )
        commit(s)
        labels = [m.label for m in classification.current_scheme(s).markings]
        assert labels == [
            "OFFICIAL",
            "OFFICIAL-SENSITIVE",
            "OFFICIAL-SENSITIVE PERSONAL",
            "SECRET",
            "TOP SECRET",
        ]
        assert added.rank == 3
        with pytest.raises(ValidationError, match="already has"):
            classification.add_marking(s, "SECRET")
        classification.set_current_scheme(s, "government protective marking scheme (2008)")
        commit(s)
        assert classification.marking(s, "restricted").label == "RESTRICTED"
        asset = b.asset(s, b.department(s))
        with pytest.raises(ValidationError, match="'OFFICIAL' is not a marking"):
            classification.mark_asset(s, asset, "OFFICIAL")
        assert isinstance(asset, Asset)
