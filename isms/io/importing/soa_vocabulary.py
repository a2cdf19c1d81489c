"""The words departments write in their SoA spreadsheets: applicability ("Applicable",
"Excluded", "Outsourced", ticks), implementation status, reasons for inclusion (the 2013 SoA's
"LR, CO, BR/BP, RRA" codes and their tick columns), and the column headers that mean each SoA
field, in English, Czech, Greek, Spanish, French and German (compared in ``values.key`` form,
without accents). Read by the SoA carry-over (``isms.services.soa.carry_over``), beside the
other import vocabularies (``values``, ``fields``)."""

from __future__ import annotations

import re
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

#: Applicability words of Czech, Greek, Spanish, French and German SoAs (yes and no words
#: are read by ``values.yes_no``).
_OTHER_APPLICABILITY_WORDS = {
    Applicability.APPLICABLE: (
        "aplikovatelné", "použitelné", "zahrnuto", "εφαρμόζεται", "εφαρμόσιμο", "ισχύει",
        "aplica", "aplicable", "incluido", "retenu", "inclus", "anwendbar", "zutreffend",
    ),
    Applicability.EXCLUDED: (
        "neaplikovatelné", "nepoužitelné", "nerelevantní", "vyloučeno", "nezahrnuto",
        "δεν εφαρμόζεται", "μη εφαρμόσιμο", "δεν ισχύει", "εξαιρείται", "no aplica",
        "no aplicable", "excluido", "non applicable", "non retenu", "exclu", "sans objet",
        "nicht anwendbar", "ausgeschlossen", "entfällt", "nicht zutreffend",
    ),
    Applicability.THIRD_PARTY: (
        "dodavatel", "externí dodavatel", "outsourcing", "τρίτο μέρος", "εξωτερικός συνεργάτης",
        "tercero", "externalizado", "proveedor", "tiers", "externalisé", "prestataire",
        "dienstleister", "ausgelagert", "extern",
    ),
}
_APPLICABILITY_WORDS |= {values.key(word): applies
                         for applies, words in _OTHER_APPLICABILITY_WORDS.items()
                         for word in words}


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

#: Status words of Czech, Greek, Spanish, French and German SoAs (turned into ``key`` form,
#: without accents, below). A bare yes or no is taken as in English: implemented or not.
_OTHER_STATUS_WORDS = {
    ImplementationStatus.IMPLEMENTED: (
        "implementováno", "implementovano", "zavedeno", "realizováno", "splněno", "hotovo",
        "plně implementováno", "ano",
        "υλοποιημένο", "υλοποιημένος", "υλοποιημένη", "υλοποιήθηκε", "πλήρως υλοποιημένο",
        "ολοκληρωμένο", "ολοκληρώθηκε", "ναι",
        "implementado", "implantado", "completado", "totalmente implementado", "sí", "si",
        "mis en œuvre", "mis en oeuvre", "mise en œuvre", "mise en oeuvre", "implémenté",
        "en place", "réalisé", "oui",
        "umgesetzt", "vollständig umgesetzt", "implementiert", "erledigt", "ja",
    ),
    ImplementationStatus.PARTIAL: (
        "částečně", "částečně implementováno", "částečně zavedeno", "rozpracováno", "probíhá",
        "v realizaci",
        "υπό υλοποίηση", "μερικώς", "μερικώς υλοποιημένο", "σε εξέλιξη", "σε εξελιξη",
        "parcialmente", "parcial", "parcialmente implementado", "en curso", "en progreso",
        "en proceso",
        "partiellement", "partiel", "partiellement mis en œuvre",
        "partiellement mis en oeuvre", "en cours",
        "teilweise", "teilweise umgesetzt", "in umsetzung", "in bearbeitung",
    ),
    ImplementationStatus.PLANNED: (
        "plánováno", "plánované", "naplánováno",
        "σχεδιάζεται", "προγραμματισμένο", "προγραμματίζεται",
        "planificado", "previsto", "planeado",
        "planifié", "prévu",
        "geplant",
    ),
    ImplementationStatus.NOT_IMPLEMENTED: (
        "neimplementováno", "nezavedeno", "nerealizováno", "ne",
        "μη υλοποιημένο", "μη υλοποιημένος", "δεν έχει υλοποιηθεί", "δεν υλοποιήθηκε", "όχι",
        "no implementado", "no iniciado",
        "non mis en œuvre", "non mis en oeuvre", "non implémenté", "non",
        "nicht umgesetzt", "nicht implementiert", "nein",
    ),
}
_STATUS_WORDS |= {values.key(word): status
                  for status, words in _OTHER_STATUS_WORDS.items() for word in words}


