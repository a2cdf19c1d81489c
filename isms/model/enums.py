"""The closed vocabularies of the register. Values are what is stored and what the CLI prints."""

from __future__ import annotations

from enum import StrEnum


class AccreditationStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    READY_FOR_AUDIT = "ready for audit"
    ACCREDITED = "accredited"


class Role(StrEnum):
    SIRO = "siro"
    INFORMATION_ASSET_OWNER = "information asset owner"
    RISK_OWNER = "risk owner"
    SMG_MEMBER = "smg member"
    APPROVER = "approver"
    CONTROL_OWNER = "control owner"
    ADMINISTRATOR = "administrator"


class AssetType(StrEnum):
    INFORMATION = "information"
    SOFTWARE = "software"
    HARDWARE = "hardware"
    SERVICE = "service"
    PEOPLE = "people"
    SITE = "site"
    SUPPLIER = "supplier"


class AssetStatus(StrEnum):
    ACTIVE = "active"
    PENDING_VERIFICATION = "pending verification"
    RETIRED = "retired"


class HandlingStage(StrEnum):
    COLLECTED = "collected"
    STORED = "stored"
    TRANSFERRED = "transferred"
    SHARED = "shared"  # with a third party
    RETAINED = "retained"
    DISPOSED = "disposed"


class HandlingChannel(StrEnum):
    """How information moves at a transfer or sharing stage (blank for the other stages)."""

    EMAIL = "e-mail"
    SECURE_EMAIL = "secure e-mail"
    PORTAL = "portal"
    REMOVABLE_MEDIA = "removable media"
    COURIER = "courier"
    PAPER = "paper"


class TreatmentOption(StrEnum):
    MODIFY = "modify"
    RETAIN = "retain"
    AVOID = "avoid"
    SHARE = "share"


class RiskStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSESSED = "assessed"
    TREATMENT = "in treatment"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    RETIRED = "retired"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ControlEdition(StrEnum):
    ISO27001_2022 = "2022"
    ISO27001_2013 = "2013"
    LOCAL = "local"


class Applicability(StrEnum):
    APPLICABLE = "applicable"
    EXCLUDED = "excluded"
    THIRD_PARTY = "provided by a third party"


class InclusionReason(StrEnum):
    LEGAL = "legal"
    CONTRACTUAL = "contractual"
    BUSINESS = "business requirement"
    BEST_PRACTICE = "best practice"
    RISK_ASSESSMENT = "risk assessment"


class ImplementationStatus(StrEnum):
    IMPLEMENTED = "implemented"
    PARTIAL = "partially implemented"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not implemented"


class EvidenceKind(StrEnum):
    FILE = "file"
    LINK = "link"


class ReviewStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    SIGNED_OFF = "signed off"


class AgendaKind(StrEnum):
    RISK_DUE = "risk review due"
    RISK_ABOVE_APPETITE = "risk above appetite"
    ACCEPTANCE_EXPIRING = "acceptance expiring"
    ACTION_OVERDUE = "treatment action overdue"
    ASSET_CHANGED = "asset new or changed"
    ASSET_PENDING = "asset pending verification"
    ASSET_INCOMPLETE = "asset without owner or classification"
    ATTESTATION_DUE = "owner attestation due"
    HANDLING_FINDING = "handling-rule finding"
    EXCLUSION_UNJUSTIFIED = "exclusion without justification"
    EVIDENCE_GAP = "evidence missing or stale"
    PREVIOUS_ACTION = "action from previous meeting"
    MANAGEMENT_INPUT = "management review input"


class DecisionKind(StrEnum):
    RESCORE = "re-score"
    ACCEPT = "accept until next review"
    ADD_ACTION = "add treatment action"
    CLOSE_ACTION = "close treatment action"
    CHANGE_OWNER = "change owner"
    ESCALATE = "escalate to SIRO"
    RETIRE = "retire"
    DEFER = "defer"
    NOTED = "noted"
    CLOSE = "close"


class ChangeAction(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    EVENT = "event"  # a whole-register event: demo built, import batch applied, sign-off...
