"""Asset and risk registers written in Czech, Greek, Spanish, French and German: their column
headings are proposed for the register's fields, and their treatment and risk status words are
read (issue 15, point 7)."""

from __future__ import annotations

import pytest

from isms.io.importing import values
from isms.model import RiskStatus, TreatmentOption

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
