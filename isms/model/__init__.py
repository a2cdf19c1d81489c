"""The register's entities. Importing this package registers every table on ``Base.metadata``."""

from .asset import Asset, asset_dependency
from .audit import ChangeLogEntry
from .base import Base
from .change import ChangeState, RecordedChange
from .classification import ClassificationMarking, ClassificationScheme
from .context import ContextIssue, InterestedParty, PartyRequirement, requirement_control
from .control import Control, ControlCorrespondence, SoaEntry, SoaVersion
from .document import ControlledDocument, DocumentKind, DocumentStatus, document_control
from .enums import (
    AccreditationStatus,
    ActionStatus,
    AgendaKind,
    Applicability,
    AssetStatus,
    AssetType,
    ChangeAction,
    ControlEdition,
    DecisionKind,
    EvidenceKind,
    HandlingChannel,
    HandlingStage,
    ImplementationStatus,
    InclusionReason,
    ReviewStatus,
    RiskStatus,
    Role,
    TreatmentOption,
)
from .evidence import Evidence, evidence_control, evidence_risk
from .handling import HandlingPractice, HandlingRule
from .imports import ImportBatch, MappingProfile
from .method import RegisterSetting, RiskCriteria
from .obligation import (
    Obligation,
    ObligationKind,
    ObligationStatus,
    obligation_control,
    obligation_evidence,
)
from .org import Department, Person, PersonDepartment, PersonRole
from .review import AgendaItem, ReviewAction, ReviewAttendee, ReviewDecision, ReviewMeeting
from .risk import (
    ActionDeferral,
    Risk,
    RiskAcceptance,
    TreatmentAction,
    risk_asset,
    risk_control,
)
from .signature import Signature, SignatureKind, SignatureState
from .threat import Threat, Vulnerability

__all__ = [
    "AccreditationStatus",
    "ActionDeferral",
    "ActionStatus",
    "AgendaItem",
    "AgendaKind",
    "Applicability",
    "Asset",
    "AssetStatus",
    "AssetType",
    "Base",
    "ChangeAction",
    "ChangeLogEntry",
    "ChangeState",
    "ClassificationMarking",
    "ClassificationScheme",
    "ContextIssue",
    "Control",
    "ControlCorrespondence",
    "ControlEdition",
    "ControlledDocument",
    "DecisionKind",
    "Department",
    "DocumentKind",
    "DocumentStatus",
    "Evidence",
    "EvidenceKind",
    "HandlingChannel",
    "HandlingPractice",
    "HandlingRule",
    "HandlingStage",
    "ImplementationStatus",
    "ImportBatch",
    "InclusionReason",
    "InterestedParty",
    "MappingProfile",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "PartyRequirement",
    "Person",
    "PersonDepartment",
    "PersonRole",
    "RecordedChange",
    "RegisterSetting",
    "ReviewAction",
    "ReviewAttendee",
    "ReviewDecision",
    "ReviewMeeting",
    "ReviewStatus",
    "Risk",
    "RiskAcceptance",
    "RiskCriteria",
    "RiskStatus",
    "Role",
    "Signature",
    "SignatureKind",
    "SignatureState",
    "SoaEntry",
    "SoaVersion",
    "Threat",
    "TreatmentAction",
    "TreatmentOption",
    "Vulnerability",
    "asset_dependency",
    "document_control",
    "evidence_control",
    "evidence_risk",
    "obligation_control",
    "obligation_evidence",
    "requirement_control",
    "risk_asset",
    "risk_control",
]
