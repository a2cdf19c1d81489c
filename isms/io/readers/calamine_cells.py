"""What calamine hands back, as every workbook reader returns it: a row of cell values
converted the one way (the whole-sheet and the windowed xlsx paths must give identical values),
and calamine's errors (including Rust panics) turned into one clear ImportFormatError."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import python_calamine

from ...errors import IsmsError
from .base import CellValue, ColumnCutter, fail, to_cell_value
from .safety import PASSWORD_MESSAGE

_FLOAT_LIMIT = float(2**53)
_DESCRIPTION = {
    "xlsx": "Excel workbook",
    "xlsm": "Excel workbook",
    "xls": "Excel 97-2003 workbook",
    "xlsb": "Excel binary workbook",
    "ods": "OpenDocument spreadsheet",
}


def convert_row(
    raw: list[object], start_col: int, cutter: ColumnCutter, number: int
) -> list[CellValue]:
    """calamine's row as the readers return it (see base.to_cell_value); one comprehension, as
    this runs for every cell of every row."""
    limit = _FLOAT_LIMIT
    out: list[CellValue] = [
        (v or None)  # type: ignore[misc]
        if (t := type(v)) is str
        else (
            (int(v) if v.is_integer() and -limit <= v <= limit else v)  # type: ignore[attr-defined,operator,call-overload]
            if t is float
            else (v if t in _KEPT else to_cell_value(v))
        )
        for v in raw
    ]
    if start_col:
        out[:0] = [None] * start_col
    if out and out[-1] is None:
        while out and out[-1] is None:
            out.pop()
    if len(out) > cutter.max_columns:
        out = cutter.cut(number, out)
    return out


_KEPT = frozenset({bool, int, dt.date, dt.datetime})


@contextlib.contextmanager
def calamine_errors(path: Path, fmt: str, where: str = "") -> Iterator[None]:
    """Turn whatever calamine raises (including a Rust panic) into one clear ImportFormatError."""
    try:
        yield
    except python_calamine.PasswordError:
        fail(path, PASSWORD_MESSAGE)
    except MemoryError:
        fail(path, "it is too large to read in the memory available")
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics arrive as BaseException
        if isinstance(exc, IsmsError):
            raise
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        place = f" {where}" if where else ""
        damaged(path, fmt, f"{place} ({detail})")


def damaged(path: Path, fmt: str, detail: str) -> NoReturn:
    """Refuse ``path`` as a damaged or invalid workbook of format ``fmt``, saying ``detail``."""
    fail(path, f"the file is damaged or not a valid {_DESCRIPTION.get(fmt, fmt)}{detail}")
