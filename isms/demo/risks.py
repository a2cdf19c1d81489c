"""The demo risk register: risks on assets, their scores, treatment, actions and acceptances."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..catalogue import annex_a_2022, threats, vulnerabilities
from ..method.criteria import Level
from ..model import (
    ActionDeferral,
    ActionStatus,
    AssetStatus,
    AssetType,
    Risk,
    RiskAcceptance,
    RiskStatus,
    Role,
    Signature,
    SignatureKind,
    SignatureState,
    TreatmentAction,
    TreatmentOption,
    risk_asset,
    risk_control,
)
from ..model.base import utcnow
from .assets import AssetInfo
from .context import Build, at, initial_lower, versioned
from .org import SIRO_TITLE, Org
from .risk_templates import RISKS, RiskTemplate

#: A council the size of the default demo keeps about this many risks...
DEFAULT_RISKS = 60
#: ...and a larger register about one risk per this many assets, up to a ceiling.
ASSETS_PER_RISK = 20
MAX_RISKS = 20_000

_ST, _OPT, _ACT = RiskStatus, TreatmentOption, ActionStatus
#: How the register's risks are spread over the life cycle (weights).
_STATUSES = ((_ST.IDENTIFIED, 6), (_ST.ASSESSED, 12), (_ST.TREATMENT, 50), (_ST.ACCEPTED, 20),
             (_ST.CLOSED, 9), (_ST.RETIRED, 3))
#: Treatment options open to a risk at each status (weights).
_OPTIONS: dict[RiskStatus, tuple[tuple[TreatmentOption, int], ...]] = {
    _ST.ASSESSED: ((_OPT.MODIFY, 60), (_OPT.RETAIN, 25), (_OPT.SHARE, 10), (_OPT.AVOID, 5)),
    _ST.TREATMENT: ((_OPT.MODIFY, 85), (_OPT.SHARE, 15)),
    _ST.ACCEPTED: ((_OPT.RETAIN, 1),),
    _ST.CLOSED: ((_OPT.MODIFY, 70), (_OPT.AVOID, 30)),
    _ST.RETIRED: ((_OPT.MODIFY, 50), (_OPT.RETAIN, 50)),
}
_NOTES = {
    _OPT.MODIFY: "Reduce the likelihood through the actions below.",
    _OPT.RETAIN: "Retained: further controls would cost more than the harm they prevent.",
    _OPT.SHARE: "Shared through the supplier contract and the council's cyber insurance.",
    _OPT.AVOID: "Avoided by stopping the activity that gave rise to the risk.",
}
_CIA_WORDS = {"C": "confidentiality", "I": "integrity", "A": "availability"}
#: (likelihood, impact) as scale positions.
Score = tuple[int, int]


def risk_count(assets: int) -> int:
    """~60 for the default register; one per ASSETS_PER_RISK assets for larger ones (capped);
    never more than the assets for a tiny one."""
    return min(MAX_RISKS, max(assets // ASSETS_PER_RISK, min(DEFAULT_RISKS, assets)))


@dataclass(frozen=True)
class RiskInfo:
    """What reviews and the SoA need to know about a written risk."""

    id: int
    ref: str
    title: str
    department: str
    owner_id: int | None
    status: RiskStatus
    #: Current (or, if not yet analysed, inherent) likelihood and impact.
    score: Score
    level: str
    above_appetite: bool
    next_review: date | None
    controls: tuple[str, ...]


@dataclass(frozen=True)
class ActionInfo:
    id: int
    risk_ref: str
    title: str
    owner_id: int | None
    due: date
    status: ActionStatus


@dataclass
class RiskRegister:
    risks: list[RiskInfo] = field(default_factory=list)
    actions: list[ActionInfo] = field(default_factory=list)
    #: (risk, acceptance expiry) of the acceptances written.
    acceptances: list[tuple[RiskInfo, date]] = field(default_factory=list)

    def controls_by_department(self) -> dict[str, dict[str, list[str]]]:
        """department -> control ref -> refs of the risks that selected it."""
        found: dict[str, dict[str, list[str]]] = {}
        for r in self.risks:
            for ref in r.controls:
                found.setdefault(r.department, {}).setdefault(ref, []).append(r.ref)
        return found


def _clamp(value: int, top: int) -> int:
    return max(1, min(top, value))


class _RiskWriter:
    def __init__(self, build: Build, org: Org, assets: list[AssetInfo]) -> None:
        self.build, self.org = build, org
        self.rng: random.Random = build.rng("risks")
        criteria = build.reference.criteria
        self.criteria = criteria
        self.top_l, self.top_i = len(criteria.likelihood), len(criteria.impact)
        names = [level.name for level in criteria.levels]
        self.level_rank = {name: rank for rank, name in enumerate(names)}
        self.appetite_rank = self.level_rank.get(criteria.appetite, len(names) - 1)
        self.threat_names = {t.code: t.name for t in threats()}
        self.vuln_names = {v.code: v.name for v in vulnerabilities()}
        self.control_titles = {c.ref: c.title for c in annex_a_2022()}
        live = [a for a in assets if a.status is not AssetStatus.RETIRED]
        # Most risks are written against information assets; the rest against what holds them.
        self.information = [a for a in live if a.kind is AssetType.INFORMATION]
        self.other = [a for a in live if a.kind is not AssetType.INFORMATION]
        self.by_department: dict[str, list[AssetInfo]] = {}
        for a in live:
            self.by_department.setdefault(a.department, []).append(a)
        self.siro = org.by_title(SIRO_TITLE)
        self.register = RiskRegister()
        self.links: list[dict[str, Any]] = []
        self.control_links: list[dict[str, Any]] = []
        self.action_rows: list[dict[str, Any]] = []
        self.acceptance_rows: list[dict[str, Any]] = []
        self.deferral_rows: list[dict[str, Any]] = []
        self.next_action_id = build.next_id(TreatmentAction)
        self.org = org

    def _primary(self) -> AssetInfo:
        pool = self.information if self.information and (
            not self.other or self.rng.random() < 0.7) else self.other
        return self.rng.choice(pool)

    def _level(self, likelihood: int, impact: int) -> Level:
        level = self.criteria.level(likelihood, impact)
        assert level is not None  # both scores are given
        return level

    def rows(self, count: int, first_id: int) -> Iterator[dict[str, Any]]:
        for n in range(count):
            yield self._risk(first_id + n, f"R-{n + 1:04d}")

    def _risk(self, risk_id: int, ref: str) -> dict[str, Any]:
        rng, build = self.rng, self.build
        asset = self._primary()
        template = rng.choice([t for t in RISKS if t.fits(asset.kind, asset.personal)])
        status = rng.choices(*zip(*_STATUSES, strict=True))[0]
        option = (rng.choices(*zip(*_OPTIONS[status], strict=True))[0]
                  if status in _OPTIONS else None)
        owners = self.org.with_role(Role.RISK_OWNER, asset.department)
        owner = rng.choice(owners) if owners and rng.random() > 0.02 else None  # a gap or two
        inherent, current, residual = self._scores(asset, template, status, option)
        scored = current or inherent
        level = self._level(*scored)
        created = at(build.days_ago(rng.randrange(30, 900)), rng)
        next_review, override = self._next_review(status, level)
        retired_at = (at(build.days_ago(rng.randrange(0, 30)), rng)
                      if status is _ST.RETIRED else None)
        controls = template.controls if status is not _ST.IDENTIFIED else ()
        info = RiskInfo(risk_id, ref, self._title(template, asset), asset.department, owner,
                        status, scored, level.name,
                        self.level_rank[level.name] > self.appetite_rank, next_review, controls)

        self.register.risks.append(info)
        self._link_assets(risk_id, asset)
        self.control_links.extend({"risk_id": risk_id,
                                   "control_id": build.reference.control_by_ref[c]}
                                  for c in controls)
        if option in (_OPT.MODIFY, _OPT.SHARE) and status in (_ST.TREATMENT, _ST.CLOSED):
            self._actions(info, template, created.date())
        if status is _ST.ACCEPTED:
            self._acceptance(info)
        return versioned(
            created, retired_at or at(build.days_ago(rng.randrange(0, 30)), rng),
            id=risk_id, ref=ref, title=info.title,
            description=(f"{self.threat_names[template.threat]} exploiting "
                         f"{initial_lower(self.vuln_names[template.vulnerability])} could harm the "
                         f"{' and '.join(_CIA_WORDS[p] for p in template.affects)} of "
                         f"{initial_lower(asset.name)} ({asset.ref})."),
            department_id=self.org.department_id[asset.department],
            threat_id=build.reference.threat_by_code.get(template.threat),
            vulnerability_id=build.reference.vulnerability_by_code.get(template.vulnerability),
            owner_id=owner, affects=template.affects, criteria_id=build.reference.criteria_id,
            inherent_likelihood=inherent[0], inherent_impact=inherent[1],
            existing_controls="; ".join(f"{self.control_titles[c]} ({c})" for c in controls[:2]),
            current_likelihood=current[0] if current else None,
            current_impact=current[1] if current else None,
            treatment_option=option, treatment_note=_NOTES[option] if option else "",
            residual_likelihood=residual[0] if residual else None,
            residual_impact=residual[1] if residual else None,
            status=status, next_review=next_review, review_override_reason=override,
            retired_at=retired_at,
        )

    @staticmethod
    def _title(template: RiskTemplate, asset: AssetInfo) -> str:
        title = template.title.format(asset=initial_lower(asset.name))
        return title[0].upper() + title[1:]

    def _scores(self, asset: AssetInfo, template: RiskTemplate, status: RiskStatus,
                option: TreatmentOption | None) -> tuple[Score, Score | None, Score | None]:
        """(inherent, current, residual) likelihood and impact; only inherent until assessed."""
        rng = self.rng
        # Impact follows how highly the asset's owner rated the property the risk is to.
        rated = max(asset.cia["CIA".index(p)] for p in template.affects)
        inherent = (rng.randint(2, self.top_l),
                    _clamp(rated + rng.choice((-1, 0, 0, 1)), self.top_i))
        if status is _ST.IDENTIFIED:
            return inherent, None, None
        current = (_clamp(inherent[0] - rng.choice((0, 1, 1, 2)), self.top_l),
                   _clamp(inherent[1] - rng.choice((0, 0, 1)), self.top_i))
        residual = self._residual(current, option)
        if status is _ST.CLOSED:
            return inherent, residual, residual  # treatment done: what was planned is what is
        return inherent, current, residual

    def _residual(self, current: Score, option: TreatmentOption | None) -> Score:
        likelihood, impact = current
        if option is _OPT.MODIFY:
            return _clamp(likelihood - self.rng.choice((1, 1, 2)), self.top_l), impact
        if option is _OPT.SHARE:
            return likelihood, _clamp(impact - 1, self.top_i)
        if option is _OPT.AVOID:
            return 1, impact
        return current

    def _next_review(self, status: RiskStatus, level: Level) -> tuple[date | None, str]:
        """Reviews follow the level's cadence; a few are brought forward, with the reason."""
        if status in (_ST.CLOSED, _ST.RETIRED):
            return None, ""
        if self.rng.random() < 0.03:
            return (self.build.days_ahead(self.rng.randrange(7, 35)),
                    "Reviewed monthly while the system replacement project runs.")
        return self.build.review_due(self.rng, self.criteria.cadence_days[level.name]), ""

    def _link_assets(self, risk_id: int, primary: AssetInfo) -> None:
        linked = {primary.id}
        neighbours = self.by_department[primary.department]
        for _ in range(self.rng.choice((0, 0, 1, 2))):
            linked.add(self.rng.choice(neighbours).id)
        self.links.extend({"risk_id": risk_id, "asset_id": a} for a in sorted(linked))

    def _actions(self, risk: RiskInfo, template: RiskTemplate, created: date) -> None:
        rng, build = self.rng, self.build
        doers: list[int | None] = [*self.org.with_role(Role.CONTROL_OWNER, risk.department)]
        for title, control in template.actions[: rng.randint(1, len(template.actions))]:
            if risk.status is _ST.CLOSED:
                due = build.days_ago(rng.randrange(30, 300))
                state = _ACT.DONE
            else:
                due = build.days_ahead(rng.randrange(-150, 241))
                if due < build.today:  # overdue ones stay open more often than not
                    state = rng.choice((_ACT.OPEN, _ACT.IN_PROGRESS, _ACT.DONE))
                else:
                    state = rng.choices((_ACT.OPEN, _ACT.IN_PROGRESS, _ACT.DONE), (5, 4, 1))[0]
            done_on = min(due, build.today) - timedelta(days=rng.randrange(0, 20)) \
                if state is _ACT.DONE else None
            who = rng.choice(doers or [risk.owner_id])
            stamp = at(max(created, build.days_ago(400)), rng)
            self.action_rows.append(versioned(
                stamp, id=self.next_action_id, risk_id=risk.id, title=title, description="",
                owner_id=who, due_date=due, status=state, completed_on=done_on,
                control_id=build.reference.control_by_ref[control],
                # Set from the risk, not drawn: the demo's random sequence stays as it was.
                priority="high" if risk.above_appetite else "medium" if risk.level in (
                    "Medium", "High") else "low",
                resources=f"{self.next_action_id % 5 + 2} days of the control owner's time",
                original_due_date=self._deferred(risk, due, state, stamp),
            ))
            self.register.actions.append(
                ActionInfo(self.next_action_id, risk.ref, title, who, due, state))
            self.next_action_id += 1

    def _deferred(self, risk: RiskInfo, due: date, state: ActionStatus, stamp: Any) -> date:
        """The action's original due date: its due date, except for the first open action due
        more than a month ahead, which slipped six weeks once (its deferral is recorded), so
        the treatment plan shows a history."""
        if self.deferral_rows or state is _ACT.DONE or due <= self.build.days_ahead(30):
            return due
        original = due - timedelta(days=42)
        self.deferral_rows.append({
            "treatment_action_id": self.next_action_id, "review_action_id": None,
            "from_date": original, "to_date": due,
            "reason": "The supplier could not deliver before the original date.",
            "deferred_by": self.org.name_of(risk.owner_id or self.siro),
            "deferred_at": stamp + timedelta(days=7),
        })
        return original

    def method_approval(self) -> dict[str, Any]:
        """The SIRO's signature approving the risk method the risks are scored with, so its
        document names who approved it and when (issue 17); made now, after the version."""
        approved = utcnow()
        return {"version": 1, "kind": SignatureKind.METHOD_APPROVAL,
                "subject_table": "risk_criteria", "subject_id": self.build.reference.criteria_id,
                "signer_id": self.siro, "recorded_by": self.org.name_of(self.siro),
                "recorded_by_id": self.siro, "recorded_at": approved, "meeting_id": None,
                "meeting_date": None, "state": SignatureState.CONFIRMED,
                "resolved_at": approved, "reason": "", "terms": {}, "outcome_id": None}

    def _acceptance(self, risk: RiskInfo) -> None:
        """The owner accepts the residual risk for a year; above appetite the SIRO approves too."""
        rng, above = self.rng, risk.above_appetite
        accepted = at(self.build.days_ago(rng.randrange(10, 400)), rng)
        expires = accepted.date() + timedelta(days=365)
        self.acceptance_rows.append(versioned(
            accepted, risk_id=risk.id, accepted_by_id=risk.owner_id or self.siro,
            accepted_at=accepted,
            rationale=("Residual risk accepted: the remaining exposure is understood and the "
                       "cost of further controls is not justified this year."),
            expires_on=expires,
            approved_by_id=self.siro if above else None,
            approved_at=accepted + timedelta(days=rng.randrange(1, 15)) if above else None,
            withdrawn_at=None, withdrawn_reason="",
        ))
        self.register.acceptances.append((risk, expires))


def build_risks(build: Build, org: Org, assets: list[AssetInfo], count: int) -> RiskRegister:
    writer = _RiskWriter(build, org, assets)
    if count and (writer.information or writer.other):
        build.insert(Risk, writer.rows(count, build.next_id(Risk)),
                     stage="risks", total=count)
    build.insert(risk_asset, writer.links, stage="risk assets", total=len(writer.links))
    build.insert(risk_control, writer.control_links, stage="risk controls",
                 total=len(writer.control_links))
    build.insert(TreatmentAction, writer.action_rows, stage="treatment actions",
                 total=len(writer.action_rows))
    build.insert(RiskAcceptance, writer.acceptance_rows, stage="acceptances",
                 total=len(writer.acceptance_rows))
    build.insert(ActionDeferral, writer.deferral_rows, stage="action deferrals",
                 total=len(writer.deferral_rows))
    build.insert(Signature, [writer.method_approval()], stage="method approval", total=1)
    return writer.register
