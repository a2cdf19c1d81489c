"""Changing the risk method: a new criteria version, and every risk re-scored consistently.

ISO/IEC 27001 6.1.2 b asks that repeated assessments give comparable results. When the scales
change, other tools leave every risk to be re-classified by hand; here the user gives (or accepts
a suggested) mapping from old scale points to new, previews the effect on every risk, and applies
it in one transaction: a new criteria version, and each risk's ratings mapped onto it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.io.exports.method_document import MethodDocument
from isms.services.documents.marking import MarkingChoice, choose, content_marking
from isms.services.handling import load_rules
from isms.services.read.queries import current_criteria, current_criteria_row, register_name

from ..errors import ConflictError, ValidationError
from ..method.criteria import Criteria, ScalePoint
from ..model import (
    Person,
    PersonRole,
    RegisterSetting,
    Risk,
    RiskCriteria,
    RiskStatus,
    Role,
    SignatureKind,
    SignatureState,
)
from . import risks as risk_service
from . import signatures


@dataclass(frozen=True)
class ScaleMapping:
    """Old scale position -> new scale position, for likelihood and for impact."""

    likelihood: dict[int, int] = field(default_factory=dict)
    impact: dict[int, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            "likelihood": {str(k): v for k, v in sorted(self.likelihood.items())},
            "impact": {str(k): v for k, v in sorted(self.impact.items())},
        }


def _proportional(old: tuple[ScalePoint, ...], new: tuple[ScalePoint, ...]) -> dict[int, int]:
    """Old point n of N lands where n/N falls on the new scale (identity for equal sizes)."""
    size_old, size_new = len(old), len(new)
    return {p.value: max(1, min(size_new, round(p.value * size_new / size_old))) for p in old}


def suggest_mapping(old: Criteria, new: Criteria) -> ScaleMapping:
    return ScaleMapping(
        _proportional(old.likelihood, new.likelihood), _proportional(old.impact, new.impact)
    )


def complete_mapping(mapping: ScaleMapping | None, old: Criteria, new: Criteria) -> ScaleMapping:
    """The user's mapping, with the suggestion filling any scale they left out, checked."""
    suggested = suggest_mapping(old, new)
    if mapping is None:
        return suggested
    full = ScaleMapping(
        mapping.likelihood or suggested.likelihood, mapping.impact or suggested.impact
    )
    _check_mapping(full, old, new)
    return full


def _check_mapping(mapping: ScaleMapping, old: Criteria, new: Criteria) -> None:
    for name, table, old_scale, new_scale in (
        ("likelihood", mapping.likelihood, old.likelihood, new.likelihood),
        ("impact", mapping.impact, old.impact, new.impact),
    ):
        for point in old_scale:
            target = table.get(point.value)
            if target is None:
                raise ValidationError(
                    f"Say where old {name} {point.value} ({point.label}) goes on the new scale.",
                    field=f"mapping.{name}",
                )
            if not 1 <= target <= len(new_scale):
                raise ValidationError(
                    f"Old {name} {point.value} is mapped to {target}, outside the new scale "
                    f"1-{len(new_scale)}.",
                    field=f"mapping.{name}",
                )


@dataclass(frozen=True)
class Rescore:
    """What one risk becomes under the new criteria."""

    ref: str
    before: dict[str, str | None]
    after: dict[str, str | None]
    ratings: dict[str, tuple[int | None, int | None]]

    @property
    def changed_level(self) -> bool:
        return self.before != self.after


def _map_rating(
    value: tuple[int | None, int | None],
    mapping: ScaleMapping,
) -> tuple[int | None, int | None]:
    likelihood, impact = value
    return (
        mapping.likelihood.get(likelihood) if likelihood is not None else None,
        mapping.impact.get(impact) if impact is not None else None,
    )


def _live_risks(session: Session) -> list[Risk]:
    return list(
        session.execute(
            select(Risk).where(Risk.status != RiskStatus.RETIRED).order_by(Risk.ref)
        ).scalars()
    )


def preview(session: Session, new: Criteria, mapping: ScaleMapping | None = None) -> list[Rescore]:
    """Every live risk's levels before and after, without writing anything."""
    old = current_criteria(session)
    mapping = complete_mapping(mapping, old, new)
    result = []
    for risk in _live_risks(session):
        before_levels = risk_service.levels(old, risk)
        ratings = {
            s: _map_rating(risk_service.rating(risk, s), mapping) for s in risk_service.STAGES
        }
        after = {s: new.level(*ratings[s]) for s in risk_service.STAGES}
        result.append(
            Rescore(
                risk.ref,
                {
                    s: (lv.name if lv else None)
                    for s, lv in zip(
                        risk_service.STAGES,
                        (before_levels.inherent, before_levels.current, before_levels.residual),
                        strict=True,
                    )
                },
                {s: (lv.name if lv else None) for s, lv in after.items()},
                ratings,
            )
        )
    return result


@dataclass(frozen=True)
class CriteriaChange:
    version: int
    risks_rescored: int
    levels_changed: int
    acceptances_withdrawn: int


