"""SoA spreadsheets written in Greek, Czech, Spanish, French and German: their headings and
their status words carry every control over with its justification and implementation status,
on a real register file and real xlsx files (issue 15, point 7)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.io.importing.mapping import propose
from isms.io.importing.soa_vocabulary import (
    SOA_FIELDS,
    applicability,
    implementation_status,
    reason_codes,
)
from isms.model import Applicability, ImplementationStatus, InclusionReason, SoaEntry
from isms.services.soa.carry_over import apply_soa_import, plan_soa_import
from tests import builders


@dataclass(frozen=True)
class Language:
    """How a department writing in one language lays its SoA out."""

    code: str
    title: str
    header: tuple[str, ...]  # row number, reference, control, applicable, justification, status
    yes: str
    no: str
    #: implemented, partial, not implemented, as the department writes them
    statuses: tuple[str, str, str]
    because: str  # the start of each justification
    not_applicable: str  # the status of an excluded control


LANGUAGES = [
    Language("el", "Δήλωση Εφαρμοσιμότητας - Διεύθυνση Περιβάλλοντος",
             ("Α/Α", "Κωδικός", "Έλεγχος", "Εφαρμόζεται", "Αιτιολόγηση", "Κατάσταση"),
             "ΝΑΙ", "ΟΧΙ", ("Υλοποιημένο", "Υπό υλοποίηση", "Μη υλοποιημένο"),
             "Απαιτείται για", "Μη εφαρμόσιμο"),
    Language("cs", "Prohlášení o aplikovatelnosti - Odbor životního prostředí",
             ("Č.", "Označení", "Opatření", "Aplikovatelnost", "Zdůvodnění",
              "Stav implementace"),
             "Ano", "Ne", ("Implementováno", "Částečně", "Neimplementováno"), "Nutné pro",
             "Neaplikovatelné"),
    Language("es", "Declaración de aplicabilidad - Medio Ambiente",
             ("Nº", "Código", "Control", "Aplica", "Justificación", "Estado de implementación"),
             "Sí", "No", ("Implementado", "Parcialmente", "No implementado"), "Necesario para",
             "No aplica"),
    Language("fr", "Déclaration d'applicabilité - Environnement",
             ("N°", "Référence", "Mesure", "Applicabilité", "Justification",
              "État de mise en œuvre"),
             "Oui", "Non", ("Mis en œuvre", "Partiellement", "Non mis en œuvre"),
             "Nécessaire pour", "Sans objet"),
    Language("de", "Erklärung zur Anwendbarkeit - Umweltamt",
             ("Nr.", "Kennung", "Maßnahme", "Anwendbar", "Begründung", "Umsetzungsstatus"),
             "Ja", "Nein", ("Umgesetzt", "Teilweise", "Nicht umgesetzt"), "Erforderlich für",
             "Entfällt"),
]

EXCLUDED = {"7.5", "8.30"}
PARTIAL = {"5.7", "8.12"}
NOT_IMPLEMENTED = {"8.28"}


def _controls() -> list[dict[str, str]]:
    text = (files("isms.catalogue") / "data" / "iso27001_2022_annexA.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _soa(path: Path, lang: Language) -> None:
    """The department's SoA: a title row above the header, row numbers beside "A.5.1"-style
    references, its own yes/no words, a justification and a status on every row."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([lang.title])
    sheet.append(list(lang.header))
    implemented, partial, not_implemented = lang.statuses
    for number, row in enumerate(_controls(), start=1):
        ref = row["ref_id"]
        status = (partial if ref in PARTIAL else not_implemented if ref in NOT_IMPLEMENTED
                  else lang.not_applicable if ref in EXCLUDED else implemented)
        sheet.append([number, f"A.{ref}", row["title"], lang.no if ref in EXCLUDED else lang.yes,
                      f"{lang.because} {ref}", status])
    book.save(path)


