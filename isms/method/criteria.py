"""Risk criteria: the scales, matrix, levels, appetite and review cadence a register scores with.

The criteria are data stored in the register (``RiskCriteria.definition``), so the window, the
CLI and every report use the same method. This module reads that data; the defaults are a
5 x 5 council method.
"""

from __future__ import annotations

from dataclasses import dataclass
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


_IMPACT_AREAS = (
    "service delivery", "finance", "reputation", "personal data and the regulator",
    "health and safety",
)

DEFAULT_DEFINITION: dict[str, Any] = {
    "likelihood": [
        {"value": 1, "label": "Rare", "description": "May occur only in exceptional circumstances (less than once in 10 years)"},
        {"value": 2, "label": "Unlikely", "description": "Could occur at some time (once in 3-10 years)"},
        {"value": 3, "label": "Possible", "description": "Might occur (once in 1-3 years)"},
        {"value": 4, "label": "Likely", "description": "Will probably occur (about once a year)"},
        {"value": 5, "label": "Almost certain", "description": "Expected to occur (several times a year)"},
    ],
    "impact": [
        {"value": 1, "label": "Negligible", "description": "No noticeable disruption to services; cost under £10k; no media interest; no personal data affected; no injury"},
        {"value": 2, "label": "Minor", "description": "Brief disruption of a non-critical service; cost £10k-£100k; local complaints; personal data of a few people, no harm likely"},
        {"value": 3, "label": "Moderate", "description": "A service disrupted for days; cost £100k-£500k; local media coverage; a breach reportable to the ICO; minor injury"},
        {"value": 4, "label": "Major", "description": "A critical service lost for days; cost £500k-£2m; national media coverage; ICO enforcement likely; serious injury"},
        {"value": 5, "label": "Severe", "description": "Statutory services fail; cost over £2m; sustained national coverage, loss of public trust; large breach of special-category data; loss of life"},
    ],
    "impact_areas": list(_IMPACT_AREAS),
    "matrix": {"kind": "product"},
    "levels": [
        {"name": "Low", "min": 1, "max": 4, "colour": "#3a9a48"},
        {"name": "Medium", "min": 5, "max": 9, "colour": "#e8b923"},
        {"name": "High", "min": 10, "max": 16, "colour": "#e07020"},
        {"name": "Very high", "min": 17, "max": 25, "colour": "#c62828"},
    ],
    "appetite": "Medium",
    "cadence_days": {"Low": 365, "Medium": 180, "High": 90, "Very high": 90},
    "attestation_days": 365,
}
