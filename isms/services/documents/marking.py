"""The protective marking a document carries: by default the highest marking of what it
contains, or one the person exporting chooses (``isms export ... --marking``, the export
dialog), with a lower choice than the content's said and recorded in the document.

What a document contains, in markings of the register's current scheme (least to most
sensitive by rank):

* the risk register and the treatment plan: at least the scheme's *sensitive* marking (they
  describe vulnerabilities; OFFICIAL-SENSITIVE in the Government Security Classifications),
  raised to the highest marking of the assets their live risks are about;
* the SoA: the sensitive marking (it maps where the controls are weak);
* the asset inventory: the highest marking of its live assets (at least the baseline);
* the risk method: the baseline (the scheme's least sensitive marking);
* review minutes: the baseline, raised by what their agenda items are about (a risk or an
  SoA entry: the sensitive marking and the risk's assets; an asset or a handling finding: the
  asset's marking);
* the audit pack: the highest of its documents.

One module computes it so every writer (PDF, xlsx, HTML, CSV) prints the same label.
Nothing here imports the document builders: they and the minutes call in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError, ValidationError
from isms.model import (
    AgendaItem,
    Asset,
    ClassificationMarking,
    ClassificationScheme,
    HandlingPractice,
    Risk,
    TreatmentAction,
)
from isms.model.enums import AssetStatus, RiskStatus
from isms.model.risk import risk_asset

#: The marking the registers, the SoA and risk items carry at least, when the scheme has it.
SENSITIVE = "OFFICIAL-SENSITIVE"

#: The documents whose content marking this module knows ("pack" is the highest of these).
ContentKind = Literal["soa", "risks", "treatment", "assets", "method", "policies", "context",
                      "parties", "obligations"]

# Agenda subjects (``AgendaItem.subject_table``) and what they reveal.
_RISK_SUBJECTS = ("risk", "treatment_action")
_ASSET_SUBJECTS = ("asset", "handling_practice")
_SENSITIVE_SUBJECTS = ("soa_entry", "department")  # SoA gaps; a department's grouped findings


@dataclass(frozen=True)
class Scale:
    """The current scheme's markings, least to most sensitive (empty: no current scheme)."""

    labels: tuple[str, ...]

    def rank(self, label: str) -> int:
        """Position of ``label`` (any case) on the scale; -1 when it is not on it."""
        wanted = label.strip().upper()
        return next((i for i, known in enumerate(self.labels) if known.upper() == wanted), -1)

    def highest(self, labels: Iterable[str]) -> str:
        """The most sensitive of ``labels`` on this scale ("" when none is on it)."""
        best = max((self.rank(label) for label in labels), default=-1)
        return self.labels[best] if best >= 0 else ""

    @property
    def baseline(self) -> str:
        return self.labels[0] if self.labels else ""

    @property
    def sensitive(self) -> str:
        """OFFICIAL-SENSITIVE when the scheme has it, else the marking one above the baseline
        (or the only one)."""
        if self.rank(SENSITIVE) >= 0:
            return self.labels[self.rank(SENSITIVE)]
        return (self.labels[1:2] or self.labels[:1] or ("",))[0]


def scale(session: Session) -> Scale:
    labels = session.execute(
        select(ClassificationMarking.label)
        .join(ClassificationScheme, ClassificationMarking.scheme_id == ClassificationScheme.id)
        .where(ClassificationScheme.is_current.is_(True))
        .order_by(ClassificationMarking.rank)
    ).scalars()
    return Scale(tuple(labels))


# --- what documents contain ------------------------------------------------------------------


def _asset_labels(session: Session, asset_ids: Sequence[int] | None,
                  department_id: int | None) -> list[str]:
    """The distinct markings of live assets (the given ones, or all of ``department_id``'s;
    None for both: the council's)."""
    query = (select(ClassificationMarking.label).distinct()
             .join(Asset, Asset.marking_id == ClassificationMarking.id)
             .where(Asset.status != AssetStatus.RETIRED))
    if asset_ids is not None:
        query = query.where(Asset.id.in_(list(asset_ids)))
    elif department_id is not None:
        query = query.where(Asset.department_id == department_id)
    return list(session.execute(query).scalars())


def _risk_asset_labels(session: Session, risk_ids: Sequence[int] | None,
                       department_id: int | None) -> list[str]:
    """The distinct markings of the assets live risks are about (the given risks, or all of
    ``department_id``'s; None for both: the council's)."""
    query = (select(ClassificationMarking.label).distinct()
             .join(Asset, Asset.marking_id == ClassificationMarking.id)
             .join(risk_asset, risk_asset.c.asset_id == Asset.id)
             .join(Risk, Risk.id == risk_asset.c.risk_id)
             .where(Risk.status != RiskStatus.RETIRED))
    if risk_ids is not None:
        query = query.where(Risk.id.in_(list(risk_ids)))
    elif department_id is not None:
        query = query.where(Risk.department_id == department_id)
    return list(session.execute(query).scalars())


