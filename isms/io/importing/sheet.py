"""One sheet of a source file, read once: the header found, then the data rows streamed."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...errors import ImportFormatError
from .headers import SEARCH_ROWS, Header, Merged, Row, find_header


@dataclass
class SheetData:
    file_name: str
    sha256: str
    sheet: str
    header: Header
    #: Data rows after the header (row number, cells), blank rows included, streamed once.
    rows: Iterator[Row]
    notes: list[str] = field(default_factory=list)
    #: (row, column index from 0) -> what the reader could not take from that cell (a formula
    #: with no saved value...): such a cell is an error on its row, never read as blank.
    cell_notes: dict[tuple[int, int], str] = field(default_factory=dict)


def split_header(
    file_name: str,
    sha256: str,
    sheet: str,
    rows: Iterable[Row],
    merged: list[Merged],
    vocabulary: set[str],
    notes: list[str] | None = None,
    header_row: int | None = None,
    cell_notes: dict[tuple[int, int], str] | None = None,
) -> SheetData:
    """Find the header among the first rows (or take ``header_row``, 1-based, as its last row)
    and hand back the rest as a stream."""
    stream = iter(rows)
    first: list[Row] = list(itertools.islice(stream, SEARCH_ROWS + 1))
    if header_row is not None:
        chosen = [r for r in first if r[0] == header_row]
        if not chosen:
            raise ImportFormatError(
                f"{file_name}: row {header_row} of {sheet} is empty or too far down."
            )
        header: Header | None = Header(header_row, header_row, [_name(v) for v in chosen[0][1]])
    else:
        header = find_header(first, merged, vocabulary)
    if header is None:
        raise ImportFormatError(
            f"{file_name}: no header row found in sheet '{sheet}' (looked at the first "
            f"{SEARCH_ROWS} rows for column names such as Asset, Owner, Classification)."
        )
    rest = (r for r in first if r[0] > header.last_row)
    return SheetData(
        file_name,
        sha256,
        sheet,
        header,
        itertools.chain(rest, stream),
        notes or [],
        cell_notes or {},
    )


def _name(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""
