"""The words departments write in their SoA spreadsheets: applicability ("Applicable",
"Excluded", "Outsourced", ticks), implementation status, reasons for inclusion (the 2013 SoA's
"LR, CO, BR/BP, RRA" codes and their tick columns), and the column headers that mean each SoA
field. Read by the SoA carry-over (``isms.services.soa.carry_over``), beside the other import
vocabularies (``values``, ``fields``)."""

from __future__ import annotations

from typing import Any

from ...model import Applicability, ImplementationStatus, InclusionReason
from . import values
from .fields import Field

_APPLICABILITY_WORDS = {
    "applicable": Applicability.APPLICABLE,
    "included": Applicability.APPLICABLE,
    "selected": Applicability.APPLICABLE,
    "in scope": Applicability.APPLICABLE,
    "excluded": Applicability.EXCLUDED,
    "not applicable": Applicability.EXCLUDED,
    "not selected": Applicability.EXCLUDED,
    "out of scope": Applicability.EXCLUDED,
    "third party": Applicability.THIRD_PARTY,
    "provided by a third party": Applicability.THIRD_PARTY,
    "provided by third party": Applicability.THIRD_PARTY,
    "outsourced": Applicability.THIRD_PARTY,
    "supplier": Applicability.THIRD_PARTY,
}


def applicability(raw: Any) -> Applicability | None:
    """An applicability cell: the words above, else a yes/no (a tick, "Yes", "N/A"); None when
    empty or unreadable."""
    word = values.key(raw) if raw is not None else ""
    if word in _APPLICABILITY_WORDS:
        return _APPLICABILITY_WORDS[word]
    answer = values.yes_no(raw)  # "Yes ", ticks, "N/A" (excluded), words in other languages
    if answer is None:
        return None
    return Applicability.APPLICABLE if answer else Applicability.EXCLUDED


_STATUS_WORDS = {
    "implemented": ImplementationStatus.IMPLEMENTED,
    "fully implemented": ImplementationStatus.IMPLEMENTED,
    "in place": ImplementationStatus.IMPLEMENTED,
    "complete": ImplementationStatus.IMPLEMENTED,
    "completed": ImplementationStatus.IMPLEMENTED,
    "done": ImplementationStatus.IMPLEMENTED,
    "yes": ImplementationStatus.IMPLEMENTED,
    "y": ImplementationStatus.IMPLEMENTED,
    "partial": ImplementationStatus.PARTIAL,
    "partially": ImplementationStatus.PARTIAL,
    "partially implemented": ImplementationStatus.PARTIAL,
    "partly implemented": ImplementationStatus.PARTIAL,
    "in progress": ImplementationStatus.PARTIAL,
    "planned": ImplementationStatus.PLANNED,
    "to do": ImplementationStatus.PLANNED,
    "not implemented": ImplementationStatus.NOT_IMPLEMENTED,
    "not started": ImplementationStatus.NOT_IMPLEMENTED,
    "no": ImplementationStatus.NOT_IMPLEMENTED,
    "n": ImplementationStatus.NOT_IMPLEMENTED,
    "none": ImplementationStatus.NOT_IMPLEMENTED,
}
def implementation_status(raw: Any) -> ImplementationStatus | None:
    """An implementation status cell; None when empty or "N/A", a Problem naming the allowed
    words otherwise."""
    word = values.key(raw) if raw is not None else ""
    if not word or word in ("n a", "na"):  # "N/A": said by excluded rows, no status to take
        return None
    if word in _STATUS_WORDS:
        return _STATUS_WORDS[word]
    raise values.Problem(
        f"'{str(raw).strip()}' is not an implementation status "
        "(implemented, partially, planned, not implemented)"
    )


_REASON_WORDS = {
    "lr": InclusionReason.LEGAL,
    "legal": InclusionReason.LEGAL,
    "legal requirement": InclusionReason.LEGAL,
    "legal requirements": InclusionReason.LEGAL,
    "regulatory": InclusionReason.LEGAL,
    "co": InclusionReason.CONTRACTUAL,
    "contractual": InclusionReason.CONTRACTUAL,
    "contractual obligation": InclusionReason.CONTRACTUAL,
    "contractual obligations": InclusionReason.CONTRACTUAL,
    "br": InclusionReason.BUSINESS,
    "business": InclusionReason.BUSINESS,
    "business requirement": InclusionReason.BUSINESS,
    "business requirements": InclusionReason.BUSINESS,
    "bp": InclusionReason.BEST_PRACTICE,
    "best practice": InclusionReason.BEST_PRACTICE,
    "adopted best practice": InclusionReason.BEST_PRACTICE,
    "good practice": InclusionReason.BEST_PRACTICE,
    "rra": InclusionReason.RISK_ASSESSMENT,
    "ra": InclusionReason.RISK_ASSESSMENT,
    "risk": InclusionReason.RISK_ASSESSMENT,
    "risk assessment": InclusionReason.RISK_ASSESSMENT,
    "results of risk assessment": InclusionReason.RISK_ASSESSMENT,
}