def change_criteria(
    session: Session,
    new: Criteria,
    *,
    note: str,
    actor: str,
    mapping: ScaleMapping | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> CriteriaChange:
    """Make ``new`` the register's criteria as a new version and re-score every live risk.

    ``expected_version``: the version the user's mapping and preview were made against; if the
    register has moved on since, the change is refused rather than applied to other criteria.
    """
    new.validate()
    old_row = current_criteria_row(session)
    if expected_version is not None and old_row.version_number != expected_version:
        raise ConflictError(
            f"The risk criteria were changed by someone else after you opened them (you had "
            f"version {expected_version}; the register is at version {old_row.version_number})."
            " Open the criteria again.",
            record="risk criteria",
            yours=expected_version,
            theirs=old_row.version_number,
        )
    old = Criteria.from_definition(old_row.definition)
    if new.to_definition() == old.to_definition():
        raise ValidationError("The criteria are unchanged; nothing to save.")
    mapping = complete_mapping(mapping, old, new)
    number = (session.execute(select(func.max(RiskCriteria.version_number))).scalar() or 0) + 1
    row = RiskCriteria(
        version_number=number, definition=new.to_definition(), note=note.strip(), created_by=actor
    )
    session.add(row)
    session.flush()
    # Approving the method is the acting user's act (the access guard lets only an
    # administrator write the criteria once access control is on): their signature names them.
    approver = signatures.acting_person(session)
    if approver is not None:
        signatures.record(session, SignatureKind.METHOD_APPROVAL, "risk_criteria", row.id,
                          approver)
    setting = session.get(RegisterSetting, "criteria")
    assert setting is not None  # current_criteria_row() above found it
    setting.value = {"current_id": row.id}
    today = today or date.today()
    rescored = changed = withdrawn = 0
    for risk in _live_risks(session):
        before = risk_service.levels(old, risk)
        for stage in risk_service.STAGES:
            likelihood, impact = _map_rating(risk_service.rating(risk, stage), mapping)
            setattr(risk, f"{stage}_likelihood", likelihood)
            setattr(risk, f"{stage}_impact", impact)
        risk.criteria_id = row.id
        rescored += 1
        after = risk_service.levels(new, risk)
        if _names(before) != _names(after):
            changed += 1
            if (
                before.residual
                and after.residual
                and before.residual.name != after.residual.name
                and risk.current_acceptance is not None
            ):
                risk_service.withdraw_acceptance(
                    risk,
                    f"criteria v{number}: residual level {before.residual.name} became "
                    f"{after.residual.name}",
                )
                withdrawn += 1
        if not risk.review_override_reason:
            risk.next_review = new.next_review(after.governing, today)
    return CriteriaChange(number, rescored, changed, withdrawn)


def _names(levels: risk_service.Levels) -> tuple[str | None, ...]:
    return tuple(
        lv.name if lv else None for lv in (levels.inherent, levels.current, levels.residual)
    )


def method_document(session: Session) -> MethodDocument:
    """The method in force, as the risk method document states it: the current criteria
    version with its scales, matrix, levels, appetite and acceptance authority, who owns and
    who approved it (the approver's confirmed signature) and when, and the active handling
    rules."""
    row = current_criteria_row(session)
    criteria = Criteria.from_definition(row.definition)
    approval = next((s for s in reversed(signatures.of_subjects(
        session, "risk_criteria", [row.id]).get(row.id, []))
        if s.kind == SignatureKind.METHOD_APPROVAL and s.state == SignatureState.CONFIRMED),
        None)
    return MethodDocument(
        register_name=register_name(session), version_number=row.version_number,
        created_at=row.created_at, created_by=row.created_by, note=row.note,
        criteria=criteria, rules=load_rules(session),
        owner=criteria.method_owner or _siros(session),
        approved_by=approval.signer.name if approval is not None else "",
        approved_at=approval.resolved_at if approval is not None else None)


def _siros(session: Session) -> str:
    """"Sue Siro (SIRO)": who owns the method when the criteria name nobody."""
    names = session.execute(
        select(Person.name).join(PersonRole).where(PersonRole.role == Role.SIRO,
                                                   Person.active.is_(True))
        .order_by(Person.name)).scalars().all()
    return ", ".join(names) + " (SIRO)" if names else ""


def export_marking(session: Session, requested: str | None = None) -> MarkingChoice:
    """The marking of the exported criteria: ``requested`` (checked against the scheme), else
    the method's own (the scheme's lowest, as its document)."""
    return choose(session, requested, content_marking(session, "method", None))


def export_json(session: Session, choice: MarkingChoice | None = None) -> str:
    """The current criteria as JSON, its protective marking first (default: the method's)."""
    row = current_criteria_row(session)
    choice = choice or export_marking(session)
    document: dict[str, Any] = {
        # A JSON file has no page to print a marking on: it is the first key a reader sees.
        "marking": choice.label,
        "isms_risk_criteria": 1,
        "version": row.version_number,
        "note": row.note,
        "criteria": Criteria.from_definition(row.definition).to_definition(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_json(text: str, source: str = "the file") -> Criteria:
    """Criteria from an exported document (or a bare definition), validated."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    if isinstance(data, dict) and "criteria" in data:
        # The export's marking says how to handle the file; the criteria do not depend on it,
        # but one that is not a marking's name is a sign of a hand-edited file gone wrong.
        marking = data.get("marking", "")
        if not isinstance(marking, str):
            raise ValidationError(f"{source}: its 'marking' must be a marking's name, not "
                                  f"{json.dumps(marking)}.", field="marking")
        data = data["criteria"]
    return Criteria.from_definition(data)


def parse_mapping(likelihood: str | None, impact: str | None) -> ScaleMapping | None:
    """'1=1,2=1,3=2' strings from the command line into a mapping (None: suggest one)."""
    if likelihood is None and impact is None:
        return None

    def table(text: str | None, name: str) -> dict[int, int]:
        result: dict[int, int] = {}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            try:
                old, new = (int(x) for x in part.split("="))
            except ValueError:
                raise ValidationError(
                    f"'{part}' in the {name} mapping is not OLD=NEW.", field=f"mapping.{name}"
                ) from None
            result[old] = new
        return result

    return ScaleMapping(table(likelihood, "likelihood"), table(impact, "impact"))
