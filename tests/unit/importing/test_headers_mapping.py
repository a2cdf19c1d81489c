"""Finding the header and proposing the mapping on layouts departments really send."""

from __future__ import annotations

import pytest

from isms.io.importing.fields import ASSET_FIELDS, FIELDS_BY_KIND
from isms.io.importing.headers import find_header
from isms.io.importing.mapping import (
    by_name,
    column_letter,
    from_names,
    propose,
    signature,
    vocabulary,
)

VOCAB = vocabulary(ASSET_FIELDS)


def test_header_below_a_merged_title_and_blank_rows() -> None:
    rows = [
        (1, ["Environment Department - Information Asset Register 2026"]),
        (2, []),
        (3, ["Prepared by the IAO; return to the SMG by 31 March"]),
        (4, []),
        (5, ["Asset Ref", "Asset", "Owner", "Classification"]),
        (6, ["ENV-1", "Highways defects", "Bob Smith", "OFFICIAL"]),
    ]
    header = find_header(rows, [(1, 1, 1, 4)], VOCAB)
    assert header is not None
    assert (header.first_row, header.last_row, header.data_starts) == (5, 5, 6)
    assert header.names == ["Asset Ref", "Asset", "Owner", "Classification"]


def test_two_row_header_with_a_merged_group_title() -> None:
    rows = [
        (1, ["Asset", "Details", None, "CIA Ratings", None, None]),
        (2, [None, "Owner", "Type", "C", "I", "A"]),
        (3, ["Case files", "Jo Bloggs", "Info", 3, 4, 2]),
    ]
    merged = [(1, 1, 2, 1), (1, 2, 1, 3), (1, 4, 1, 6)]
    header = find_header(rows, merged, VOCAB)
    assert header is not None and (header.first_row, header.last_row) == (1, 2)
    assert header.names == [
        "Asset",
        "Details Owner",
        "Details Type",
        "CIA Ratings C",
        "CIA Ratings I",
        "CIA Ratings A",
    ]
    assert propose(header.names, ASSET_FIELDS) == {
        0: "name",
        1: "owner",
        2: "asset_type",
        3: "confidentiality",
        4: "integrity",
        5: "availability",
    }


def test_three_row_header() -> None:
    rows = [
        (1, ["Information", None, "Security", None, None]),
        (2, ["Asset", None, "Impact", None, None]),
        (3, ["Ref", "Name", "Confidentiality", "Integrity", "Availability"]),
        (4, ["A1", "Payroll", 3, 3, 2]),
    ]
    merged = [(1, 1, 1, 2), (1, 3, 1, 5), (2, 1, 2, 2), (2, 3, 2, 5)]
    header = find_header(rows, merged, VOCAB)
    assert header is not None and (header.first_row, header.last_row) == (1, 3)
    assert header.names[0] == "Information Asset Ref"
    assert propose(header.names, ASSET_FIELDS) == {
        0: "ref",
        1: "name",
        2: "confidentiality",
        3: "integrity",
        4: "availability",
    }


def test_no_header_at_all() -> None:
    assert find_header([(1, [1, 2, 3]), (2, [4, 5, 6])], [], VOCAB) is None


def test_synonyms_from_real_registers() -> None:
    names = [
        "IAO",
        "Information Asset Owner (IAO)",
        "Protective Marking",
        "GPMS",
        "Personal Data? (Y/N)",
        "Special Category Data",
        "Review Due",
        "Dept",
        "Information Asset Administrator",
        "Where held",
        "Asset ID",
        "Something else",
    ]
    mapping = propose(names, ASSET_FIELDS)
    assert mapping[0] == "owner"  # exact synonym wins over the longer header containing it
    assert 1 not in mapping
    assert mapping[2] == "marking" and 3 not in mapping
    assert mapping[4] == "personal_data" and mapping[5] == "special_category"
    assert mapping[6] == "next_review" and mapping[7] == "department"
    assert mapping[8] == "custodian" and mapping[9] == "location" and mapping[10] == "ref"
    assert 11 not in mapping


def test_mapping_survives_columns_moving_and_signature_spots_layouts() -> None:
    names = ["Asset", "Owner", "Marking"]
    stored = by_name({0: "name", 1: "owner", 2: "marking"}, names)
    moved = ["Marking", "Asset", "Owner"]
    assert from_names(stored, moved) == {0: "marking", 1: "name", 2: "owner"}
    assert signature(names) == signature(["ASSET ", "owner", "marking"])
    assert signature(names) != signature(moved)


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702, 16383)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_group_title_row_scores_best_but_the_names_are_underneath() -> None:
    rows = [(1, ["Environment & Highways - Information Asset Register 2026"]), (2, []),
            (3, ["Asset", "Information Asset Owner (IAO)", "Protective Marking", "CIA", None, None,
                 "Personal Data?", "Review Date"]),
            (4, [None, None, None, "C", "I", "A", None, None]),
            (5, ["Gritting routes", "Rajesh Sharma", "Official", 1, 2, 5, "No", "01/04/2027"])]
    merged = [(1, 1, 1, 8), (3, 4, 3, 6), (3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 4, 3), (3, 7, 4, 7),
              (3, 8, 4, 8)]
    header = find_header(rows, merged, VOCAB)
    assert header is not None and (header.first_row, header.last_row) == (3, 4)
    assert header.names[3:6] == ["CIA C", "CIA I", "CIA A"]
    assert propose(header.names, ASSET_FIELDS) == {
        0: "name", 1: "owner", 2: "marking", 3: "confidentiality", 4: "integrity",
        5: "availability", 6: "personal_data", 7: "next_review"}