#: "N/A" and its words in other languages, in the status column of an excluded control.
_NO_STATUS = frozenset(values.key(word) for word in (
    "n/a", "na", "not applicable", "neaplikovatelné", "nerelevantní", "μη εφαρμόσιμο",
    "δεν εφαρμόζεται", "δεν ισχύει", "no aplica", "no aplicable", "non applicable",
    "sans objet", "nicht anwendbar", "entfällt",
))


def implementation_status(raw: Any) -> ImplementationStatus | None:
    """An implementation status cell; None when empty or "N/A", a Problem naming the allowed
    words otherwise."""
    word = values.key(raw) if raw is not None else ""
    if not word or word in _NO_STATUS:  # said by excluded rows: no status to take
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

#: Reasons for inclusion as Czech, Greek, Spanish, French and German SoAs write them.
_OTHER_REASON_WORDS = {
    InclusionReason.LEGAL: (
        "právní požadavek", "právní požadavky", "zákonný požadavek", "zákonné požadavky",
        "legislativa", "νομική απαίτηση", "νομικές απαιτήσεις", "κανονιστική απαίτηση",
        "κανονιστικές απαιτήσεις", "requisito legal", "requisitos legales",
        "exigence légale", "exigences légales", "exigence réglementaire",
        "gesetzliche anforderung", "gesetzliche anforderungen", "rechtliche anforderung",
        "rechtliche anforderungen",
    ),
    InclusionReason.CONTRACTUAL: (
        "smluvní povinnost", "smluvní povinnosti", "smluvní požadavek",
        "συμβατική υποχρέωση", "συμβατικές υποχρεώσεις", "obligación contractual",
        "obligaciones contractuales", "obligation contractuelle", "obligations contractuelles",
        "vertragliche verpflichtung", "vertragliche verpflichtungen",
    ),
    InclusionReason.BUSINESS: (
        "obchodní požadavek", "obchodní požadavky", "požadavek organizace",
        "επιχειρησιακή απαίτηση", "επιχειρησιακές απαιτήσεις", "requisito de negocio",
        "requisitos de negocio", "exigence métier", "exigences métier",
        "geschäftsanforderung", "geschäftsanforderungen", "geschäftliche anforderungen",
    ),
    InclusionReason.BEST_PRACTICE: (
        "osvědčená praxe", "dobrá praxe", "βέλτιστη πρακτική", "βέλτιστες πρακτικές",
        "buena práctica", "buenas prácticas", "mejores prácticas", "bonne pratique",
        "bonnes pratiques", "bewährte praxis", "bewährte verfahren",
    ),
    InclusionReason.RISK_ASSESSMENT: (
        "analýza rizik", "výsledky analýzy rizik", "hodnocení rizik",
        "εκτίμηση κινδύνου", "εκτίμηση κινδύνων", "αποτελέσματα εκτίμησης κινδύνου",
        "αξιολόγηση κινδύνων", "ανάλυση κινδύνων", "evaluación de riesgos",
        "análisis de riesgos", "resultado de la evaluación de riesgos",
        "appréciation des risques", "analyse des risques", "évaluation des risques",
        "risikobewertung", "risikoanalyse", "ergebnis der risikobewertung",
    ),
}
_REASON_WORDS |= {values.key(word): reason
                  for reason, words in _OTHER_REASON_WORDS.items() for word in words}

#: What separates the reasons in one cell: commas, ampersands, "and" in each language.
_REASON_SEPARATORS = re.compile(r"[,;&]| (?:and|a|και|y|e|et|und) ", re.IGNORECASE)