def content_marking(session: Session, kind: ContentKind, department_id: int | None) -> str:
    """The highest marking of what the document ``kind`` holds for ``department_id`` (None: the
    whole council); "" when the register has no current scheme."""
    marks = scale(session)
    if kind in ("context", "parties", "obligations"):  # the council's situation and duties
        return marks.baseline
    if kind in ("method", "policies"):  # the method; the list of policies (not their text)
        return marks.baseline
    if kind == "soa":
        return marks.sensitive
    if kind == "assets":
        return marks.highest([marks.baseline, *_asset_labels(session, None, department_id)])
    return marks.highest([marks.sensitive, *_risk_asset_labels(session, None, department_id)])


def meetings_marking(session: Session, meeting_ids: Iterable[int]) -> str:
    """The highest marking of what the agenda items of these review meetings are about: the
    marking of the minutes (one meeting) or of the review decisions (several)."""
    marks = scale(session)
    ids = list(meeting_ids)
    if not ids:
        return marks.baseline
    subjects = session.execute(
        select(AgendaItem.subject_table, AgendaItem.subject_id)
        .where(AgendaItem.meeting_id.in_(ids), AgendaItem.subject_id.is_not(None)).distinct()
    ).all()
    by_table: dict[str, list[int]] = {}
    for table, record in subjects:
        if table is not None and record is not None:
            by_table.setdefault(table, []).append(record)
    found = [marks.baseline]
    if any(by_table.get(t) for t in (*_RISK_SUBJECTS, *_SENSITIVE_SUBJECTS)):
        found.append(marks.sensitive)
    risk_ids = list(by_table.get("risk", []))
    if actions := by_table.get("treatment_action"):
        risk_ids += session.execute(select(TreatmentAction.risk_id)
                                    .where(TreatmentAction.id.in_(actions))).scalars()
    if risk_ids:
        found += _risk_asset_labels(session, risk_ids, None)
    asset_ids = list(by_table.get("asset", []))
    if practices := by_table.get("handling_practice"):
        asset_ids += session.execute(select(HandlingPractice.asset_id)
                                     .where(HandlingPractice.id.in_(practices))).scalars()
    for department in by_table.get("department", []):
        found += _asset_labels(session, None, department)
    if asset_ids:
        found += _asset_labels(session, asset_ids, None)
    return marks.highest(found)


#: What each register page of the window shows, as the document it is closest to (the export
#: of a page: File > Export view); a page not named here is marked as everything it could show.
_PAGES: dict[str, tuple[ContentKind, ...]] = {
    "assets": ("assets",), "risks": ("risks",), "actions": ("treatment",),
    "controls": ("soa",), "handling": ("assets", "soa"),
}


def view_marking(session: Session, page: str, department_id: int | None) -> str:
    """The marking of a register page's rows exported as they are shown: the highest of the
    documents holding the same records (``department_id`` None: the whole council)."""
    kinds = _PAGES.get(page, ("risks", "treatment", "assets", "soa"))
    return highest(session, [content_marking(session, k, department_id) for k in kinds])


def highest(session: Session, labels: Iterable[str]) -> str:
    """The most sensitive of ``labels`` on the current scheme (the pack's marking: the highest
    of its documents')."""
    return scale(session).highest(labels)


# --- choosing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkingChoice:
    """The marking a document carries (``label``) against what its content calls for."""

    label: str
    content: str
    #: True when the person exporting chose ``label`` themselves (``--marking``).
    chosen: bool = False
    #: True when the chosen label is less sensitive than the content's.
    lower: bool = False

    def warning(self, what: str) -> str | None:
        """What to tell the person exporting ``what`` when they marked it below its content."""
        if not self.lower:
            return None
        return (f"The {what} is marked {self.label} as chosen, below the {self.content} of "
                "what it contains; the document records that choice.")

    def control(self) -> list[tuple[str, str]]:
        """Document-control lines when the marking was chosen: which, and against what."""
        if not self.chosen:
            return []
        if self.lower:
            return [("Marking chosen", f"{self.label} by the person exporting, below the "
                     f"{self.content} of the content")]
        return [("Marking chosen", f"{self.label} by the person exporting (the content calls "
                 f"for {self.content or 'no marking'})")]


def choose(session: Session, requested: str | None, content: str) -> MarkingChoice:
    """``requested`` (any case; None: the content's own marking) checked against the current
    scheme. A label the scheme does not have is refused, naming those it has."""
    if requested is None or not requested.strip():
        return MarkingChoice(content, content)
    marks = scale(session)
    if not marks.labels:
        raise NotFoundError("This register has no current classification scheme to mark "
                            "documents with.")
    rank = marks.rank(requested)
    if rank < 0:
        raise ValidationError(f"'{requested.strip()}' is not a marking of the current scheme "
                              f"({', '.join(marks.labels)}).", field="marking")
    return MarkingChoice(marks.labels[rank], content, chosen=True,
                         lower=rank < marks.rank(content))


__all__ = ["SENSITIVE", "ContentKind", "MarkingChoice", "Scale", "choose", "content_marking",
           "highest", "meetings_marking", "scale", "view_marking"]
