"""Checking the register's data-handling practices against its handling rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError, ValidationError
from ..method import handling
from ..model import (
    Asset,
    AssetStatus,
    ClassificationMarking,
    HandlingChannel,
    HandlingPractice,
    HandlingRule,
    HandlingStage,
    Risk,
    RiskStatus,
    Threat,
    Vulnerability,
)
from . import classification, risks


def load_rules(session: Session) -> list[handling.Rule]:
    query = (
        select(HandlingRule, ClassificationMarking)
        .outerjoin(ClassificationMarking, HandlingRule.min_marking_id == ClassificationMarking.id)
        .where(HandlingRule.active.is_(True))
        .order_by(HandlingRule.code)
    )
    return [
        handling.Rule(
            code=rule.code,
            title=rule.title,
            stage=rule.stage,
            channel=rule.channel,
            scheme_id=marking.scheme_id if marking else None,
            min_rank=marking.rank if marking else None,
            min_label=marking.label if marking else None,
            personal_data=rule.applies_to_personal_data,
            special_category=rule.applies_to_special_category,
            required=tuple(rule.required_safeguards),
            prohibited=rule.prohibited,
        )
        for rule, marking in session.execute(query)
    ]


def load_practices(session: Session, department: int | None = None) -> list[handling.Practice]:
    """Practices in use of live assets (a retired asset is no longer handled, a retired practice
    no longer how it is), as checker facts."""
    query = (
        select(
            HandlingPractice.id,
            Asset.id,
            Asset.ref,
            Asset.name,
            Asset.department_id,
            HandlingPractice.stage,
            HandlingPractice.channel,
            HandlingPractice.safeguards,
            HandlingPractice.has_agreement,
            ClassificationMarking.scheme_id,
            ClassificationMarking.rank,
            ClassificationMarking.label,
            Asset.personal_data,
            Asset.special_category,
        )
        .join(Asset, HandlingPractice.asset_id == Asset.id)
        .outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
        .where(Asset.status != AssetStatus.RETIRED, HandlingPractice.retired_at.is_(None))
        .order_by(Asset.ref, HandlingPractice.id)
    )
    if department is not None:
        query = query.where(Asset.department_id == department)
    return [
        handling.Practice(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            frozenset(r[7] or ()),
            r[8],
            r[9],
            r[10],
            r[11],
            bool(r[12]),
            bool(r[13]),
        )
        for r in session.execute(query)
    ]


def check_handling(session: Session, department: int | None = None) -> list[handling.Finding]:
    return handling.check(load_rules(session), load_practices(session, department))


def finding_title(finding: handling.Finding) -> str:
    """The title a risk made from the finding starts with."""
    return f"Handling breach: {finding.rule_title} ({finding.asset_name})"[:300]


def finding_key(finding: handling.Finding) -> str:
    """How a risk remembers the finding it was made from (rule code : practice id)."""
    return f"{finding.rule_code}:{finding.practice_id}"


def risk_for_finding(session: Session, finding: handling.Finding) -> str | None:
    """The reference of a live risk already made from this finding, if any."""
    return session.execute(
        select(Risk.ref).where(
            Risk.source_finding == finding_key(finding), Risk.status != RiskStatus.RETIRED
        )
    ).scalar()


def risks_for_findings(session: Session) -> dict[str, str]:
    """finding key -> risk reference, for every live risk made from a finding (one query)."""
    rows = session.execute(
        select(Risk.source_finding, Risk.ref).where(
            Risk.source_finding.is_not(None), Risk.status != RiskStatus.RETIRED
        )
    )
    return {key: ref for key, ref in rows if key}


#: Which catalogue threat and vulnerability a breach of each kind of rule points to.
_THREAT_FOR_CHANNEL = {"removable media": "T05", "e-mail": "T11", "courier": "T05", "paper": "T11"}


def finding_to_risk(
    session: Session, finding: handling.Finding, *, ref: str | None = None,
    today: date | None = None,
) -> Risk:
    """A new, unsaved-until-commit risk pre-filled from a finding: the asset, its owner, a
    threat and vulnerability that fit, and a description of the breach. Scores are left for the
    risk owner to assess. ``ref`` defaults to the register's next risk reference."""
    asset = session.get(Asset, finding.asset_id)
    if asset is None:
        raise NotFoundError(f"Asset {finding.asset_ref} is no longer in the register.")
    already = risk_for_finding(session, finding)
    if already is not None:
        raise ValidationError(f"Risk {already} already covers this finding.", field="finding")
    channel = str(finding.channel) if finding.channel else ""
    threat_code = _THREAT_FOR_CHANNEL.get(channel, "T12" if finding.stage == "shared" else "T11")
    vulnerability_code = (
        "V05"
        if "agreement" in finding.missing
        else ("V01" if "encrypted" in finding.missing else "V13" if channel == "e-mail" else "V16")
    )
    return risks.new_risk(
        session,
        ref=ref,
        title=finding_title(finding),
        source_finding=finding_key(finding),
        description=(
            f"The handling-rules check found that {finding.what_is_wrong}. "
            f"Found on {(today or date.today()).isoformat()}."
        ),
        department_id=asset.department_id,
        owner_id=asset.owner_id,
        affects="C",
        threat=session.execute(select(Threat).where(Threat.code == threat_code)).scalar(),
        vulnerability=session.execute(
            select(Vulnerability).where(Vulnerability.code == vulnerability_code)
        ).scalar(),
        assets=[asset],
    )


# --- editing the rules ----------------------------------------------------------------------


def rules(session: Session) -> list[HandlingRule]:
    return list(session.execute(select(HandlingRule).order_by(HandlingRule.code)).scalars())


def _check_safeguards(required: list[str]) -> list[str]:
    unknown = [s for s in required if s not in handling.SAFEGUARDS]
    if unknown:
        raise ValidationError(
            f"Unknown safeguard(s) {', '.join(unknown)}; choose from "
            f"{', '.join(handling.SAFEGUARDS)}.",
            field="required_safeguards",
        )
    return list(dict.fromkeys(required))  # keep order, drop repeats


def save_rule(
    session: Session,
    code: str,
    *,
    title: str,
    stage: HandlingStage | None = None,
    channel: HandlingChannel | None = None,
    min_marking: str | None = None,
    personal_data: bool = False,
    special_category: bool = False,
    required: list[str] | None = None,
    prohibited: bool = False,
    active: bool = True,
) -> HandlingRule:
    """Create or update the rule ``code``. A rule must ask for something: a safeguard or a ban."""
    code = code.strip().upper()
    if not code or not title.strip():
        raise ValidationError("A handling rule needs a code and a title.", field="code")
    needed = _check_safeguards(required or [])
    if not needed and not prohibited:
        raise ValidationError(
            f"Rule {code} asks for nothing: give a required safeguard or mark it prohibited.",
            field="required_safeguards",
        )
    # Resolve everything before touching the session, so a refusal leaves nothing pending.
    marking = classification.marking(session, min_marking) if min_marking else None
    rule = session.execute(select(HandlingRule).where(HandlingRule.code == code)).scalar()
    if rule is None:
        rule = HandlingRule(code=code)
        session.add(rule)
    rule.title = title.strip()
    rule.stage = stage
    rule.channel = channel
    rule.min_marking = marking
    rule.applies_to_personal_data = personal_data or special_category
    rule.applies_to_special_category = special_category
    rule.required_safeguards = needed
    rule.prohibited = prohibited
    rule.active = active
    return rule
