"""The shipped Annex A catalogues against the checked reference files and known facts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isms import catalogue

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "iso27001"


def test_2022_has_93_controls_in_four_themes() -> None:
    controls = catalogue.annex_a_2022()
    assert len(controls) == 93
    by_theme: dict[str, int] = {}
    for c in controls:
        by_theme[c.theme] = by_theme.get(c.theme, 0) + 1
    assert by_theme == {"Organizational": 37, "People": 8, "Physical": 14, "Technological": 34}


def test_2013_has_114_controls_and_correspondence_covers_them() -> None:
    assert len(catalogue.annex_a_2013()) == 114
    pairs = catalogue.correspondence_2013_2022()
    assert len(pairs) == 115
    assert {old for old, _ in pairs} == {c.ref for c in catalogue.annex_a_2013()}
    assert {new for old, new in pairs if old == "A.18.2.3"} == {"5.36", "8.8"}


def test_new_in_2022() -> None:
    assert catalogue.new_in_2022() == [
        "5.7",
        "5.23",
        "5.30",
        "7.4",
        "8.9",
        "8.10",
        "8.11",
        "8.12",
        "8.16",
        "8.23",
        "8.28",
    ]


def test_known_titles() -> None:
    titles = {c.ref: c.title for c in catalogue.annex_a_2022()}
    assert titles["5.15"] == "Access control"
    assert titles["5.23"] == "Information security for use of cloud services"
    assert titles["8.34"] == "Protection of information systems during audit testing"


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        (["8.12", "8.3", "8.1"], ["8.1", "8.3", "8.12"]),
        (
            ["A.5.1.10", "A.5.1.2", "A.18.1.1", "A.5.10.1"],
            ["A.5.1.2", "A.5.1.10", "A.5.10.1", "A.18.1.1"],
        ),
        (["6.1", "5.37", "5.4"], ["5.4", "5.37", "6.1"]),
    ],
)
def test_natural_key_orders_clause_numbers(refs: list[str], expected: list[str]) -> None:
    assert sorted(refs, key=catalogue.natural_key) == expected


def test_2022_catalogue_is_in_natural_order() -> None:
    refs = [c.ref for c in catalogue.annex_a_2022()]
    assert refs[:3] == ["5.1", "5.2", "5.3"]
    assert refs.index("8.3") < refs.index("8.12")
    assert refs[-1] == "8.34"


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference is not beside this checkout")
@pytest.mark.parametrize(
    ("reference_file", "loader"),
    [
        ("iso27001_2022_annexA.csv", catalogue.annex_a_2022),
        ("iso27001_2013_annexA.csv", catalogue.annex_a_2013),
    ],
)
def test_shipped_titles_match_the_checked_reference(reference_file: str, loader) -> None:  # type: ignore[no-untyped-def]
    with open(REFERENCE / reference_file, encoding="utf-8") as fh:
        reference = {row["ref_id"]: row["title"] for row in csv.DictReader(fh)}
    assert {c.ref: c.title for c in loader()} == reference
