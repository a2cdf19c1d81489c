"""What every exported register or document is before it becomes a file: a titled table with
a document-control block, written as .xlsx or PDF by the writers in this package.

The SoA, the risk register, the treatment plan and the asset inventory all build a ``Report``;
the writers know nothing of risks or controls. Rows may be a generator, so a 100,000-row
register is never held in memory twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

#: "clause": a clause or control number ("5.10"), text that a spreadsheet also gives a numeric
#: key beside it, so it sorts in clause order (``page_rules.clause_key``).
ColumnKind = Literal["text", "number", "date", "clause"]

#: The document-control label under which a document records the change log's head (entries and
#: head hash, ``isms.db.audit_chain.LogHead.text``); the PDF writer copies that value into the
#: file's metadata (Keywords) too, where ``isms audit verify --against`` reads it.
LOG_HEAD_LABEL = "Change log head"


def producer() -> str:
    """What every exported file names as its maker: "isms 0.4.0" (the one version number, from
    the installed package's metadata), so an auditor can tell which release wrote it."""
    from ... import __version__

    return f"isms {__version__}"


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in characters (xlsx; a proportional share of the
    page width in PDF), what kind of value it holds, and whether long text wraps."""

    header: str
    width: float = 15
    kind: ColumnKind = "text"
    wrap: bool = False


@dataclass(frozen=True)
class Marked:
    """A cell value shown on a coloured background: a risk level in its criteria colour, or a
    gap marker ("No evidence") that must stand out."""

    value: Any
    fill: str  #: "#RRGGBB"


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` ("#RRGGBB"): risk-level colours run
    from pale green to dark red, and every writer must print on them legibly."""
    rgb = fill.lstrip("#")
    red, green, blue = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    # Perceived brightness (ITU-R BT.601 weights).
    return "#000000" if (299 * red + 587 * green + 114 * blue) / 1000 >= 128 else "#FFFFFF"


@dataclass
class Report:
    """A table to export, with what an auditor expects around it."""

    #: e.g. "Statement of Applicability - Adult Social Care"
    title: str
    columns: Sequence[Column]
    #: Cell values: str, int, float, date, datetime, bool, None or Marked. Read once.
    rows: Iterable[Sequence[Any]]
    #: The moment the document states it was produced (fixed, for reproducible audit packs).
    generated: datetime
    #: Rows to expect, for progress; None when unknown.
    row_count: int | None = None
    #: (label, value) pairs printed above the table: version, owner, approver, scope...
    document_control: Sequence[tuple[str, str]] = ()
    #: The protective marking printed in every page's header and footer, e.g. "OFFICIAL".
    marking: str = ""
    #: Paragraphs printed after the table (legends, notes).
    notes: Sequence[str] = field(default_factory=tuple)
