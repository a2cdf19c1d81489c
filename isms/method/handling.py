"""Data-handling rules: marking x stage/channel -> required safeguards, and the checker.

Pure functions over plain facts, so the same check runs from the CLI, the window, the review
agenda and the tests. The service in ``isms.services.handling`` loads the facts from a register.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.enums import HandlingChannel, HandlingStage

#: The safeguards a practice can record, as short codes with the words shown to people.
SAFEGUARDS: dict[str, str] = {
    "encrypted": "encrypted",
    "access-controlled": "access restricted to those who need it",
    "marked": "protectively marked",
    "sealed": "sealed packaging",
    "tracked": "tracked and signed for",
    "agreement": "a data-sharing agreement",
    "privacy-notice": "a privacy notice given",
    "secure-disposal": "destroyed securely, with a certificate",
}


@dataclass(frozen=True)
class Rule:
    """One handling rule. None in stage/channel/min_label means "any".

    ``min_label`` names the least sensitive marking covered; the register resolves it to
    ``scheme_id``/``min_rank`` of its scheme before checking.
    """

    code: str
    title: str
    stage: HandlingStage | None = None
    channel: HandlingChannel | None = None
    #: The rule covers assets marked at this rank or above in ``scheme_id``'s scheme.
    scheme_id: int | None = None
    min_rank: int | None = None
    min_label: str | None = None
    personal_data: bool = False
    special_category: bool = False
    required: tuple[str, ...] = ()
    prohibited: bool = False


@dataclass(frozen=True)
class Practice:
    """What the checker needs to know about one handling practice and its asset."""

    id: int
    asset_id: int
    asset_ref: str
    asset_name: str
    department_id: int
    stage: HandlingStage
    channel: HandlingChannel | None
    safeguards: frozenset[str]
    has_agreement: bool | None
    scheme_id: int | None
    marking_rank: int | None
    marking_label: str | None
    personal_data: bool
    special_category: bool


@dataclass(frozen=True)
class Finding:
    practice_id: int
    asset_id: int
    asset_ref: str
    asset_name: str
    department_id: int
    stage: HandlingStage
    channel: HandlingChannel | None
    rule_code: str
    rule_title: str
    missing: tuple[str, ...]
    prohibited: bool

    @property
    def what_is_wrong(self) -> str:
        where = f"{self.stage}" + (f" by {self.channel}" if self.channel else "")
        if self.prohibited:
            return f"{self.asset_ref} is {where}, which rule {self.rule_code} does not allow"
        needs = ", ".join(SAFEGUARDS.get(s, s) for s in self.missing)
        return f"{self.asset_ref} {where} lacks {needs} (rule {self.rule_code})"


def applies(rule: Rule, practice: Practice) -> bool:
    if rule.stage is not None and rule.stage != practice.stage:
        return False
    if rule.channel is not None and rule.channel != practice.channel:
        return False
    if rule.personal_data and not practice.personal_data:
        return False
    if rule.special_category and not practice.special_category:
        return False
    if rule.min_label is not None or rule.min_rank is not None:
        # A marking of another scheme (or a rule whose marking the scheme lacks) cannot be
        # compared: the rule does not reach it.
        if rule.min_rank is None or practice.marking_rank is None:
            return False
        if practice.scheme_id != rule.scheme_id or practice.marking_rank < rule.min_rank:
            return False
    return True


def present_safeguards(practice: Practice) -> frozenset[str]:
    # An agreement recorded on the practice itself counts as the safeguard.
    return practice.safeguards | ({"agreement"} if practice.has_agreement else frozenset())


def check(rules: Iterable[Rule], practices: Iterable[Practice]) -> list[Finding]:
    """Every (practice, rule) pair where the rule applies and the practice falls short."""
    rules = list(rules)
    findings: list[Finding] = []
    for practice in practices:
        have = present_safeguards(practice)
        for rule in rules:
            if not applies(rule, practice):
                continue
            missing = tuple(s for s in rule.required if s not in have)
            if rule.prohibited or missing:
                findings.append(
                    Finding(
                        practice.id,
                        practice.asset_id,
                        practice.asset_ref,
                        practice.asset_name,
                        practice.department_id,
                        practice.stage,
                        practice.channel,
                        rule.code,
                        rule.title,
                        missing,
                        rule.prohibited,
                    )
                )
    return findings


_S, _C = HandlingStage, HandlingChannel
_OS = "OFFICIAL-SENSITIVE"

#: The post-2008 public-sector handling rules as a council applies them to the GSC markings.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "HR-01",
        "OFFICIAL-SENSITIVE on removable media must be encrypted",
        _S.TRANSFERRED,
        _C.REMOVABLE_MEDIA,
        min_label=_OS,
        required=("encrypted",),
    ),
    Rule(
        "HR-02",
        "Personal data on removable media must be encrypted",
        _S.TRANSFERRED,
        _C.REMOVABLE_MEDIA,
        personal_data=True,
        required=("encrypted",),
    ),
    Rule(
        "HR-03",
        "Personal data shared with a third party needs a data-sharing agreement",
        _S.SHARED,
        personal_data=True,
        required=("agreement",),
    ),
    Rule(
        "HR-04",
        "Personal data shared with a third party must be encrypted in transit",
        _S.SHARED,
        personal_data=True,
        required=("encrypted",),
    ),
    Rule(
        "HR-05",
        "Special-category data may not be sent by ordinary e-mail",
        channel=_C.EMAIL,
        personal_data=True,
        special_category=True,
        prohibited=True,
    ),
    Rule(
        "HR-06",
        "OFFICIAL-SENSITIVE may not be sent by ordinary e-mail: use secure e-mail or the portal",
        channel=_C.EMAIL,
        min_label=_OS,
        prohibited=True,
    ),
    Rule(
        "HR-07",
        "OFFICIAL-SENSITIVE sent by courier must be tracked and sealed",
        channel=_C.COURIER,
        min_label=_OS,
        required=("tracked", "sealed"),
    ),
    Rule(
        "HR-08",
        "OFFICIAL-SENSITIVE on paper must be marked and sealed",
        channel=_C.PAPER,
        min_label=_OS,
        required=("marked", "sealed"),
    ),
    Rule(
        "HR-09",
        "OFFICIAL-SENSITIVE must be destroyed securely",
        _S.DISPOSED,
        min_label=_OS,
        required=("secure-disposal",),
    ),
)