def test_columns_without_a_header_are_saved_by_letter() -> None:
    names = ["Asset", "", "Owner"]
    stored = by_name({0: "name", 1: "description", 2: "owner"}, names)
    assert stored == {"Asset": "name", "#B": "description", "Owner": "owner"}
    assert from_names(stored, names) == {0: "name", 1: "description", 2: "owner"}
    # The letter only applies where that column still has no header of its own.
    assert from_names(stored, ["Asset", "Notes", "Owner"]) == {0: "name", 2: "owner"}


@pytest.mark.parametrize(
    "names",
    [
        ["ID aktiva", "Název aktiva", "Typ aktiva", "Odbor", "Vlastník aktiva", "Klasifikace",
         "Důvěrnost", "Integrita", "Dostupnost", "Osobní údaje"],
        ["Κωδικός", "Όνομα", "Τύπος", "Τμήμα", "Ιδιοκτήτης", "Διαβάθμιση", "Εμπιστευτικότητα",
         "Ακεραιότητα", "Διαθεσιμότητα", "Προσωπικά δεδομένα"],
        ["Código", "Nombre del activo", "Tipo de activo", "Departamento", "Propietario",
         "Clasificación", "Confidencialidad", "Integridad", "Disponibilidad",
         "Datos personales"],
        ["Référence", "Nom de l'actif", "Catégorie", "Département", "Propriétaire",
         "Classification", "Confidentialité", "Intégrité", "Disponibilité",
         "Données personnelles"],
        ["Kennung", "Bezeichnung", "Kategorie", "Abteilung", "Eigentümer", "Einstufung",
         "Vertraulichkeit", "Integrität", "Verfügbarkeit", "Personenbezogene Daten"],
    ],
    ids=["czech", "greek", "spanish", "french", "german"],
)
def test_asset_headings_in_other_languages(names: list[str]) -> None:
    expected = ["ref", "name", "asset_type", "department", "owner", "marking",
                "confidentiality", "integrity", "availability", "personal_data"]
    assert list(propose(names, ASSET_FIELDS).values()) == expected


def test_risk_headings_in_czech() -> None:
    names = ["ID rizika", "Riziko", "Hrozba", "Zranitelnost", "Pravděpodobnost", "Dopad",
             "Vlastník rizika", "Ošetření rizika"]
    assert list(propose(names, FIELDS_BY_KIND["risks"]).values()) == [
        "ref", "title", "threat", "vulnerability", "inherent_likelihood", "inherent_impact",
        "owner", "treatment_option"]


def test_a_persons_name_column_is_not_taken_for_the_asset_name() -> None:
    """An IT inventory lists who uses each item: "Full Name" is theirs, "Item Name" the asset's."""
    names = ["Asset Tag", "Full Name", "Item Name", "Department", "Email", "Location"]
    assert propose(names, ASSET_FIELDS) == {0: "ref", 2: "name", 3: "department", 5: "location"}
    names = ["Hostname", "Full Name", "Owner Name"]
    assert propose(names, ASSET_FIELDS) == {0: "name", 2: "owner"}
    assert propose(["Full Name"], ASSET_FIELDS) == {}


def test_a_row_of_requirement_levels_or_notes_above_the_names_is_not_merged_into_them() -> None:
    vocab = vocabulary(ASSET_FIELDS)
    names = ["Asset name", "Department", "Description", "Owner"]
    levels = [(1, ["Information Asset Register"]),
              (2, ["Mandatory", "Mandatory", "Optional", "Mandatory"]),
              (3, names), (4, ["Payroll", "FIN", "Pay slips", "Bob"])]
    header = find_header(levels, [], vocab)
    assert header is not None and (header.first_row, header.names) == (3, names)
    notes = [(1, ["Give the asset a short name people know it by", "The department code "
                  "from the list", "Say what the asset holds and why", "Who is accountable "
                  "for it, by name"]),
             (2, names), (3, ["Payroll", "FIN", "Pay slips", "Bob"])]
    header = find_header(notes, [], vocab)
    assert header is not None and (header.first_row, header.names) == (2, names)
