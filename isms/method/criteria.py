"""Risk criteria: the scales, matrix, levels, appetite and review cadence a register scores with.

The criteria are data kept in the register (``RiskCriteria.definition``, JSON), so the window, the
CLI and every report use one method (ISO/IEC 27001 6.1.2 a-b: criteria that give consistent,
comparable results). This module parses and validates that data and scores with it; it has no
database access.

The definition::

    {"likelihood": [{"value": 1, "label": "Rare", "description": "..."}, ...],
     "impact":     [{"value": 1, "label": "Negligible", "description": "..."}, ...],
     "matrix": {"kind": "product"}                     # score = likelihood x impact, or
     "matrix": {"kind": "lookup", "cells": [["Low", "Low", ...], ...]},  # [likelihood-1][impact-1]
     "levels": [{"name": "Low", "min": 1, "max": 4, "colour": "#3a9a48"}, ...],  # mildest first
     "appetite": "Medium",            # the highest level acceptable without escalation
     "cadence_days": {"Low": 365, ...},   # review interval per level
     "attestation_days": 365,         # asset owners' attestation interval
     "impact_areas": ["service delivery", ...],
     "acceptance_authority": {"Low": "owner", ..., "High": "approver", "Very high": "siro"},
     "method_owner": "Head of Information Governance",  # who owns this method
     "method_review_days": 365}       # how often the method itself is reviewed

``acceptance_authority`` says who may accept a risk at each level (ISO/IEC 27001 6.1.3 f asks
the risk owners' approval; the council's method adds who signs off above them): ``owner`` (the
risk owner alone), ``approver`` (the owner, and an approver or the SIRO signs it off) or ``siro``
(the owner, and the SIRO signs it off). A register made before it existed gets the default
:func:`default_authority`: the owner within the appetite, an approver above it, the SIRO at the
top level.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.resources import files
from typing import Any, Literal

from ..errors import ValidationError

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: Who may accept a risk, least demanding first (see the module's docstring).
Authority = Literal["owner", "approver", "siro"]
AUTHORITIES: tuple[Authority, ...] = ("owner", "approver", "siro")
#: How the documents and messages name each authority.
AUTHORITY_WORDS: dict[str, str] = {
    "owner": "the risk owner",
    "approver": "the risk owner with an approver's (or the SIRO's) sign-off",
    "siro": "the risk owner with the SIRO's sign-off",
}


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    description: str = ""
    #: For impact: what the point means in each impact area ("finance": "£10k - £100k").
    areas: dict[str, str] = field(default_factory=dict)


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
    attestation_days: int = 365
    matrix_kind: Literal["product", "lookup"] = "product"
    #: For a lookup matrix: level name per cell, ``cells[likelihood - 1][impact - 1]``.
    cells: tuple[tuple[str, ...], ...] = ()
    impact_areas: tuple[str, ...] = field(default_factory=tuple)
    #: Level name -> who may accept a risk at that level; empty: :func:`default_authority`.
    acceptance_authority: dict[str, Authority] = field(default_factory=dict)
    #: Who owns the method (a post or a name), for the method document; "" when not named.
    method_owner: str = ""
    #: How often the method itself is reviewed, in days from its approval.
    method_review_days: int = 365

    def __post_init__(self) -> None:
        if not self.acceptance_authority and self.levels:
            # Frozen: set once, so every reader sees the same authorities as to_definition.
            object.__setattr__(self, "acceptance_authority", default_authority(
                [lv.name for lv in self.levels], self.appetite))

    # --- reading and writing ----------------------------------------------------------------

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Criteria:
        """Parse and validate; a ValidationError names the field to fix."""
        if not isinstance(data, dict):
            raise ValidationError("Risk criteria must be a JSON object.")
        matrix = data.get("matrix") or {"kind": "product"}
        try:
            criteria = cls(
                likelihood=_scale(data, "likelihood"),
                impact=_scale(data, "impact"),
                levels=tuple(
                    Level(
                        str(p["name"]),
                        int(p.get("min", 0)),
                        int(p.get("max", 0)),
                        str(p.get("colour", "#808080")),
                    )
                    for p in _list(data, "levels")
                ),
                appetite=str(data["appetite"]),
                cadence_days={str(k): int(v) for k, v in dict(data["cadence_days"]).items()},
                attestation_days=int(data.get("attestation_days", 365)),
                matrix_kind=matrix.get("kind", "product"),
                cells=tuple(tuple(str(c) for c in row) for row in matrix.get("cells", ())),
                impact_areas=tuple(str(a) for a in data.get("impact_areas", ())),
                acceptance_authority=_authorities(data.get("acceptance_authority") or {}),
                method_owner=str(data.get("method_owner") or "").strip(),
                method_review_days=int(data.get("method_review_days", 365)),
            )
        except KeyError as exc:
            raise ValidationError(
                f"Risk criteria have no '{exc.args[0]}'.", field=str(exc.args[0])
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValidationError(f"Risk criteria are malformed: {exc}") from exc
        criteria.validate()
        return criteria

    def to_definition(self) -> dict[str, Any]:
        matrix: dict[str, Any] = {"kind": self.matrix_kind}
        if self.matrix_kind == "lookup":
            matrix["cells"] = [list(row) for row in self.cells]
        return {
            "likelihood": [_point(p) for p in self.likelihood],
            "impact": [_point(p) for p in self.impact],
            "impact_areas": list(self.impact_areas),
            "matrix": matrix,
            "levels": [
                {"name": lv.name, "min": lv.min_score, "max": lv.max_score, "colour": lv.colour}
                for lv in self.levels
            ],
            "appetite": self.appetite,
            "cadence_days": dict(self.cadence_days),
            "attestation_days": self.attestation_days,
            "acceptance_authority": dict(self.acceptance_authority),
            "method_owner": self.method_owner,
            "method_review_days": self.method_review_days,
        }

    # --- validation -------------------------------------------------------------------------

    def validate(self) -> None:
        for name, scale in (("likelihood", self.likelihood), ("impact", self.impact)):
            if not 2 <= len(scale) <= 10:
                raise ValidationError(
                    f"The {name} scale needs between 2 and 10 points; it has {len(scale)}.",
                    field=name,
                )
            values = [p.value for p in scale]
            if values != list(range(1, len(scale) + 1)):
                raise ValidationError(
                    f"The {name} scale values must run 1, 2, 3 ... without gaps; got {values}.",
                    field=name,
                )
            labels = [p.label.strip().lower() for p in scale]
            if "" in labels or len(set(labels)) != len(labels):
                raise ValidationError(
                    f"Every {name} point needs a label of its own.", field=name
                )
        names = [lv.name for lv in self.levels]
        if not names:
            raise ValidationError("Define at least one risk level.", field="levels")
        if len(set(names)) != len(names) or any(not n.strip() for n in names):
            raise ValidationError("Risk level names must be unique and not blank.", field="levels")
        for lv in self.levels:
            if not _COLOUR.match(lv.colour):
                raise ValidationError(
                    f"Level '{lv.name}' has colour '{lv.colour}'; use #RRGGBB.", field="levels"
                )
        if self.matrix_kind == "product":
            self._validate_thresholds()
        elif self.matrix_kind == "lookup":
            self._validate_cells()
        else:
            raise ValidationError(
                f"Matrix kind '{self.matrix_kind}' is unknown; use 'product' or 'lookup'.",
                field="matrix",
            )
        if self.appetite not in names:
            raise ValidationError(
                f"The appetite '{self.appetite}' is not one of the levels ({', '.join(names)}).",
                field="appetite",
            )
        for name in names:
            days = self.cadence_days.get(name)
            if days is None:
                raise ValidationError(
                    f"Give a review cadence (days) for level '{name}'.", field="cadence_days"
                )
            if days < 1:
                raise ValidationError(
                    f"The review cadence for '{name}' must be at least 1 day; it is {days}.",
                    field="cadence_days",
                )
        unknown = set(self.cadence_days) - set(names)
        if unknown:
            raise ValidationError(
                f"Cadence given for unknown level(s): {', '.join(sorted(unknown))}.",
                field="cadence_days",
            )
        if self.attestation_days < 1:
            raise ValidationError(
                "The owner attestation interval must be at least 1 day.", field="attestation_days"
            )
        if self.method_review_days < 1:
            raise ValidationError("The method's review interval must be at least 1 day.",
                                  field="method_review_days")
        self._validate_authority(names)

    def _validate_authority(self, names: list[str]) -> None:
        """Every level has an authority; above the appetite more than the owner alone; and a
        more severe level never needs less than a milder one."""
        given = self.acceptance_authority
        unknown = set(given) - set(names)
        if unknown:
            raise ValidationError(
                f"Acceptance authority given for unknown level(s): {', '.join(sorted(unknown))}.",
                field="acceptance_authority")
        previous: tuple[str, int] | None = None
        for level in self.levels:
            authority = given.get(level.name)
            if authority not in AUTHORITIES:
                raise ValidationError(
                    f"Say who may accept a {level.name} risk: one of {', '.join(AUTHORITIES)}"
                    f" (got {authority!r}).", field="acceptance_authority")
            if authority == "owner" and self.above_appetite(level):
                raise ValidationError(
                    f"{level.name} is above the appetite ({self.appetite}): accepting it needs "
                    "an approver or the SIRO, not the owner alone.", field="acceptance_authority")
            rank = AUTHORITIES.index(authority)
            if previous is not None and rank < previous[1]:
                raise ValidationError(
                    f"A {level.name} risk would need less to accept ({authority}) than a "
                    f"{previous[0]} one ({AUTHORITIES[previous[1]]}): a more severe level "
                    "needs the same or more.", field="acceptance_authority")
            previous = (level.name, rank)

    def _validate_thresholds(self) -> None:
        """Levels (least severe first) must cover every possible product exactly once, rising."""
        possible = sorted({lk * im for lk in self._range(self.likelihood)
                           for im in self._range(self.impact)})
        previous_max = 0
        for lv in self.levels:
            if lv.min_score > lv.max_score:
                raise ValidationError(
                    f"Level '{lv.name}' runs from {lv.min_score} down to {lv.max_score}.",
                    field="levels",
                )
            if lv.min_score <= previous_max:
                raise ValidationError(
                    f"Level '{lv.name}' overlaps the level below it at score {lv.min_score}.",
                    field="levels",
                )
            previous_max = lv.max_score
        for score in possible:
            if not any(lv.min_score <= score <= lv.max_score for lv in self.levels):
                raise ValidationError(
                    f"No risk level covers score {score} "
                    f"(scores run {possible[0]}-{possible[-1]}): close the gap.",
                    field="levels",
                )

    def _validate_cells(self) -> None:
        rows, cols = len(self.likelihood), len(self.impact)
        if len(self.cells) != rows or any(len(row) != cols for row in self.cells):
            raise ValidationError(
                f"The lookup matrix must have {rows} rows (likelihood) of {cols} cells (impact).",
                field="matrix",
            )
        names = {lv.name for lv in self.levels}
        for li, row in enumerate(self.cells, start=1):
            for ii, cell in enumerate(row, start=1):
                if cell not in names:
                    raise ValidationError(
                        f"Matrix cell likelihood {li} x impact {ii} names '{cell}', "
                        "which is not a level.",
                        field="matrix",
                    )

    @staticmethod
    def _range(scale: tuple[ScalePoint, ...]) -> range:
        return range(1, len(scale) + 1)

    # --- scoring ----------------------------------------------------------------------------

    def check_rating(self, likelihood: int | None, impact: int | None, what: str = "") -> None:
        prefix = f"{what} " if what else ""
        if likelihood is not None and not 1 <= likelihood <= len(self.likelihood):
            raise ValidationError(
                f"{prefix}likelihood {likelihood} is outside the scale 1-{len(self.likelihood)}."
                .capitalize(),
                field=f"{what}_likelihood".strip("_"),
            )
        if impact is not None and not 1 <= impact <= len(self.impact):
            raise ValidationError(
                f"{prefix}impact {impact} is outside the scale 1-{len(self.impact)}.".capitalize(),
                field=f"{what}_impact".strip("_"),
            )

    def score(self, likelihood: int, impact: int) -> int:
        """likelihood x impact, after checking both are on the scales."""
        self.check_rating(likelihood, impact)
        return likelihood * impact

    def level(self, likelihood: int | None, impact: int | None) -> Level | None:
        """The level of a rating, or None when either part is not rated yet."""
        if likelihood is None or impact is None:
            return None
        score = self.score(likelihood, impact)
        if self.matrix_kind == "lookup":
            return self.level_named(self.cells[likelihood - 1][impact - 1])
        for lv in self.levels:
            if lv.min_score <= score <= lv.max_score:
                return lv
        raise ValidationError(f"No risk level covers score {score}; check the level thresholds.")

    def level_named(self, name: str) -> Level:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise ValidationError(f"'{name}' is not a risk level of these criteria.")

    def rank(self, level: Level) -> int:
        """0 for the least severe level, rising."""
        return [lv.name for lv in self.levels].index(level.name)

    def above_appetite(self, level: Level | None) -> bool:
        return level is not None and self.rank(level) > self.rank(self.level_named(self.appetite))

    def authority(self, level: Level) -> Authority:
        """Who may accept a risk at ``level`` (``owner``, ``approver`` or ``siro``)."""
        return self.acceptance_authority[level.name]

    def next_review(self, level: Level | None, start: date) -> date | None:
        if level is None:
            return None
        return start + timedelta(days=self.cadence_days[level.name])

    def impact_from_cia(self, highest_cia: int | None, cia_max: int = 5) -> int | None:
        """The impact suggested by the highest C/I/A rating of a risk's assets, mapped
        proportionally from the 1..cia_max asset scale onto this impact scale."""
        if highest_cia is None:
            return None
        steps = len(self.impact)
        return max(1, min(steps, round(highest_cia * steps / cia_max)))


def _point(point: ScalePoint) -> dict[str, Any]:
    data: dict[str, Any] = {
        "value": point.value, "label": point.label, "description": point.description
    }
    if point.areas:
        data["areas"] = dict(point.areas)
    return data


def default_authority(levels: list[str], appetite: str) -> dict[str, Authority]:
    """Who may accept what when the criteria do not say: the owner alone up to the appetite,
    an approver above it, the SIRO at the top level (when it is above the appetite)."""
    if appetite not in levels:
        return {}  # validate() names the appetite that is not a level
    above = levels.index(appetite)
    result: dict[str, Authority] = {}
    for rank, name in enumerate(levels):
        result[name] = ("owner" if rank <= above else
                        "siro" if rank == len(levels) - 1 else "approver")
    return result


def _authorities(data: Any) -> dict[str, Authority]:
    if not isinstance(data, dict):
        raise ValidationError("Risk criteria 'acceptance_authority' must map each level to "
                              "owner, approver or siro.", field="acceptance_authority")
    found: dict[str, Authority] = {}
    for level, who in data.items():
        text = str(who).strip().lower()
        if text not in AUTHORITIES:
            raise ValidationError(
                f"Acceptance authority for '{level}' is {who!r}; use one of "
                f"{', '.join(AUTHORITIES)}.", field="acceptance_authority")
        found[str(level)] = text  # checked just above
    return found


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise ValidationError(f"Risk criteria '{key}' must be a list.", field=key)
    return value


def _scale(data: dict[str, Any], key: str) -> tuple[ScalePoint, ...]:
    return tuple(
        ScalePoint(
            int(p["value"]),
            str(p["label"]),
            str(p.get("description", "")),
            {str(k): str(v) for k, v in dict(p.get("areas", {})).items()},
        )
        for p in _list(data, key)
    )


def default_definition() -> dict[str, Any]:
    """The default 5 x 5 council method (impact described for service delivery, finance,
    reputation, personal data and the regulator, health and safety)."""
    text = (files(__package__) / "data" / "default_criteria.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def default_criteria() -> Criteria:
    return Criteria.from_definition(default_definition())
