"""Risk criteria: scoring on 3x3, 4x4, 5x5 and lookup matrices, and every validation rule."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from isms.errors import ValidationError
from isms.method.criteria import Criteria, default_definition

COLOURS = ["#3a9a48", "#e8b923", "#e07020", "#c62828"]


def scale(n: int) -> list[dict[str, Any]]:
    return [{"value": v, "label": f"Point {v}", "description": ""} for v in range(1, n + 1)]


def definition(n: int, levels: list[tuple[str, int, int]], appetite: str) -> dict[str, Any]:
    return {
        "likelihood": scale(n),
        "impact": scale(n),
        "matrix": {"kind": "product"},
        "levels": [
            {"name": name, "min": lo, "max": hi, "colour": COLOURS[i]}
            for i, (name, lo, hi) in enumerate(levels)
        ],
        "appetite": appetite,
        "cadence_days": {name: 30 * (len(levels) - i) for i, (name, _, _) in enumerate(levels)},
    }


THREE = definition(3, [("Low", 1, 2), ("Medium", 3, 4), ("High", 6, 9)], "Medium")
FOUR = definition(4, [("Low", 1, 3), ("Medium", 4, 6), ("High", 8, 12), ("Extreme", 16, 16)], "Low")


@pytest.mark.parametrize(
    ("data", "likelihood", "impact", "expected"),
    [
        (THREE, 1, 1, "Low"),
        (THREE, 1, 3, "Medium"),
        (THREE, 2, 2, "Medium"),
        (THREE, 2, 3, "High"),
        (THREE, 3, 3, "High"),
        (FOUR, 1, 3, "Low"),
        (FOUR, 2, 2, "Medium"),
        (FOUR, 3, 2, "Medium"),
        (FOUR, 2, 4, "High"),
        (FOUR, 3, 4, "High"),
        (FOUR, 4, 4, "Extreme"),
        (default_definition(), 1, 4, "Low"),
        (default_definition(), 5, 1, "Medium"),
        (default_definition(), 3, 3, "Medium"),
        (default_definition(), 2, 5, "High"),
        (default_definition(), 4, 4, "High"),
        (default_definition(), 5, 4, "Very high"),
        (default_definition(), 5, 5, "Very high"),
    ],
)
def test_product_matrices(
    data: dict[str, Any], likelihood: int, impact: int, expected: str
) -> None:
    level = Criteria.from_definition(data).level(likelihood, impact)
    assert level is not None and level.name == expected


def lookup() -> dict[str, Any]:
    data = copy.deepcopy(THREE)
    # An asymmetric council matrix: impact weighs more than likelihood.
    data["matrix"] = {
        "kind": "lookup",
        "cells": [
            ["Low", "Medium", "High"],  # likelihood 1
            ["Low", "Medium", "High"],  # likelihood 2
            ["Medium", "High", "High"],  # likelihood 3
        ],
    }
    return data


@pytest.mark.parametrize(
    ("likelihood", "impact", "expected"),
    [(1, 1, "Low"), (1, 3, "High"), (3, 1, "Medium"), (2, 2, "Medium"), (3, 2, "High")],
)
def test_lookup_matrix(likelihood: int, impact: int, expected: str) -> None:
    level = Criteria.from_definition(lookup()).level(likelihood, impact)
    assert level is not None and level.name == expected


def test_unrated_has_no_level_and_out_of_scale_is_refused() -> None:
    criteria = Criteria.from_definition(THREE)
    assert criteria.level(None, 2) is None
    with pytest.raises(ValidationError, match="Likelihood 4 is outside the scale 1-3"):
        criteria.level(4, 1)
    with pytest.raises(ValidationError, match="Impact 0 is outside the scale 1-3"):
        criteria.level(1, 0)


def test_appetite_and_cadence() -> None:
    criteria = Criteria.from_definition(default_definition())
    medium, high = criteria.level(3, 3), criteria.level(4, 4)
    assert not criteria.above_appetite(medium) and criteria.above_appetite(high)
    start = date(2026, 1, 1)
    assert criteria.next_review(criteria.level(1, 1), start) == date(2027, 1, 1)
    assert criteria.next_review(medium, start) == date(2026, 6, 30)
    assert criteria.next_review(high, start) == date(2026, 4, 1)
    assert criteria.next_review(criteria.level(5, 5), start) == date(2026, 4, 1)
    assert criteria.next_review(None, start) is None


def test_impact_suggested_from_cia() -> None:
    five = Criteria.from_definition(default_definition())
    three = Criteria.from_definition(THREE)
    assert [five.impact_from_cia(c) for c in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 5]
    assert [three.impact_from_cia(c) for c in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3]
    assert five.impact_from_cia(None) is None


def test_round_trip_through_json_definition() -> None:
    for data in (THREE, FOUR, lookup(), default_definition()):
        criteria = Criteria.from_definition(data)
        assert Criteria.from_definition(criteria.to_definition()) == criteria


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(THREE)
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (
            broken(lambda d: d["levels"].__setitem__(1, {**d["levels"][1], "min": 4})),
            "No risk level covers score 3",
            "levels",
        ),
        (
            broken(lambda d: d["levels"].__setitem__(1, {**d["levels"][1], "min": 2})),
            "overlaps the level below it at score 2",
            "levels",
        ),
        (
            broken(lambda d: d["levels"].__setitem__(2, {**d["levels"][2], "max": 8})),
            "No risk level covers score 9",
            "levels",
        ),
        (
            broken(lambda d: d["levels"].__setitem__(0, {**d["levels"][0], "colour": "green"})),
            "use #RRGGBB",
            "levels",
        ),
        (
            broken(lambda d: d["cadence_days"].__setitem__("Low", 0)),
            "cadence for 'Low' must be at least 1 day",
            "cadence_days",
        ),
        (broken(lambda d: d["cadence_days"].pop("High")), "Give a review cadence", "cadence_days"),
        (
            broken(lambda d: d.__setitem__("appetite", "Moderate")),
            "appetite 'Moderate' is not one of the levels",
            "appetite",
        ),
        (broken(lambda d: d["likelihood"].pop(1)), "must run 1, 2, 3", "likelihood"),
        (
            broken(lambda d: d["impact"].__setitem__(1, {**d["impact"][0], "value": 2})),
            "label of its own",
            "impact",
        ),
        (broken(lambda d: d.pop("levels")), "no 'levels'", "levels"),
        (
            broken(lambda d: d.__setitem__("matrix", {"kind": "lookup", "cells": [["Low"]]})),
            "must have 3 rows",
            "matrix",
        ),
        (
            broken(
                lambda d: d.__setitem__(
                    "matrix",
                    {
                        "kind": "lookup",
                        "cells": [
                            ["Low", "Low", "Low"],
                            ["Low", "Severe", "Low"],
                            ["Low", "Low", "Low"],
                        ],
                    },
                )
            ),
            "likelihood 2 x impact 2 names 'Severe'",
            "matrix",
        ),
    ],
)
def test_bad_criteria_are_refused_naming_the_field(
    data: dict[str, Any], message: str, field: str
) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        Criteria.from_definition(data)
    assert refused.value.field == field
