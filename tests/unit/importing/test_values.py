"""The cell values department spreadsheets really contain."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from isms.io.importing import values as v
from isms.model import AssetStatus, AssetType


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Highways  data ", "Highways data"),
        ("a\u00a0b", "a b"),
        (42.0, "42"),
        (7, "7"),
        ("", None),
        ("   ", None),
        (None, None),
        (date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_text(raw: object, expected: object) -> None:
    assert v.text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["Yes", "Yes ", "YES", "y", "True", "x", "X", "✓", "✔", "*", "1", "Ja", "oui", "sí", 1, True],
)
def test_yes(raw: object) -> None:
    assert v.yes_no(raw) is True


@pytest.mark.parametrize(
    "raw", ["No", " no ", "N", "false", "0", "-", "n/a", "Nein", "non", 0, False]
)
def test_no(raw: object) -> None:
    assert v.yes_no(raw) is False


def test_yes_no_blank_and_unknown() -> None:
    assert v.yes_no(None) is None and v.yes_no("  ") is None
    with pytest.raises(v.Problem, match="'maybe' is not yes or no"):
        v.yes_no("maybe")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/02/2024", date(2024, 2, 1)),
        ("1/2/24", date(2024, 2, 1)),
        ("31.12.2025", date(2025, 12, 31)),
        ("31-12-2025", date(2025, 12, 31)),
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03-01 00:00:00", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("1st Mar 2024", date(2024, 3, 1)),
        (45292, date(2024, 1, 1)),
        (45292.0, date(2024, 1, 1)),
        (datetime(2024, 5, 6, 9, 30), date(2024, 5, 6)),
        (date(2024, 5, 6), date(2024, 5, 6)),
        (None, None),
        ("", None),
    ],
)
def test_uk_dates(raw: object, expected: object) -> None:
    assert v.day(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [("31/02/2024", "not a real date"), ("next week", "not a date"), (-5, "not a date")],
)
def test_bad_dates(raw: object, message: str) -> None:
    with pytest.raises(v.Problem, match=message):
        v.day(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (5, 5),
        (3.0, 3),
        ("4", 4),
        (" 2 ", 2),
        ("Low", 2),
        ("medium", 3),
        ("HIGH", 4),
        ("Very High", 5),
        ("negligible", 1),
        ("critical", 5),
        ("3.0", 3),
        ("+2", 2),
        (None, None),
    ],
)
def test_ratings(raw: object, expected: object) -> None:
    assert v.rating(raw) == expected


@pytest.mark.parametrize("raw", [0, 6, 2.5, "purple", True])
def test_bad_ratings(raw: object) -> None:
    with pytest.raises(v.Problem):
        v.rating(raw)


@pytest.mark.parametrize("raw", ["-1", "-5", " -3 ", "0", "6", "2,5", "2.5"])
def test_out_of_range_ratings_written_as_text_are_errors_not_corrected(raw: str) -> None:
    """A CSV's "-1" was read as 1 (the sign dropped with the punctuation): never again."""
    with pytest.raises(v.Problem, match=f"^{raw.strip()} is not a rating from 1 to 5$"):
        v.rating(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C=2, I=3, A=3", (2, 3, 3)),
        ("C2 I3 A3", (2, 3, 3)),
        ("c: 1; i: 4; a: 5", (1, 4, 5)),
        ("2/3/3", (2, 3, 3)),
        ("Confidentiality high, Integrity low, Availability medium", (4, 2, 3)),
        (None, (None, None, None)),
    ],
)
def test_cia_in_one_cell(raw: object, expected: object) -> None:
    assert v.cia(raw) == expected


def test_cia_missing_a_part() -> None:
    with pytest.raises(v.Problem, match="does not give C, I and A"):
        v.cia("C=2, I=3")


def test_asset_types_and_statuses() -> None:
    assert v.asset_type("Application") == AssetType.SOFTWARE
    assert v.asset_type(" Data ") == AssetType.INFORMATION
    assert v.asset_type("Third Party") == AssetType.SUPPLIER
    with pytest.raises(v.Problem, match="'spaceship' is not an asset type"):
        v.asset_type("spaceship")
    assert v.asset_status("Live") == AssetStatus.ACTIVE
    assert v.asset_status("decommissioned") == AssetStatus.RETIRED
    assert v.asset_status("Pending") == AssetStatus.PENDING_VERIFICATION


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nízká", 2), ("nizka", 2), ("STŘEDNÍ", 3), ("Vysoká", 4), ("velmi vysoká", 5),
        ("Χαμηλή", 2), ("ΜΕΤΡΙΑ", 3), ("υψηλη", 4), ("Πολύ υψηλή", 5),
        ("Baja", 2), ("media", 3), ("Muy alta", 5),
        ("faible", 2), ("Moyenne", 3), ("Très élevée", 5),
        ("niedrig", 2), ("Mittel", 3), ("Sehr hoch", 5),
    ],
)
def test_rating_words_of_other_languages(raw: str, expected: int) -> None:
    """Czech, Greek, Spanish, French and German registers write their ratings in words."""
    assert v.rating(raw) == expected


def test_the_comparison_form_keeps_letters_of_every_language_without_accents() -> None:
    assert v.key("Vysoká  Riziko!") == v.key("vysoka riziko") == "vysoka riziko"
    assert v.key("Υψηλή") == v.key("ΥΨΗΛΗ") == "υψηλη"
    assert v.key("Größe") == "grosse"
    # People keep their accents: a near miss is offered, never a silent match.
    assert v.name_key("Siân Evans") != v.name_key("Sian Evans")
    assert v.name_key("SIÂN  evans") == v.name_key("Siân Evans")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Database", "software"), ("Network Device", "hardware"), ("Endpoint", "hardware"),
    ("Infrastructure", "hardware"), ("Physical Asset", "hardware"),
    ("Paper records", "information"), ("Cloud", "service"), ("Λογισμικό", "software"),
    ("Datenbank", "software"), ("Matériel", "hardware"), ("Služba", "service"),
    ("Fournisseur", "supplier"),
])
def test_asset_types_as_inventories_write_them(raw: str, expected: str) -> None:
    """The types of a public ISO 27001 asset register and of other languages' registers."""
    assert v.asset_type(raw) == expected
