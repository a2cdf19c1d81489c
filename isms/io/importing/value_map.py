"""Mapping the values a department writes onto the register's own: "Confidential" in the marking
column is OFFICIAL-SENSITIVE, "Head of IT" is a new person, "Netwrk device" is hardware.

After the columns are mapped, every distinct value of a fixed-vocabulary column that the register
does not recognise is listed once (:class:`UnrecognisedValue`), with how many rows have it and a
proposed target where there is one. The person importing chooses (a :class:`ValueMap`), and the
rows are read again with the choices applied: a mapped value parses as its target, and the row
keeps the value as written (its provenance). A value left unmapped stays an error on its rows.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from . import values

#: Target: create the value as written as a new person (unverified) of the file's department.
NEW_PERSON = "new-person"
#: Target: create the value as written as a new department.
NEW_DEPARTMENT = "new-department"
#: Targets: create the value as written as a new entry of the threat / vulnerability catalogue.
NEW_THREAT = "new-threat"
NEW_VULNERABILITY = "new-vulnerability"
#: The field whose values each creating target can make, and the kind of record it makes.
CREATES: dict[str, tuple[tuple[str, ...], str]] = {
    NEW_PERSON: (("owner", "custodian"), "person"),
    NEW_DEPARTMENT: (("department",), "department"),
    NEW_THREAT: (("threat",), "threat"),
    NEW_VULNERABILITY: (("vulnerability",), "vulnerability"),
}


@dataclass(frozen=True)
class Target:
    """One thing a value can be mapped to, as a combo box or ``--value`` names it."""

    value: str  # what a ValueMap holds: a marking label, "software", a person's e-mail...
    label: str  # how it is shown


@dataclass(frozen=True)
class Proposal:
    target: str  # a Target.value
    reason: str  # where it comes from, in a few words


@dataclass(frozen=True)
class UnrecognisedValue:
    """One distinct value of a column that the register does not recognise as it is."""

    field: str
    column: str  # Excel column letter
    header: str  # the column's header as the file writes it
    written: str
    rows: int
    problem: str  # why it is not recognised
    proposal: str | None = None
    proposal_reason: str = ""
    #: The target the plan read it as (a choice or an accepted proposal); None: unmapped.
    chosen: str | None = None
    #: Every person an ambiguous name could be: listed, never picked.
    candidates: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "column": self.column, "header": self.header,
                "value": self.written, "rows": self.rows, "problem": self.problem,
                "proposal": self.proposal, "proposal_reason": self.proposal_reason,
                "chosen": self.chosen, "candidates": list(self.candidates)}


@dataclass
class ValueMap:
    """The choices: field key -> {value as written -> target}; values compare in ``key`` form."""

    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Take every proposal that no choice overrides.
    accept_proposals: bool = False

    def choose(self, field_key: str, written: str, target: str | None) -> None:
        """Map ``written`` to ``target``; None leaves it unmapped (and drops an earlier choice)."""
        chosen = self.choices.setdefault(field_key, {})
        for known in [w for w in chosen if values.key(w) == values.key(written)]:
            del chosen[known]
        if target is not None:
            chosen[written] = target
        if not chosen:
            del self.choices[field_key]

    def target(self, field_key: str, written: str) -> str | None:
        return self.table(field_key).get(values.key(written))

    def table(self, field_key: str) -> dict[str, str]:
        """The choices of one field in comparison form."""
        return {values.key(w): t for w, t in self.choices.get(field_key, {}).items()}

    def __bool__(self) -> bool:
        return bool(self.choices) or self.accept_proposals

    def as_json(self) -> dict[str, Any]:
        """The choices only: accepting proposals is a decision for one import, not a layout's."""
        return {k: dict(v) for k, v in self.choices.items() if v}

    @classmethod
    def from_json(cls, data: Any) -> ValueMap:
        """Read back :meth:`as_json`; anything malformed (an old or hand-edited profile) is
        left out rather than refusing the whole profile."""
        found = cls()
        if isinstance(data, dict):
            for key, chosen in data.items():
                if isinstance(key, str) and isinstance(chosen, dict):
                    for written, target in chosen.items():
                        if isinstance(written, str) and isinstance(target, str):
                            found.choose(key, written, target)
        return found