@pytest.fixture
def department(register: Register) -> int:
    with register.session(actor="tests") as session:
        dept = builders.department(session, code="ENV", name="Environment and Highways")
        commit(session)
        return dept.id


@pytest.mark.parametrize("lang", LANGUAGES, ids=[lang.code for lang in LANGUAGES])
def test_an_soa_in_another_language_carries_justification_and_status(
    register: Register, department: int, tmp_path: Path, lang: Language
) -> None:
    path = tmp_path / f"soa-{lang.code}.xlsx"
    _soa(path, lang)
    with register.session() as session:
        plan = plan_soa_import(session, path, department)
    assert plan.mapping == {1: "ref", 2: "title", 3: "applicable", 4: "justification",
                            5: "status"}
    assert len(plan.controls) == 93 and not plan.unmatched and not plan.unrecognised
    sources = {c.ref: c.sources[0] for c in plan.controls}
    assert all(len(c.sources) == 1 for c in plan.controls)
    assert {ref: s.justification for ref, s in sources.items()} == {
        ref: f"{lang.because} {ref}" for ref in sources}
    assert {ref for ref, s in sources.items()
            if s.applicability == Applicability.EXCLUDED} == EXCLUDED
    assert {ref for ref, s in sources.items()
            if s.status == ImplementationStatus.PARTIAL} == PARTIAL
    assert {ref for ref, s in sources.items()
            if s.status == ImplementationStatus.NOT_IMPLEMENTED} == NOT_IMPLEMENTED
    assert {ref for ref, s in sources.items() if s.status is None} == EXCLUDED
    assert all(not s.problems for s in sources.values())


def test_a_greek_soa_is_written_with_its_justifications_and_statuses(
    register: Register, department: int, tmp_path: Path
) -> None:
    path = tmp_path / "soa-el.xlsx"
    _soa(path, LANGUAGES[0])
    with register.session() as session:
        plan = plan_soa_import(session, path, department)
        result = apply_soa_import(session, plan, department, actor="Eleni Papadopoulou")
        commit(session)
    assert (result.created, result.left_for_decision) == (93, 0)
    with register.session() as session:
        entries = {e.control.ref: e for e in session.execute(
            select(SoaEntry).where(SoaEntry.department_id == department)).scalars()}
    assert len(entries) == 93
    assert entries["5.1"].inclusion_note == "Απαιτείται για 5.1"
    assert entries["5.1"].implementation_status == ImplementationStatus.IMPLEMENTED
    assert entries["8.12"].implementation_status == ImplementationStatus.PARTIAL
    assert entries["8.28"].implementation_status == ImplementationStatus.NOT_IMPLEMENTED
    assert entries["7.5"].applicability == Applicability.EXCLUDED
    assert entries["7.5"].exclusion_justification == "Απαιτείται για 7.5"


@pytest.mark.parametrize(("cell", "expected"), [
    ("Εφαρμόζεται", Applicability.APPLICABLE), ("Δεν εφαρμόζεται", Applicability.EXCLUDED),
    ("Neaplikovatelné", Applicability.EXCLUDED), ("No aplica", Applicability.EXCLUDED),
    ("Sans objet", Applicability.EXCLUDED), ("Ausgeschlossen", Applicability.EXCLUDED),
    ("Externalizado", Applicability.THIRD_PARTY), ("Ausgelagert", Applicability.THIRD_PARTY),
    ("Τρίτο μέρος", Applicability.THIRD_PARTY), ("Ano", Applicability.APPLICABLE),
])
def test_applicability_words_of_other_languages(cell: str, expected: Applicability) -> None:
    assert applicability(cell) == expected


@pytest.mark.parametrize("cell", ["Μη εφαρμόσιμο", "Neaplikovatelné", "No aplica",
                                  "Sans objet", "Entfällt", "Not applicable", "N/A"])
