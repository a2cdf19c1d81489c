"""Making text safe to put in a spreadsheet cell.

Text that begins with = + - @ (or a tab or carriage return) is run as a formula by Excel and
LibreOffice when a CSV is opened, and is a formula in xlsx when written as one. Every piece of
user text we write to xlsx or CSV goes through :func:`inert` so that no spreadsheet executes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """The value, with formula-like text prefixed by a single quote (') so that it stays text
    (OWASP's advice for CSV injection). Numbers, dates and booleans pass through unchanged: a
    negative number is a number, not a formula."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """What to write for a register value: enums as their text, dates as dates, text inert."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):
        return inert(value.value)
    return inert(str(value))
