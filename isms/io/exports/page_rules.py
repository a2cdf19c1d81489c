"""What the PDF and the spreadsheet writers decide the same way, so a document printed from
either looks the same: the paper a table goes on, how the document states its date, and the
order clause numbers sort in.

Kept apart from both writers so that writing a spreadsheet never loads reportlab.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time

from .report import Column

#: Columns wider than this in all (Column.width, in characters) go on A3 landscape: A4
#: landscape gives them under ~3 points a character, where 7.5 pt cell text wraps every few
#: words. The registers of old (~240) stayed A4; the SoA (~300) and the risk register with
#: its scores in numeric columns (~270) do not.
WIDE_TABLE_CHARS = 260

_NUMBER = re.compile(r"\d+")


def is_wide(columns: Sequence[Column]) -> bool:
    """Whether a table of ``columns`` is printed on A3 landscape rather than A4 landscape."""
    return sum(c.width for c in columns) > WIDE_TABLE_CHARS


def dated(moment: datetime) -> tuple[str, str]:
    """How a document states its date, as (label, value).

    A document dated by a day (``--as-of``: stamped at midnight, see
    ``isms.services.documents.render.stamp``) is "As at 2026-12-07": nobody produced it at
    00:00, and printing that time would state a moment that never was. A document of a real
    moment (minutes dated by their sign-off) keeps its time: "Generated 2026-12-07 14:05"."""
    if moment.time() == time(0, 0):
        return "As at", f"{moment:%Y-%m-%d}"
    return "Generated", f"{moment:%Y-%m-%d %H:%M}"


def clause_key(ref: str) -> float | None:
    """A number that sorts clause and control numbers in clause order, readable beside them:
    "5.2" -> 5.002, "5.10" -> 5.01, "8.34" -> 8.034 (each part after the first in three
    digits), where text sorts "5.10" before "5.2". None for a value with no number in it."""
    parts = [int(p) for p in _NUMBER.findall(ref)]
    if not parts:
        return None
    key = float(parts[0])
    for depth, part in enumerate(parts[1:], start=1):
        key += min(part, 999) / 1000 ** depth
    return round(key, 3 * (len(parts) - 1))