def reason_codes(raw: Any) -> tuple[list[str], str]:
    """("LR, CO, BR/BP") -> the InclusionReason values, and the text if it held anything else
    (kept as the inclusion note rather than lost)."""
    text = values.text(raw) or ""
    parts = [values.key(p) for p in text.replace(" and ", ",").replace("&", ",").split(",")]
    parts = [w for p in parts for w in (p.split() if p in ("br bp", "lr co") else [p]) if w]
    found = [_REASON_WORDS[p] for p in parts if p in _REASON_WORDS]
    rest = "" if parts and all(p in _REASON_WORDS for p in parts) else text
    return [r.value for r in found], rest


def tick(raw: Any) -> bool:
    """A tick column: ticked (any yes-like mark) or not."""
    return bool(values.yes_no(raw))


SOA_FIELDS: tuple[Field, ...] = (
    Field(
        "ref",
        "Control reference",
        (
            "ref",
            "reference",
            "control ref",
            "control reference",
            "control no",
            "control number",
            "control id",
            "clause",
            "clause no",
            "clause number",
            "annex a ref",
            "annex a reference",
            "iso ref",
            "iso reference",
            "section",
            "no",
            "number",
            "id",
            "číslo", "číslo opatření", "kód", "κωδικός", "α/α", "αριθμός", "παράγραφος",
            "referencia", "número", "cláusula", "référence", "numéro", "clause n°",
            "referenz", "nummer", "kapitel",
        ),
        required=True,
    ),
    Field(
        "title",
        "Control title",
        ("title", "control", "control title", "control name", "name", "annex a control",
         "název opatření", "opatření", "bezpečnostní opatření", "τίτλος", "μέτρο ελέγχου",
         "έλεγχος", "μέτρο", "control de seguridad", "nombre del control", "mesure",
         "intitulé", "mesure de sécurité", "maßnahme", "kontrolle", "titel"),
    ),
    Field(
        "applicable",
        "Applicable",
        (
            "applicable",
            "applicability",
            "applicable y n",
            "applicable yes no",
            "applies",
            "selected",
            "included",
            "control applicable",
            "is applicable",
            "in scope",
            "include",
            "include in soa",
            "in soa",
            "relevant",
            # Czech, Greek, Spanish, French, German
            "aplikovatelnost", "použitelnost", "použitelné", "aplikovatelné", "zahrnuto",
            "εφαρμόσιμο", "εφαρμοσιμότητα", "ισχύει", "εφαρμόζεται", "aplica", "aplicable",
            "aplicabilidad", "applicabilité", "retenu", "anwendbar", "anwendbarkeit",
        ),
        parse=applicability,
    ),
    Field(
        "reasons",
        "Reasons for inclusion",
        (
            "reasons",
            "reason",
            "reason for selection",
            "reasons for selection",
            "reason for inclusion",
            "reasons for inclusion",
            "selection reason",
        ),
    ),
    Field(
        "justification",
        "Justification",
        (
            "justification",
            "justification for inclusion",
            "justification for selection",
            "justification for inclusion exclusion",
            "reason for inclusion exclusion",
            "rationale",
        ),
    ),
    Field(
        "exclusion",
        "Justification for exclusion",
        (
            "justification for exclusion",
            "reason for exclusion",
            "exclusion justification",
            "exclusion reason",
            "why excluded",
        ),
    ),
    Field("legal", "Legal requirements", ("lr", "legal requirements", "legal"), parse=tick),
    Field(
        "contractual",
        "Contractual obligations",
        ("co", "contractual obligations", "contractual"),
        parse=tick,
    ),
    Field(
        "business",
        "Business requirements",
        ("br", "br bp", "business requirements", "business requirements adopted best practice"),
        parse=tick,
    ),
    Field(
        "risk_assessment",
        "Results of risk assessment",
        ("rra", "results of risk assessment", "risk assessment"),
        parse=tick,
    ),
    Field(
        "status",
        "Implementation status",
        (
            "implementation status",
            "status",
            "implemented",
            "control status",
            "in place",
            "current status",
            "implemented y n",
        ),
        parse=implementation_status,
    ),
    Field(
        "implementation",
        "How it is implemented",
        (
            "how implemented",
            "implementation",
            "implementation notes",
            "implementation details",
            "implementation description",
            "how the control is implemented",
            "notes",
            "comments",
            "remarks",
        ),
    ),
    Field(
        "target_date",
        "Target date",
        ("target date", "due date", "planned date", "target", "completion date"),
        parse=values.day,
    ),
)

#: The tick columns some SoAs have, one per reason for inclusion.
TICK_REASONS = {
    "legal": InclusionReason.LEGAL,
    "contractual": InclusionReason.CONTRACTUAL,
    "business": InclusionReason.BUSINESS,
    "risk_assessment": InclusionReason.RISK_ASSESSMENT,
}

# The words behind the applicability and status parsers, so value mapping can propose the
# nearest one for a word a department wrote that they do not know.
values.add_vocabulary(applicability, {
    **{w: Applicability.APPLICABLE for w in ("yes", "y", "true")},
    **{w: Applicability.EXCLUDED for w in ("no", "n", "false")},
    **_APPLICABILITY_WORDS}, "applicability")
values.add_vocabulary(implementation_status, _STATUS_WORDS, "implementation status")
