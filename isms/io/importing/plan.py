"""The result of reading a file against a mapping: one verdict per row, before anything is written.

Row statuses, as the preview shows them: ``new``, ``update``, ``unchanged``, ``warning`` (taken,
with a note) and ``error`` (not taken; the message names the column and what to fix).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .headers import Header
from .mapping import Mapping, column_letter
from .value_map import UnrecognisedValue, ValueMap


@dataclass(frozen=True)
class Issue:
    column: str  # Excel column letter ("C"), or "" for the whole row
    header: str  # the column's header text, so the message reads in the user's own words
    message: str
    warning: bool = False

    def describe(self) -> str:
        where = f"column {self.column}" + (f" ({self.header})" if self.header else "")
        return f"{where}: {self.message}" if self.column else self.message


@dataclass(slots=True)  # one per row: 100,000 of them for a large file
class RowVerdict:
    row: int  # 1-based row number in the sheet
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    action: str = "new"  # new | update | unchanged
    record_id: int | None = None
    #: field -> (before, after) for updates
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: field -> the value as the file wrote it, for values read through the value map
    #: ("Confidential" read as OFFICIAL-SENSITIVE): the record's provenance.
    written: dict[str, str] = field(default_factory=dict)

    @property
    def has_error(self) -> bool:
        return any(not i.warning for i in self.issues)

    @property
    def status(self) -> str:
        if self.has_error:
            return "error"
        if self.issues:
            return "warning"
        return self.action

    @property
    def message(self) -> str:
        return "; ".join(i.describe() for i in self.issues)


@dataclass(frozen=True)
class ProblemGroup:
    """One problem as a department fixes it: the same message in the same column, with every
    row it stands on ("'Confidental' in column J, 12 rows: ...")."""

    issue: Issue
    rows: tuple[int, ...]

    #: Row numbers listed in full before "and N more".
    SHOWN_ROWS = 8

    def describe(self) -> str:
        count = len(self.rows)
        listed = ", ".join(str(r) for r in self.rows[: self.SHOWN_ROWS])
        if count > self.SHOWN_ROWS:
            listed += f" and {count - self.SHOWN_ROWS:,} more"
        kind = "warning" if self.issue.warning else "error"
        return (f"{kind}, {count:,} row{'' if count == 1 else 's'} ({listed}): "
                f"{self.issue.describe()}")

    def as_json(self) -> dict[str, Any]:
        return {"column": self.issue.column, "header": self.issue.header,
                "message": self.issue.message, "warning": self.issue.warning,
                "rows": list(self.rows)}


@dataclass
class ImportPlan:
    kind: str
    file_name: str
    file_sha256: str
    sheet: str
    header: Header
    mapping: Mapping
    department_id: int | None
    rows: list[RowVerdict]
    #: Notes about the whole file (unmapped required fields, formulas without values...).
    notes: list[str] = field(default_factory=list)
    #: The value choices the rows were read with.
    value_map: ValueMap = field(default_factory=ValueMap)
    #: Each distinct value of a fixed-vocabulary column not recognised as written, once.
    unrecognised: list[UnrecognisedValue] = field(default_factory=list)
    #: The protective marking of the rows read (set by the import service): the error
    #: workbook that sends them back carries it.
    marking: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """How many rows will be created, updated, left unchanged, or refused."""
        tally = Counter("error" if r.has_error else r.action for r in self.rows)
        return {
            "rows": len(self.rows),
            "new": tally["new"],
            "update": tally["update"],
            "unchanged": tally["unchanged"],
            "warning": sum(1 for r in self.rows if r.issues and not r.has_error),
            "error": tally["error"],
        }

    @property
    def ok(self) -> bool:
        return not any(r.has_error for r in self.rows)

    def problem_groups(self) -> list[ProblemGroup]:
        """Every problem once, with the rows it stands on: errors first, then the most rows,
        then in column order."""
        rows: dict[Issue, list[int]] = {}
        for verdict in self.rows:
            for issue in verdict.issues:
                rows.setdefault(issue, []).append(verdict.row)
        groups = [ProblemGroup(issue, tuple(found)) for issue, found in rows.items()]
        return sorted(groups, key=lambda g: (g.issue.warning, -len(g.rows),
                                             len(g.issue.column), g.issue.column))

    def column_name(self, index: int) -> str:
        header = self.header.names[index] if index < len(self.header.names) else ""
        return f"{column_letter(index)} ({header})" if header else column_letter(index)
