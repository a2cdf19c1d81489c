"""Risk criteria: the scales, matrix, levels, appetite and review cadence a register scores with.

The criteria are data stored in the register (``RiskCriteria.definition``), so the window, the
CLI and every report use the same method. This module reads that data; the defaults are a
5 x 5 council method.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ..errors import ValidationError


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Level:
    name: str
    min_score: int
    max_score: int
    colour: str


@dataclass(frozen=True)
class Criteria:
    likelihood: tuple[ScalePoint, ...]
    impact: tuple[ScalePoint, ...]
    levels: tuple[Level, ...]
    appetite: str
    cadence_days: dict[str, int]
    attestation_days: int

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Criteria:
        try:
            return cls(
                likelihood=tuple(ScalePoint(**p) for p in data["likelihood"]),
                impact=tuple(ScalePoint(**p) for p in data["impact"]),
                levels=tuple(
                    Level(p["name"], p["min"], p["max"], p["colour"]) for p in data["levels"]
                ),
                appetite=data["appetite"],
                cadence_days=dict(data["cadence_days"]),
                attestation_days=int(data.get("attestation_days", 365)),
            )
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"Risk criteria are incomplete: missing or wrong {exc}") from exc

    def score(self, likelihood: int, impact: int) -> int:
        if not 1 <= likelihood <= len(self.likelihood):
            raise ValidationError(
                f"Likelihood {likelihood} is outside the scale 1-{len(self.likelihood)}.",
                field="likelihood",
            )
        if not 1 <= impact <= len(self.impact):
            raise ValidationError(
                f"Impact {impact} is outside the scale 1-{len(self.impact)}.", field="impact"
            )
        return likelihood * impact

    def level(self, likelihood: int | None, impact: int | None) -> Level | None:
        if likelihood is None or impact is None:
            return None
        score = self.score(likelihood, impact)
        for level in self.levels:
            if level.min_score <= score <= level.max_score:
                return level
        raise ValidationError(f"No risk level covers score {score}; check the level thresholds.")


def default_definition() -> dict[str, Any]:
    """The default 5 x 5 council method (impact described for service delivery, finance,
    reputation, personal data and the regulator, health and safety)."""
    text = (files(__package__) / "data" / "default_criteria.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
