"""Asset and risk registers written in Czech, Greek, Spanish, French and German: their column
headings are proposed for the register's fields, and their treatment and risk status words are
read (issue 15, point 7)."""

from __future__ import annotations

import pytest

from isms.io.importing import values
from isms.io.importing.fields import ASSET_FIELDS, FIELDS_BY_KIND
from isms.io.importing.mapping import propose
from isms.model import RiskStatus, TreatmentOption

RISK_FIELDS = FIELDS_BY_KIND["risks"]

MODIFY, RETAIN, AVOID, SHARE = (TreatmentOption(o) for o in ("modify", "retain", "avoid", "share"))


@pytest.mark.parametrize(("words", "expected"), [
    (("Αποδοχή", "Akceptace", "Přijetí", "Aceptar", "Accepter", "Akzeptieren"), RETAIN),
    (("Μείωση", "Snížení", "Zmírnění", "Mitigar", "Reducir", "Réduire", "Reduzieren"), MODIFY),
    (("Αποφυγή", "Vyhnutí", "Evitar", "Éviter", "Vermeiden"), AVOID),
    (("Μεταφορά", "Přenesení", "Sdílení", "Transferir", "Compartir", "Transférer",
      "Partager", "Übertragen", "Teilen"), SHARE),
])
def test_treatment_words_of_other_languages(
    words: tuple[str, ...], expected: TreatmentOption
) -> None:
    assert {word: values.treatment(word) for word in words} == dict.fromkeys(words, expected)
    assert values.treatment(words[0].upper()) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("Identifikováno", "identified"), ("Ανοιχτός", "identified"), ("Abierto", "identified"),
    ("Évalué", "assessed"), ("Bewertet", "assessed"),
    ("Υπό αντιμετώπιση", "in treatment"), ("En tratamiento", "in treatment"),
    ("In Behandlung", "in treatment"),
    ("Akceptováno", "accepted"), ("Accepté", "accepted"),
    ("Uzavřeno", "closed"), ("Κλειστός", "closed"), ("Cerrado", "closed"),
    ("Clôturé", "closed"), ("Geschlossen", "closed"),
])
def test_risk_status_words_of_other_languages(word: str, expected: str) -> None:
    assert values.risk_status(word) == RiskStatus(expected)


def test_an_unknown_treatment_word_is_still_refused() -> None:
    with pytest.raises(values.Problem, match="'Ignorer' is not a treatment option"):
        values.treatment("Ignorer")


@pytest.mark.parametrize("heading", [
    "Kód", "Označení", "ID aktiva", "Κωδικός", "Κωδ.", "Código", "ID del activo", "Code",
    "Identifiant", "Kennung", "Inventarnummer", "Kennzeichen",
])
def test_the_reference_heading_of_other_languages(heading: str) -> None:
    assert propose([heading, "Název"], ASSET_FIELDS) == {0: "ref", 1: "name"}


@pytest.mark.parametrize("names", [
    ["Kód", "Název aktiva", "Popis", "Umístění", "Vlastník", "Správce", "Stav",
     "Datum revize"],
    ["Κωδ.", "Όνομα", "Περιγραφή", "Τοποθεσία", "Κάτοχος", "Διαχειριστής", "Κατάσταση",
     "Ημερομηνία αναθεώρησης"],
    ["ID del activo", "Nombre", "Descripción", "Ubicación", "Responsable del activo",
     "Custodio", "Estado del activo", "Fecha de la próxima revisión"],
    ["Code", "Nom de l'actif", "Description", "Lieu", "Propriétaire", "Administrateur",
     "Statut", "Date de revue"],
    ["Kennzeichen", "Bezeichnung", "Beschreibung", "Aufbewahrungsort", "Besitzer",
     "Administrator", "Zustand", "Wiedervorlage"],
], ids=["czech", "greek", "spanish", "french", "german"])
def test_an_asset_register_of_another_language(names: list[str]) -> None:
    assert list(propose(names, ASSET_FIELDS).values()) == [
        "ref", "name", "description", "location", "owner", "custodian", "status",
        "next_review"]


@pytest.mark.parametrize("names", [
    ["Kód rizika", "Riziko", "Popis", "Aktiva", "Stávající opatření", "Vlastník",
     "Ošetření rizika", "Zbytková pravděpodobnost", "Zbytkový dopad", "Stav rizika"],
    ["Κωδικός", "Κίνδυνος", "Περιγραφή", "Περιουσιακά στοιχεία", "Υφιστάμενα μέτρα",
     "Υπεύθυνος", "Αντιμετώπιση", "Υπολειπόμενη πιθανότητα", "Υπολειπόμενη επίπτωση",
     "Κατάσταση"],
    ["Código", "Riesgo", "Descripción", "Activos afectados", "Controles existentes",
     "Responsable", "Tratamiento", "Probabilidad residual", "Impacto residual", "Estado"],
    ["Code du risque", "Risque", "Description du risque", "Actifs concernés",
     "Mesures existantes", "Propriétaire", "Option de traitement",
     "Vraisemblance résiduelle", "Impact résiduel", "Statut"],
    ["Kennung", "Risiko", "Beschreibung", "Betroffene Assets", "Bestehende Maßnahmen",
     "Verantwortlicher", "Risikobehandlung", "Restwahrscheinlichkeit", "Restauswirkung",
     "Risikostatus"],
], ids=["czech", "greek", "spanish", "french", "german"])
def test_a_risk_register_of_another_language(names: list[str]) -> None:
    assert list(propose(names, RISK_FIELDS).values()) == [
        "ref", "title", "description", "assets", "existing_controls", "owner",
        "treatment_option", "residual_likelihood", "residual_impact", "status"]


def test_english_headings_ending_in_code_are_not_the_reference() -> None:
    """"Code" is the reference in French and other registers; "Department code" and "Post
    code" still name the department and the place."""
    names = ["Asset ID", "Asset", "Department code", "Post code"]
    assert propose(names, ASSET_FIELDS) == {0: "ref", 1: "name", 2: "department",
                                            3: "location"}
    assert propose(["Department code", "Asset"], ASSET_FIELDS) == {0: "department",
                                                                   1: "name"}


def test_the_greek_serial_number_column_is_not_the_reference() -> None:
    """"Α/Α" numbers the rows; the "Κωδικός" beside it is the reference."""
    assert propose(["Α/Α", "Κωδικός", "Όνομα"], ASSET_FIELDS) == {1: "ref", 2: "name"}
    assert propose(["Α/Α", "Κωδικός", "Κίνδυνος"], RISK_FIELDS) == {1: "ref", 2: "title"}
