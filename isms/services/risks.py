"""Identifying, scoring, treating, accepting and retiring risks (ISO/IEC 27001 6.1.2, 6.1.3).

Every function takes a session, checks the rules, changes ORM objects (so the change log records
it) and leaves the commit to the caller: one user action, one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from isms.services.read.queries import current_criteria, current_criteria_id, next_risk_ref

from ..errors import ValidationError
from ..method.criteria import AUTHORITIES, AUTHORITY_WORDS, Authority, Criteria, Level
from ..model import (
    ActionStatus,
    Applicability,
    Asset,
    AssetStatus,
    Control,
    Department,
    InclusionReason,
    Person,
    PersonRole,
    ReviewMeeting,
    Risk,
    RiskAcceptance,
    RiskStatus,
    Signature,
    SignatureKind,
    SignatureState,
    SoaEntry,
    Threat,
    TreatmentAction,
    TreatmentOption,
    Vulnerability,
)
from ..model.base import utcnow
from . import local_controls, signatures
from .dates import check_review_date
from .roles import AUTHORITY_ROLES, can_approve, may_sign_off

Rating = tuple[int | None, int | None]
STAGES = ("inherent", "current", "residual")


@dataclass(frozen=True)
class Levels:
    """A risk's three levels: inherent (before any control), current (today's exposure, with
    the controls in place) and residual (the target the treatment plan is to reach)."""

    inherent: Level | None
    current: Level | None
    residual: Level | None

    @property
    def governing(self) -> Level | None:
        """The one level that says how exposed the council is today, so the one compared with
        the appetite (the dashboard's above-appetite list, the review agenda) and the one that
        sets the review cadence: the current level, else the inherent while the risk was never
        assessed with its controls. Never the residual: that is a plan until it is reached."""
        return self.current or self.inherent

    @property
    def governing_stage(self) -> str | None:
        """"current" or "inherent": which stage :attr:`governing` is (None: not rated)."""
        return "current" if self.current else "inherent" if self.inherent else None

    def target_without_plan(self, criteria: Criteria, open_actions: int) -> bool:
        """A residual (target) level within the appetite while today's exposure is above it,
        with no open treatment action to get there: a level on paper only."""
        return (open_actions == 0 and self.residual is not None
                and criteria.above_appetite(self.governing)
                and not criteria.above_appetite(self.residual))


#: Action statuses that still have work to do.
OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
#: How a risk flagged by :meth:`Levels.target_without_plan` is described wherever it shows.
TARGET_WITHOUT_PLAN = "target without a plan"


def open_actions(risk: Risk) -> list[TreatmentAction]:
    return [action for action in risk.actions if action.status in OPEN_ACTION]


def target_without_plan(criteria: Criteria, risk: Risk) -> bool:
    """Whether ``risk`` is flagged "target without a plan" (:meth:`Levels.target_without_plan`)."""
    return levels(criteria, risk).target_without_plan(criteria, len(open_actions(risk)))


def rating(risk: Risk, stage: str) -> Rating:
    return getattr(risk, f"{stage}_likelihood"), getattr(risk, f"{stage}_impact")


def levels(criteria: Criteria, risk: Risk) -> Levels:
    return Levels(*(criteria.level(*rating(risk, stage)) for stage in STAGES))


def review_date(criteria: Criteria, risk: Risk, start: date) -> date | None:
    return criteria.next_review(levels(criteria, risk).governing, start)


def planned_review(
    criteria: Criteria,
    planned: Levels,
    today: date,
    *,
    override: date | None = None,
    rescored: bool = True,
    scheduled: date | None = None,
) -> tuple[date | None, str]:
    """The next review a save would give a risk with the levels ``planned``, and why.

    The rule :func:`score_risk` and :func:`override_review` apply, for a live preview (the risk
    editor's "Next review"): a date set by hand (``override``) stands; otherwise new scores
    (``rescored``) start the cadence of the governing level from ``today``, and unchanged ones
    keep the review ``scheduled`` now.
    """
    if override is not None:
        return override, "set by hand"
    governing = planned.governing
    if governing is None:
        return None, "Rate the risk to plan its review."
    governs = planned.governing_stage
    days = criteria.cadence_days[governing.name]
    why = f"{governing.name} ({governs}) risks are reviewed every {days} days"
    if not rescored:
        # The services move the date only when the scores change: it stays as planned.
        return scheduled, f"{why}; new scores start the cadence again"
    return criteria.next_review(governing, today), f"{why}, from today"


@dataclass(frozen=True)
class ScoreChange:
    ref: str
    levels: Levels
    next_review: date | None
    acceptance_withdrawn: bool


def score_risk(
    session: Session,
    risk: Risk,
    *,
    inherent: Rating | None = None,
    current: Rating | None = None,
    residual: Rating | None = None,
    today: date | None = None,
) -> ScoreChange:
    """Set any of the three ratings (None leaves a stage as it is; (None, None) clears it).

    Scores are checked against the register's current criteria, and the risk is marked as
    scored with that version. Changing the scores of an accepted risk withdraws the acceptance,
    since the owner accepted something else. The next review follows the cadence of the new
    level unless it was overridden with a reason.
    """
    criteria = current_criteria(session)
    today = today or date.today()
    given = {"inherent": inherent, "current": current, "residual": residual}
    changed = False
    for stage, value in given.items():
        if value is None:
            continue
        likelihood, impact = value
        if (likelihood is None) != (impact is None):
            raise ValidationError(
                f"Give both likelihood and impact for the {stage} rating, or neither.",
                field=f"{stage}_likelihood",
            )
        criteria.check_rating(likelihood, impact, stage)
        if rating(risk, stage) != (likelihood, impact):
            setattr(risk, f"{stage}_likelihood", likelihood)
            setattr(risk, f"{stage}_impact", impact)
            changed = True
    withdrawn = False
    if changed:
        risk.criteria_id = current_criteria_id(session)
        if risk.current_acceptance is not None:
            withdraw_acceptance(risk, "the risk was re-scored after it was accepted")
            withdrawn = True
        if risk.status == RiskStatus.IDENTIFIED and risk.inherent_likelihood is not None:
            risk.status = RiskStatus.ASSESSED
        if not risk.review_override_reason:
            risk.next_review = review_date(criteria, risk, today)
    return ScoreChange(risk.ref, levels(criteria, risk), risk.next_review, withdrawn)


def suggest_impact(session: Session, risk: Risk) -> int | None:
    """The impact the highest C/I/A rating among the risk's assets suggests (None: unrated)."""
    ratings = [a.highest_cia for a in risk.assets if a.highest_cia is not None]
    return current_criteria(session).impact_from_cia(max(ratings) if ratings else None)


def override_review(
    session: Session, risk: Risk, when: date | None, reason: str, today: date | None = None
) -> None:
    """Move the next review off the cadence (reason required), or back onto it (when=None)."""
    if when is None:
        risk.review_override_reason = ""
        risk.next_review = review_date(current_criteria(session), risk, today or date.today())
        return
    if not reason.strip():
        raise ValidationError(
            f"Say why the review of {risk.ref} departs from the cadence.", field="reason"
        )
    if when != risk.next_review:
        check_review_date(when, f"the next review of {risk.ref}", "review_date", today)
    risk.next_review = when
    risk.review_override_reason = reason.strip()


# --- identifying and retiring ---------------------------------------------------------------

_Catalogued = TypeVar("_Catalogued", Threat, Vulnerability)


def _get(session: Session, model: type[Any], record_id: int | None, what: str, field: str) -> Any:
    found = session.get(model, record_id) if record_id is not None else None
    if record_id is not None and found is None:
        raise ValidationError(f"The {what} chosen is no longer in the register.", field=field)
    return found


def catalogue_id(session: Session, model: type[_Catalogued], code: str) -> int:
    """The id of the threat or vulnerability with this code ("T03", "V05"), case-insensitively."""
    what = "threat" if model is Threat else "vulnerability"
    found = session.execute(
        select(model.id).where(func.lower(model.code) == code.strip().lower())
    ).scalar()
    if found is None:
        raise ValidationError(f"No {what} '{code}' in the catalogue.", field=f"{what}_id")
    return int(found)


def catalogue(session: Session, model: type[_Catalogued]) -> list[tuple[str, int]]:
    """The threats or vulnerabilities to choose from, as ("T03 Malware", id), by code."""
    rows = session.execute(select(model.code, model.name, model.id).order_by(model.code))
    return [(f"{code} {name}", record_id) for code, name, record_id in rows]


def add_risk(
    session: Session,
    *,
    title: str,
    department_id: int | None,
    description: str = "",
    owner_id: int | None = None,
    asset_ids: Sequence[int] = (),
    threat_id: int | None = None,
    vulnerability_id: int | None = None,
    ref: str | None = None,
    affects: str | None = None,
) -> Risk:
    """A new risk, identified but not yet scored (6.1.2 c), with the next R- reference unless
    ``ref`` is given. The owner must still be with the council and the assets not retired;
    the scores come later (the risk editor, ``isms risks score``). ``affects`` (C/I/A letters)
    defaults to what the threat usually affects."""
    if not title.strip():
        raise ValidationError("A risk needs a title.", field="title")
    if len(title.strip()) > 300:
        raise ValidationError("A risk's title has at most 300 characters.", field="title")
    if department_id is None:
        raise ValidationError("Choose the department the risk belongs to.",
                              field="department_id")
    department: Department = _get(session, Department, department_id, "department",
                                  "department_id")
    owner: Person | None = _get(session, Person, owner_id, "owner", "owner_id")
    if owner is not None and not owner.active:
        raise ValidationError(f"{owner.name} has left (inactive) and cannot own a risk.",
                              field="owner_id")
    assets: list[Asset] = []
    for asset_id in dict.fromkeys(asset_ids):
        asset: Asset = _get(session, Asset, asset_id, "asset", "asset_ids")
        if asset.status == AssetStatus.RETIRED:
            raise ValidationError(f"{asset.ref} is retired: a new risk cannot be to it.",
                                  field="asset_ids")
        assets.append(asset)
    threat: Threat | None = _get(session, Threat, threat_id, "threat", "threat_id")
    vulnerability: Vulnerability | None = _get(session, Vulnerability, vulnerability_id,
                                               "vulnerability", "vulnerability_id")
    return new_risk(session, ref=ref, title=title.strip(), description=description.strip(),
                    department=department, owner=owner, assets=assets, threat=threat,
                    vulnerability=vulnerability,
                    affects=(affects_letters(affects) if affects is not None
                             else threat.affects if threat else ""))


def starting_values(
    session: Session, asset_ids: Sequence[int] = (), department_id: int | None = None
) -> dict[str, Any]:
    """What a new risk to these assets starts with, as :func:`add_risk` takes it: the live
    assets, the department of the first (else ``department_id``) and its owner while they are
    with the council (a risk to an asset is first its owner's)."""
    assets = [asset for asset in (session.get(Asset, i) for i in dict.fromkeys(asset_ids))
              if asset is not None and asset.status != AssetStatus.RETIRED]
    first = assets[0] if assets else None
    owner = first.owner if first is not None else None
    return {
        "title": "",
        "department_id": first.department_id if first is not None else department_id,
        "owner_id": owner.id if owner is not None and owner.active else None,
        "asset_ids": [asset.id for asset in assets],
        "threat_id": None,
        "vulnerability_id": None,
        "description": "",
    }


def asset_labels(session: Session, asset_ids: Sequence[int]) -> dict[int, str]:
    """"A-001 Payroll records" for each of these assets (those still in the register)."""
    found = session.execute(select(Asset.id, Asset.ref, Asset.name).where(
        Asset.id.in_(list(asset_ids))))
    return {asset_id: f"{ref} {name}" for asset_id, ref, name in found}


def new_risk(session: Session, *, ref: str | None = None, **values: Any) -> Risk:
    """A risk just identified (not scored yet), added to the session with the register's next
    reference unless ``ref`` is given: what every way of making a risk by hand shares (a new
    risk, a handling finding made a risk). ``values`` are the Risk's columns and relations."""
    risk = Risk(ref=ref or next_risk_ref(session), status=RiskStatus.IDENTIFIED, **values)
    session.add(risk)
    return risk


def mark_retired(risk: Risk) -> None:
    """The risk no longer applies: it leaves the live register but is kept, never deleted."""
    risk.status = RiskStatus.RETIRED
    risk.retired_at = utcnow()


#: Where a risk stands (identified, assessed, ..., retired) and when it was retired: put back
#: by an undo with :func:`restore_status`, after the scores and treatment.
STATUS_FIELDS = ("status", "retired_at")


def restore_status(risk: Risk, values: dict[str, Any]) -> None:
    """Put back the status (and retirement date) an undo or redo recorded.

    Except "accepted" for a risk whose acceptance has been withdrawn since: an undo does not
    bring an acceptance back, and an accepted risk without one would mislead."""
    if not values.keys() & set(STATUS_FIELDS):
        return
    status = RiskStatus(values.get("status", risk.status))
    if status == RiskStatus.ACCEPTED and risk.current_acceptance is None:
        return
    risk.status = status
    if "retired_at" in values:
        risk.retired_at = values["retired_at"]


def retire_risk(risk: Risk, reason: str, today: date | None = None) -> None:
    """Retire a risk by hand, saying why; the reason is kept at the end of its description
    (a review's decision to retire one is recorded in the meeting's minutes instead)."""
    if risk.status == RiskStatus.RETIRED:
        raise ValidationError(f"{risk.ref} is retired already.", field="status")
    if not reason.strip():
        raise ValidationError(f"Say why {risk.ref} is retired.", field="reason")
    note = f"Retired on {(today or date.today()).isoformat()}: {reason.strip()}"
    risk.description = f"{risk.description.rstrip()}\n\n{note}".strip()
    mark_retired(risk)


def update_details(risk: Risk, *, title: str, description: str, owner: Person | None) -> None:
    """The risk's words and owner. A new owner does not inherit the old owner's acceptance."""
    if not title.strip():
        raise ValidationError(f"{risk.ref} needs a title.", field="title")
    # Compare records, not ids: an owner set earlier in this unflushed session has no id yet
    # on risk.owner_id.
    owner_changes = owner is not risk.owner
    if owner_changes and owner is not None and not owner.active:
        raise ValidationError(
            f"{owner.name} has left (inactive) and cannot own {risk.ref}.", field="owner"
        )
    risk.title = title.strip()
    risk.description = description.strip()
    if owner_changes:
        if risk.current_acceptance is not None:
            withdraw_acceptance(risk, "the risk has a new owner, who has not accepted it")
        risk.owner = owner


# --- the risk editor's save -----------------------------------------------------------------

#: The risk's words and owner, as the editor edits them.
DETAIL_FIELDS = ("title", "description", "owner_id")
RATING_FIELDS = tuple(f"{stage}_{part}" for stage in STAGES for part in ("likelihood", "impact"))
#: What the risk is made of (6.1.2 c/d): its threat and vulnerability, the C/I/A it affects,
#: the controls in place today (words), its assets and the controls chosen to treat it (ids).
ANALYSIS_FIELDS = ("threat_id", "vulnerability_id", "affects", "existing_controls",
                   "asset_ids", "control_ids")
#: Every value :func:`save_edit` takes (and :func:`edit_values` gives).
EDIT_FIELDS = (*DETAIL_FIELDS, *RATING_FIELDS, "treatment_option", "treatment_note",
               "review_date", "review_reason", *ANALYSIS_FIELDS)


def edit_values(risk: Risk) -> dict[str, Any]:
    """What the risk editor edits, as :func:`save_edit` takes it; the review date only while it
    is set by hand (else the cadence sets it)."""
    return {
        **{name: getattr(risk, name) for name in (*DETAIL_FIELDS, *RATING_FIELDS)},
        "treatment_option": risk.treatment_option,
        "treatment_note": risk.treatment_note,
        "review_date": risk.next_review if risk.review_override_reason else None,
        "review_reason": risk.review_override_reason,
        "threat_id": risk.threat.id if risk.threat else None,
        "vulnerability_id": risk.vulnerability.id if risk.vulnerability else None,
        "affects": risk.affects,
        "existing_controls": risk.existing_controls,
        # Sorted ids: a list compares equal whatever order the links were made in.
        "asset_ids": sorted(asset.id for asset in risk.assets),
        "control_ids": sorted(control.id for control in risk.controls),
    }


def save_edit(
    session: Session, risk: Risk, values: dict[str, Any], today: date | None = None
) -> None:
    """Save some of a risk's editable values (see EDIT_FIELDS; those not given stay), in the
    order the editor saves: details, then scores, then treatment, then the review date.

    The risk editor's save gives every value; an undo gives the ones it puts back. Only what
    differs from the risk is written, except the scores given, which are always checked against
    the criteria. ``review_date`` None puts the review back on the cadence; a date needs a
    ``review_reason``.
    """
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise TypeError(f"save_edit() cannot set {', '.join(sorted(unknown))}")
    now = edit_values(risk)
    given = {**now, **values}

    details = tuple(given[name] for name in DETAIL_FIELDS)
    if details != tuple(now[name] for name in DETAIL_FIELDS):
        owner_id = given["owner_id"]
        owner = session.get(Person, owner_id) if owner_id is not None else None
        if owner_id is not None and owner is None:
            raise ValidationError(
                f"The owner of {risk.ref} is no longer in the register.", field="owner"
            )
        update_details(risk, title=given["title"], description=given["description"], owner=owner)
    ratings = {
        stage: (given[f"{stage}_likelihood"], given[f"{stage}_impact"])
        for stage in STAGES
        if {f"{stage}_likelihood", f"{stage}_impact"} & values.keys()
    }
    if ratings:
        score_risk(session, risk, **ratings, today=today)
    _save_analysis(session, risk, {k: v for k, v in values.items() if k in ANALYSIS_FIELDS},
                   now)
    # The services can choose an option but not un-choose one: a risk whose option was "not
    # decided yet" keeps the option chosen since.
    option, note = given["treatment_option"], given["treatment_note"]
    if option is not None and (option, note) != (now["treatment_option"], now["treatment_note"]):
        set_treatment(risk, TreatmentOption(option), note)
    if values.keys() & {"review_date", "review_reason"}:
        if given["review_date"] is not None:
            override_review(session, risk, given["review_date"], given["review_reason"] or "",
                            today=today)
        elif risk.review_override_reason:
            override_review(session, risk, None, "", today=today)


def affects_letters(text: str) -> str:
    """"ic" -> "CI": the letters of confidentiality, integrity and availability a risk affects,
    in that order; anything else is refused naming the field."""
    letters = text.replace(",", "").replace(" ", "").replace("/", "").upper()
    wrong = sorted(set(letters) - set("CIA"))
    if wrong:
        raise ValidationError(
            f"A risk affects C, I or A (confidentiality, integrity, availability), not "
            f"{', '.join(wrong)}.", field="affects")
    return "".join(letter for letter in "CIA" if letter in letters)


def _save_analysis(
    session: Session, risk: Risk, values: dict[str, Any], now: dict[str, Any]
) -> None:
    """The threat, vulnerability, C/I/A, existing controls, assets and planned controls given
    in ``values`` that differ from ``now``. A newly linked asset must not be retired; a newly
    chosen control becomes applicable in the department's SoA (:func:`link_control`)."""
    changed = {name: value for name, value in values.items()
               if (sorted(value) if name.endswith("_ids") else value) != now[name]}
    if "threat_id" in changed:
        risk.threat = _get(session, Threat, changed["threat_id"], "threat", "threat_id")
    if "vulnerability_id" in changed:
        risk.vulnerability = _get(session, Vulnerability, changed["vulnerability_id"],
                                  "vulnerability", "vulnerability_id")
    if "affects" in changed:
        risk.affects = affects_letters(changed["affects"] or "")
    if "existing_controls" in changed:
        risk.existing_controls = (changed["existing_controls"] or "").strip()
    if "asset_ids" in changed:
        linked = {asset.id for asset in risk.assets}
        wanted: list[Asset] = []
        for asset_id in dict.fromkeys(changed["asset_ids"]):
            asset: Asset = _get(session, Asset, asset_id, "asset", "asset_ids")
            if asset.id not in linked and asset.status == AssetStatus.RETIRED:
                raise ValidationError(f"{asset.ref} is retired: {risk.ref} cannot be linked "
                                      "to it.", field="asset_ids")
            wanted.append(asset)
        risk.assets = wanted
    if "control_ids" in changed:
        chosen: list[Control] = [
            _get(session, Control, control_id, "control", "control_ids")
            for control_id in dict.fromkeys(changed["control_ids"])]
        for control in [c for c in risk.controls if c not in chosen]:
            unlink_control(risk, control)
        for control in [c for c in chosen if c not in risk.controls]:
            link_control(session, risk, control)
    if changed.keys() & {"asset_ids", "control_ids"}:
        # Links live in other tables: mark the risk changed so its version moves (and a stale
        # copy's save is refused) even when no column of its own changed.
        flag_modified(risk, "title")


# --- treatment ------------------------------------------------------------------------------


def set_treatment(risk: Risk, option: TreatmentOption, note: str = "") -> None:
    risk.treatment_option = option
    risk.treatment_note = note
    if risk.status in (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED) and option != (
        TreatmentOption.RETAIN
    ):
        risk.status = RiskStatus.TREATMENT


def add_action(
    risk: Risk,
    title: str,
    *,
    owner: Person | None = None,
    due: date | None = None,
    control: Control | None = None,
) -> TreatmentAction:
    if not title.strip():
        raise ValidationError("A treatment action needs a title.", field="title")
    action = TreatmentAction(title=title.strip(), owner=owner, due_date=due, control=control)
    risk.actions.append(action)
    return action


def set_action_status(
    action: TreatmentAction, status: ActionStatus, today: date | None = None
) -> None:
    action.status = status
    action.completed_on = (today or date.today()) if status == ActionStatus.DONE else None


def link_control(session: Session, risk: Risk, control: Control) -> SoaEntry:
    """Choose a control to treat the risk (6.1.3 b). The control becomes applicable in the
    department's SoA with "risk assessment" among its reasons; an exclusion is reversed."""
    if control not in risk.controls:
        local_controls.refuse_retired([control], "control_ids")
        risk.controls.append(control)
    entry = session.execute(
        select(SoaEntry).where(
            SoaEntry.department_id == risk.department_id, SoaEntry.control_id == control.id
        )
    ).scalar()
    if entry is None:
        # Applicable now, not at the flush: the caller says what it made of the SoA.
        entry = SoaEntry(department_id=risk.department_id, control=control,
                         applicability=Applicability.APPLICABLE, reasons=[])
        session.add(entry)
    if entry.applicability == Applicability.EXCLUDED:
        entry.applicability = Applicability.APPLICABLE
        entry.inclusion_note = (
            f"{entry.inclusion_note}\nIncluded again: risk {risk.ref} relies on it "
            f"(the exclusion read: {entry.exclusion_justification})"
        ).strip()
        entry.exclusion_justification = ""
    if InclusionReason.RISK_ASSESSMENT.value not in (entry.reasons or []):
        entry.reasons = [*(entry.reasons or []), InclusionReason.RISK_ASSESSMENT.value]
    return entry


def unlink_control(risk: Risk, control: Control) -> None:
    """Stop relying on a control. The SoA entry stays: whether it remains applicable for other
    reasons is the SoA owner's decision, not a side effect."""
    if control in risk.controls:
        risk.controls.remove(control)


# --- acceptance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepting:
    """What an acceptance would accept: the level, who may accept it, and the words the
    acceptance's record starts with when it names the current level rather than the target."""

    level: Level
    authority: Authority
    #: "Accepted at current level Very high (target High not reached)" or "".
    at_current: str


def accepting(criteria: Criteria, risk: Risk, *, at_current: bool = False) -> Accepting:
    """The level an acceptance of ``risk`` is of, or a ValidationError saying why it cannot be.

    An acceptance is of the residual (target) level, unless ``at_current``: then of today's
    exposure (:attr:`Levels.governing`). Accepting a target below today's exposure, while that
    exposure is above the appetite (or needs more to accept), needs the plan to reach it
    complete: treatment actions planned and none still open; otherwise the owner accepts the
    current level, and the acceptance says so.
    """
    found = levels(criteria, risk)
    exposure, target = found.governing, found.residual
    if at_current:
        if exposure is None:
            raise ValidationError(f"Rate the current risk of {risk.ref} before it can be "
                                  "accepted at its current level.", field="current_likelihood")
        words = f"{AT_CURRENT}{exposure.name}"
        if target is not None and criteria.rank(target) < criteria.rank(exposure):
            words += f" (target {target.name} not reached)"
        return Accepting(exposure, criteria.authority(exposure), words)
    if target is None:
        raise ValidationError(
            f"Rate the residual risk of {risk.ref} before it can be accepted.",
            field="residual_likelihood",
        )
    if exposure is not None and target_not_reached(criteria, risk):
        still_open = open_actions(risk)
        instead = f"or accept it at its current level ({exposure.name}) instead"
        if still_open:
            titles = "; ".join(f"#{a.id} {a.title}" if a.id else a.title for a in still_open)
            raise ValidationError(
                f"{risk.ref} is {exposure.name} today and its target ({target.name}) is not "
                f"reached: {len(still_open)} treatment action(s) still open ({titles}). Accept "
                f"the target once they are done, {instead}.", field="at_current")
        raise ValidationError(
            f"{risk.ref} is {exposure.name} today and no treatment action plans to bring "
            f"it to its target ({target.name}): a {TARGET_WITHOUT_PLAN}. Plan the "
            f"actions, {instead}.", field="at_current")
    return Accepting(target, criteria.authority(target), "")


def target_not_reached(criteria: Criteria, risk: Risk) -> bool:
    """Whether the residual (target) of ``risk`` cannot be accepted as reached: today's
    exposure is higher (above the appetite, or needing more to accept) and the plan to reach
    the target is not complete (no treatment action, or one still open). Only the current
    level can be accepted then (:func:`accepting` with ``at_current``)."""
    found = levels(criteria, risk)
    if found.governing is None or found.residual is None:
        return False
    return _gap_matters(criteria, found.governing, found.residual) and (
        not risk.actions or bool(open_actions(risk)))


#: How an acceptance of today's exposure starts its rationale (no column records the level
#: accepted: the words do, and the documents read them back with :func:`at_current_level`).
AT_CURRENT = "Accepted at current level "


def at_current_level(rationale: str) -> str | None:
    """The level an acceptance named as current ("Very high"), or None for one of the target."""
    if not rationale.startswith(AT_CURRENT):
        return None
    rest = rationale[len(AT_CURRENT):]
    return rest.split(" (", 1)[0].split(". ", 1)[0]


def _gap_matters(criteria: Criteria, exposure: Level, target: Level) -> bool:
    """Whether accepting ``target`` rather than ``exposure`` would accept less than today:
    the exposure is higher and above the appetite, or needs more to accept."""
    if criteria.rank(exposure) <= criteria.rank(target):
        return False
    return criteria.above_appetite(exposure) or (
        AUTHORITIES.index(criteria.authority(exposure))
        > AUTHORITIES.index(criteria.authority(target)))


def _who_may(session: Session, authority: Authority) -> str:
    """"Sam Siro" or "Ann A, Bob B (approver)": the active people who may sign off."""
    roles = AUTHORITY_ROLES[authority]
    found = session.execute(
        select(Person.name).join(PersonRole).where(PersonRole.role.in_(roles),
                                                   Person.active.is_(True))
        .distinct().order_by(Person.name)).scalars().all()
    names = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return names or "nobody in this register yet"


def _needs_sign_off(criteria: Criteria, risk: Risk, what: Accepting) -> str:
    """"R-0003 is Very high, above the appetite (Medium): accepting it needs the risk owner
    with the SIRO's sign-off" (the risk criteria's acceptance authority)."""
    above = (f", above the appetite ({criteria.appetite})"
             if criteria.above_appetite(what.level) else "")
    return (f"{risk.ref} is {what.level.name}{above}: accepting it needs "
            f"{AUTHORITY_WORDS[what.authority]} (the risk criteria's acceptance authority)")


def _check_sign_off(session: Session, criteria: Criteria, risk: Risk, what: Accepting,
                    approver: Person, owner: Person) -> None:
    """``approver`` may sign off accepting ``risk`` at ``what``: active, holding a role the
    level's acceptance authority names, and not the risk owner."""
    if not approver.active or not can_approve(approver):
        raise ValidationError(
            f"{approver.name} does not hold the approver role and cannot sign off {risk.ref}.",
            field="approver")
    if not may_sign_off(approver, what.authority):
        raise ValidationError(
            f"{_needs_sign_off(criteria, risk, what)}; {approver.name} is not the SIRO. Who "
            f"may sign it off: {_who_may(session, what.authority)}.", field="approver")
    if approver.id == owner.id:
        raise ValidationError(
            "The risk owner cannot also be the approver of their own acceptance.",
            field="approver")


def accept_risk(
    session: Session,
    risk: Risk,
    *,
    by: Person,
    rationale: str,
    expires_on: date | None = None,
    approver: Person | None = None,
    today: date | None = None,
    at_current: bool = False,
) -> RiskAcceptance:
    """The risk owner accepts the residual risk (6.1.3 f), or with ``at_current`` today's
    exposure (:func:`accepting`). Who else signs off follows the criteria's acceptance
    authority for the level: an approver above the appetite, the SIRO at the top level by
    default. The acceptance lapses at ``expires_on`` (default: the next review)."""
    criteria = current_criteria(session)
    today = today or date.today()
    what = accepting(criteria, risk, at_current=at_current)
    level = what.level
    if risk.owner is None:
        raise ValidationError(f"{risk.ref} has no risk owner to accept it.", field="owner")
    if by is not risk.owner:
        owner = risk.owner.name if risk.owner else "its owner"
        raise ValidationError(
            f"Only the risk owner ({owner}) can accept {risk.ref}; {by.name} is not.", field="by"
        )
    if not rationale.strip():
        raise ValidationError("Say why the residual risk is acceptable.", field="rationale")
    expiry = expires_on or risk.next_review or criteria.next_review(level, today)
    if expiry is not None and expiry <= today:
        raise ValidationError("An acceptance must run beyond today.", field="expires_on")
    approved_at: datetime | None = None
    if what.authority != "owner" and approver is None:
        raise ValidationError(
            f"{_needs_sign_off(criteria, risk, what)}: an approver must sign off its "
            f"acceptance. Who may: {_who_may(session, what.authority)}.", field="approver")
    if approver is not None:
        _check_sign_off(session, criteria, risk, what, approver, by)
        approved_at = utcnow()
    previous = risk.current_acceptance
    if previous is not None:
        withdraw_acceptance(risk, "replaced by a new acceptance")
    acceptance = RiskAcceptance(
        accepted_by=by,
        accepted_at=utcnow(),
        rationale=(f"{what.at_current}. " if what.at_current else "") + rationale.strip(),
        expires_on=expiry,
        approved_by=approver if approved_at else None,
        approved_at=approved_at,
    )
    risk.acceptances.append(acceptance)
    risk.status = RiskStatus.ACCEPTED
    return acceptance


@dataclass(frozen=True)
class AcceptanceSigned:
    """What signing an acceptance did: the acceptance, once every signature it needs is
    confirmed (None while one awaits its signer), and the signatures recorded."""

    risk: Risk
    acceptance: RiskAcceptance | None
    signatures: list[Signature]

    @property
    def awaiting(self) -> list[Signature]:
        return [s for s in self.signatures if s.state == SignatureState.AWAITING]


def _residual(risk: Risk) -> list[int | None]:
    return [risk.residual_likelihood, risk.residual_impact]


def _current(risk: Risk) -> list[int | None]:
    return [risk.current_likelihood, risk.current_impact]


def sign_acceptance(
    session: Session,
    risk: Risk,
    *,
    rationale: str,
    expires_on: date | None = None,
    approver: Person | None = None,
    meeting: ReviewMeeting | None = None,
    today: date | None = None,
    at_current: bool = False,
) -> AcceptanceSigned:
    """The acting user accepts the residual risk of ``risk`` (with ``at_current``: its current
    level, :func:`accepting`) as its owner, or records the owner's acceptance for them (then it
    awaits the owner's confirmation and does not count).

    Where the level's acceptance authority needs a sign-off (above the appetite; the SIRO's at
    the top level by default) an approver signs too: the acting user when they hold the role
    the authority names and are not the owner, else ``approver`` (recorded for them, awaiting
    them). The acceptance record is made once every signature is confirmed
    (:func:`complete_acceptance`).
    """
    me = signatures.signer(session, f"accept the residual risk of {risk.ref}")
    today = today or date.today()
    criteria = current_criteria(session)
    what = accepting(criteria, risk, at_current=at_current)
    level = what.level
    owner = risk.owner
    if owner is None:
        raise ValidationError(f"{risk.ref} has no risk owner to accept it.", field="owner")
    if not rationale.strip():
        raise ValidationError("Say why the residual risk is acceptable.", field="rationale")
    expiry = expires_on or risk.next_review or criteria.next_review(level, today)
    if expiry is not None and expiry <= today:
        raise ValidationError("An acceptance must run beyond today.", field="expires_on")
    approving = approver
    if approving is None and what.authority != "owner":
        if me.id == owner.id or not may_sign_off(me, what.authority):
            siro = what.authority == "siro"
            who = "the SIRO, not the owner," if siro else "an approver other than the owner"
            raise ValidationError(
                f"{_needs_sign_off(criteria, risk, what)}: {who} must sign off its acceptance, "
                f"and {me.name} cannot; name the {'SIRO' if siro else 'approver'} whose "
                f"sign-off you record. Who may: {_who_may(session, what.authority)}.",
                field="approver")
        approving = me
    if approving is not None:
        _check_sign_off(session, criteria, risk, what, approving, owner)
    terms = {"rationale": rationale.strip(), "residual": _residual(risk),
             "expires_on": expiry.isoformat() if expiry else None, "group": uuid.uuid4().hex,
             "level": level.name}
    if at_current:
        terms["at_current"] = _current(risk) if risk.current_likelihood is not None else (
            [risk.inherent_likelihood, risk.inherent_impact])
    made = [signatures.record(session, SignatureKind.RISK_ACCEPTANCE, "risk", risk.id, owner,
                              meeting=meeting, terms=terms)]
    if approving is not None:
        made.append(signatures.record(session, SignatureKind.ACCEPTANCE_APPROVAL, "risk",
                                      risk.id, approving, meeting=meeting, terms=terms))
    acceptance = None
    if all(s.state == SignatureState.CONFIRMED for s in made):
        acceptance = complete_acceptance(session, risk, made, today)
    return AcceptanceSigned(risk, acceptance, made)


def acceptance_group(session: Session, signature: Signature) -> list[Signature]:
    """The signatures one acceptance needs (the owner's, and an approver's above appetite)."""
    group = signature.terms.get("group")
    return [s for s in signatures.of_subjects(session, "risk", [signature.subject_id]).get(
        signature.subject_id, []) if s.terms.get("group") == group]


def complete_acceptance(session: Session, risk: Risk, group: list[Signature],
                        today: date | None = None) -> RiskAcceptance:
    """Make the acceptance its confirmed signatures agreed, refusing when the risk is no
    longer what they accepted (re-scored, a new owner, retired)."""
    owner_sig = next(s for s in group if s.kind == SignatureKind.RISK_ACCEPTANCE)
    approval = next((s for s in group if s.kind == SignatureKind.ACCEPTANCE_APPROVAL), None)
    terms = owner_sig.terms
    if risk.retired_at is not None or risk.status == RiskStatus.CLOSED:
        raise ValidationError(f"{risk.ref} is {risk.status.value} since the acceptance was "
                              "recorded; decline it instead.", field="risk")
    at_current = terms.get("at_current")
    exposure = _current(risk) if risk.current_likelihood is not None else [
        risk.inherent_likelihood, risk.inherent_impact]
    if terms.get("residual") != _residual(risk) or (at_current and at_current != exposure):
        raise ValidationError(f"{risk.ref} was re-scored since the acceptance was recorded; "
                              "decline it and accept the new scores instead.", field="risk")
    if risk.owner is None or risk.owner.id != owner_sig.signer.id:
        raise ValidationError(f"{risk.ref} has a new owner since the acceptance was recorded; "
                              "decline it instead.", field="owner")
    expiry = date.fromisoformat(terms["expires_on"]) if terms.get("expires_on") else None
    acceptance = accept_risk(session, risk, by=risk.owner, rationale=terms["rationale"],
                             expires_on=expiry,
                             approver=approval.signer if approval is not None else None,
                             today=today, at_current=bool(at_current))
    acceptance.accepted_at = owner_sig.resolved_at or utcnow()
    if approval is not None:
        acceptance.approved_at = approval.resolved_at or utcnow()
    session.flush()
    for signature in group:
        signature.outcome_id = acceptance.id
    return acceptance


def pending_acceptances(session: Session, risk_ids: Sequence[int]) -> dict[int, list[Signature]]:
    """Acceptances recorded for someone and still awaiting them, per risk: not accepted yet."""
    found: dict[int, list[Signature]] = {}
    for risk_id, rows in signatures.of_subjects(session, "risk", risk_ids).items():
        waiting = [s for s in rows if s.state == SignatureState.AWAITING]
        if waiting:
            found[risk_id] = waiting
    return found


def withdraw_acceptance(risk: Risk, reason: str) -> None:
    acceptance = risk.current_acceptance
    if acceptance is None:
        return
    acceptance.withdrawn_at = utcnow()
    acceptance.withdrawn_reason = reason
    if risk.status == RiskStatus.ACCEPTED:
        risk.status = RiskStatus.ASSESSED


def as_summary(change: ScoreChange) -> dict[str, Any]:
    """JSON-ready form of a score change (CLI ``--json``)."""

    def name(level: Level | None) -> str | None:
        return level.name if level else None

    return {
        "ref": change.ref,
        "inherent": name(change.levels.inherent),
        "current": name(change.levels.current),
        "residual": name(change.levels.residual),
        "next_review": change.next_review.isoformat() if change.next_review else None,
        "acceptance_withdrawn": change.acceptance_withdrawn,
    }