@dataclass(frozen=True)
class NewRecord:
    """A person or department an import will create (it has no id until the import is applied)."""

    kind: str  # "person" | "department" | "threat" | "vulnerability"
    name: str  # as written in the file

    def __str__(self) -> str:
        return f"new {self.kind} {self.name}"


@dataclass(frozen=True)
class Translated:
    """A cell read through the value map: the value it stands for, and what the file wrote."""

    value: Any
    written: str
    target: str
    problem: str = ""  # why the value as written was not taken (none for a choice)


Proposer = Callable[[str], Proposal | None]


def mapped_parse(
    parse: Callable[[Any], Any],
    choices: dict[str, str],
    proposer: Proposer | None,
) -> Callable[[Any], Any]:
    """``parse`` through the value map: a chosen value (or, with ``proposer``, one the parser
    refuses and that has a proposal) parses as its target and comes back as Translated."""

    def target_value(target: str, written: str) -> Any:
        if target in CREATES:
            return NewRecord(CREATES[target][1], written)
        return parse(target)

    def read(raw: Any) -> Any:
        written = values.text(raw) or ""
        target = choices.get(values.key(written))
        problem = ""
        if target is None:
            try:
                return parse(raw)
            except values.Problem as refused:
                proposal = proposer(written) if proposer is not None else None
                if proposal is None:
                    raise
                target, problem = proposal.target, str(refused)
        return Translated(target_value(target, written), written, target, problem)

    return read


def plain(value: Any) -> str:
    """A parsed value written as a target: enums as their value, booleans as yes / no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def nearest_word(parse: Callable[[Any], Any], written: str) -> Proposal | None:
    """The value of the word of ``parse``'s vocabulary nearest to ``written`` (a typo, a
    plural, a neighbouring word), or None when no word is near enough."""
    vocabulary = values.vocabulary(parse)
    if vocabulary is None:
        return None
    words, what = vocabulary
    if any(c.isdigit() for c in written):
        return None  # a number out of range ("-1", "7") is an error, never near a word
    wanted = values.key(written)
    near = difflib.get_close_matches(wanted, list(words), n=1, cutoff=0.75)
    if not near and len(wanted) >= 4:
        # Another form of a known word ("Storing": stored, storage, store), when every word of
        # that stem means the same.
        stem = wanted[: max(4, len(wanted) - 3)]
        alike = sorted(w for w in words if w.startswith(stem) and " " not in w)
        if " " not in wanted and alike and len({plain(words[w]) for w in alike}) == 1:
            near = alike[:1]
    if not near:
        # A longer label that contains one known word: "Network Device (switch)" -> "switch".
        inside = [w for w in words if len(w) > 3 and f" {w} " in f" {wanted} "]
        if len(inside) != 1:
            return None
        near = inside
    return Proposal(plain(words[near[0]]), f"nearest {what} word '{near[0]}'")


@dataclass
class Tally:
    """Each distinct value of one column that was not recognised as written, counted."""

    field_key: str
    column: str
    header: str
    #: value as written -> [rows, problem, chosen target]
    seen: dict[str, list[Any]] = field(default_factory=dict)

    def problem(self, written: str, message: str) -> None:
        entry = self.seen.get(written)
        if entry is None:
            self.seen[written] = [1, message, None]
        else:
            entry[0] += 1

    def translated(self, written: str, target: str, message: str) -> None:
        entry = self.seen.get(written)
        if entry is None:
            self.seen[written] = [1, message, target]
        else:
            entry[0] += 1

    def listed(self, propose: Proposer | None) -> list[UnrecognisedValue]:
        """The values, most rows first, each with its proposal."""
        found = []
        for written, (rows, problem, chosen) in sorted(self.seen.items(),
                                                       key=lambda item: (-item[1][0], item[0])):
            proposal = propose(written) if propose is not None else None
            found.append(UnrecognisedValue(
                self.field_key, self.column, self.header, written, rows, problem,
                proposal.target if proposal else None, proposal.reason if proposal else "",
                chosen))
        return found