def reason_codes(raw: Any) -> tuple[list[str], str]:
    """("LR, CO, BR/BP") -> the InclusionReason values, and the text if it held anything else
    (kept as the inclusion note rather than lost)."""
    text = values.text(raw) or ""
    parts = [values.key(p) for p in _REASON_SEPARATORS.split(text)]
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
            "označení", "kód opatření", "κωδ", "κωδικός ελέγχου", "código", "código del control",
            "code", "identifiant", "kennung", "kennzeichen",
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
            # Czech, Greek, Spanish, French, German
            "důvod zařazení", "důvody zařazení", "důvod výběru", "důvody výběru",
            "λόγος ένταξης", "λόγοι ένταξης", "λόγος επιλογής", "λόγοι επιλογής",
            "motivo de inclusión", "motivos de inclusión", "razón de inclusión",
            "motivo de selección", "raison de l'inclusion", "raisons de l'inclusion",
            "motif d'inclusion", "raison de la sélection", "grund für die aufnahme",
            "gründe für die aufnahme", "auswahlgrund", "grund der auswahl",
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
            # Czech, Greek, Spanish, French, German ("justification" is French too)
            "zdůvodnění", "odůvodnění", "zdůvodnění zařazení", "odůvodnění zařazení",
            "αιτιολόγηση", "αιτιολογία", "τεκμηρίωση", "αιτιολόγηση ένταξης",
            "justificación", "justificación de la inclusión", "motivación",
            "justification de l'inclusion", "begründung", "begründung für die aufnahme",
            "rechtfertigung",
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
            # Czech, Greek, Spanish, French, German
            "zdůvodnění vyloučení", "odůvodnění vyloučení", "důvod vyloučení",
            "αιτιολόγηση εξαίρεσης", "λόγος εξαίρεσης", "αιτιολόγηση μη εφαρμογής",
            "justificación de la exclusión", "justificación de exclusión",
            "motivo de exclusión", "justification de l'exclusion", "raison de l'exclusion",
            "motif d'exclusion", "begründung für ausschluss", "begründung für den ausschluss",
            "ausschlussgrund", "grund für den ausschluss",
        ),
    ),
    Field(
        "legal",
        "Legal requirements",
        ("lr", "legal requirements", "legal", "právní požadavky", "νομικές απαιτήσεις",
         "requisitos legales", "exigences légales", "gesetzliche anforderungen"),
        parse=tick,
    ),
    Field(
        "contractual",
        "Contractual obligations",
        ("co", "contractual obligations", "contractual", "smluvní povinnosti",
         "συμβατικές υποχρεώσεις", "obligaciones contractuales",
         "obligations contractuelles", "vertragliche verpflichtungen"),
        parse=tick,
    ),
    Field(
        "business",
        "Business requirements",
        ("br", "br bp", "business requirements", "business requirements adopted best practice",
         "obchodní požadavky", "επιχειρησιακές απαιτήσεις", "requisitos de negocio",
         "exigences métier", "geschäftsanforderungen"),
        parse=tick,
    ),
    Field(
        "risk_assessment",
        "Results of risk assessment",
        ("rra", "results of risk assessment", "risk assessment", "výsledky analýzy rizik",
         "analýza rizik", "εκτίμηση κινδύνων", "evaluación de riesgos",
         "appréciation des risques", "risikobewertung"),
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
            # Czech, Greek, Spanish, French, German
            "stav", "stav implementace", "stav zavedení", "stav realizace",
            "κατάσταση", "κατάσταση υλοποίησης", "κατάσταση εφαρμογής",
            "estado", "estado de implementación", "estado de implantación",
            "estado de la implementación", "statut", "état", "état de mise en œuvre",
            "état de mise en oeuvre", "statut de mise en œuvre", "statut de mise en oeuvre",
            "état de la mise en œuvre", "umsetzungsstatus", "umsetzungsstand",
            "stand der umsetzung", "status der umsetzung", "implementierungsstatus",
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
            # Czech, Greek, Spanish, French, German
            "způsob implementace", "popis implementace", "poznámky", "poznámka",
            "τρόπος υλοποίησης", "περιγραφή υλοποίησης", "σχόλια", "παρατηρήσεις",
            "descripción de la implementación", "cómo se implementa", "observaciones",
            "comentarios", "notas", "description de la mise en œuvre",
            "description de la mise en oeuvre", "commentaires", "remarques",
            "beschreibung der umsetzung", "umsetzungsbeschreibung", "bemerkungen",
            "anmerkungen", "kommentar",
        ),
    ),
    Field(
        "target_date",
        "Target date",
        ("target date", "due date", "planned date", "target", "completion date",
         "termín", "cílové datum", "προθεσμία", "ημερομηνία ολοκλήρωσης", "fecha objetivo",
         "fecha prevista", "date cible", "échéance", "date prévue", "zieldatum", "termin",
         "frist"),
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