def test_not_applicable_in_the_status_column_is_no_status(cell: str) -> None:
    assert implementation_status(cell) is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("Υλοποιημένο", ImplementationStatus.IMPLEMENTED),
    ("ΥΠΟ ΥΛΟΠΟΙΗΣΗ", ImplementationStatus.PARTIAL),
    ("Μη υλοποιημένο", ImplementationStatus.NOT_IMPLEMENTED),
    ("Σχεδιάζεται", ImplementationStatus.PLANNED),
    ("Implementováno", ImplementationStatus.IMPLEMENTED),
    ("částečně", ImplementationStatus.PARTIAL),
    ("Neimplementováno", ImplementationStatus.NOT_IMPLEMENTED),
    ("Plánováno", ImplementationStatus.PLANNED),
    ("Implementado", ImplementationStatus.IMPLEMENTED),
    ("Parcialmente", ImplementationStatus.PARTIAL),
    ("No implementado", ImplementationStatus.NOT_IMPLEMENTED),
    ("Planificado", ImplementationStatus.PLANNED),
    ("Mis en œuvre", ImplementationStatus.IMPLEMENTED),
    ("Partiellement", ImplementationStatus.PARTIAL),
    ("Non mis en oeuvre", ImplementationStatus.NOT_IMPLEMENTED),
    ("Planifié", ImplementationStatus.PLANNED),
    ("Umgesetzt", ImplementationStatus.IMPLEMENTED),
    ("Teilweise", ImplementationStatus.PARTIAL),
    ("Nicht umgesetzt", ImplementationStatus.NOT_IMPLEMENTED),
    ("Geplant", ImplementationStatus.PLANNED),
])
def test_status_words_of_other_languages(cell: str, expected: ImplementationStatus) -> None:
    assert implementation_status(cell) == expected


@pytest.mark.parametrize(("names", "expected"), [
    (["Κωδικός", "Αιτιολόγηση", "Κατάσταση υλοποίησης", "Λόγοι ένταξης",
      "Αιτιολόγηση εξαίρεσης"],
     ["ref", "justification", "status", "reasons", "exclusion"]),
    (["Číslo", "Odůvodnění", "Stav", "Důvod zařazení", "Zdůvodnění vyloučení"],
     ["ref", "justification", "status", "reasons", "exclusion"]),
    (["Referencia", "Justificación", "Estado", "Motivo de inclusión",
      "Justificación de la exclusión"],
     ["ref", "justification", "status", "reasons", "exclusion"]),
    (["Référence", "Justification", "Statut", "Raison de l'inclusion",
      "Justification de l'exclusion"],
     ["ref", "justification", "status", "reasons", "exclusion"]),
    (["Referenz", "Begründung", "Status", "Grund für die Aufnahme", "Begründung für Ausschluss"],
     ["ref", "justification", "status", "reasons", "exclusion"]),
])
def test_soa_headings_of_other_languages(names: list[str], expected: list[str]) -> None:
    assert propose(names, SOA_FIELDS) == dict(enumerate(expected))


def test_reasons_of_other_languages() -> None:
    assert reason_codes("Právní požadavek, Výsledky analýzy rizik") == (
        [InclusionReason.LEGAL.value, InclusionReason.RISK_ASSESSMENT.value], "")
    assert reason_codes("Νομική απαίτηση, Συμβατική υποχρέωση") == (
        [InclusionReason.LEGAL.value, InclusionReason.CONTRACTUAL.value], "")
    assert reason_codes("Requisito legal, Evaluación de riesgos") == (
        [InclusionReason.LEGAL.value, InclusionReason.RISK_ASSESSMENT.value], "")
    assert reason_codes("Exigence légale, Bonne pratique") == (
        [InclusionReason.LEGAL.value, InclusionReason.BEST_PRACTICE.value], "")
    assert reason_codes("Gesetzliche Anforderung, Vertragliche Verpflichtung") == (
        [InclusionReason.LEGAL.value, InclusionReason.CONTRACTUAL.value], "")
