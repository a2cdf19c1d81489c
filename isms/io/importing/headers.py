"""Finding the header in the first rows of a sheet, despite titles, merged cells and headers
written over two or three rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import values

#: How far down a header may be (titles, logos, instructions above it).
SEARCH_ROWS = 30
MAX_HEADER_ROWS = 3

Row = tuple[int, list[Any]]
Merged = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (1-based)


@dataclass(frozen=True)
class Header:
    first_row: int  # 1-based, as in Excel
    last_row: int
    #: One name per column (index 0 = column A); '' where the column has no header.
    names: list[str]

    @property
    def data_starts(self) -> int:
        return self.last_row + 1


def _is_texty(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | date):
        return False
    text = str(value).strip()
    return bool(text) and not values.key(text).replace(" ", "").isdigit()


def _filled(row: list[Any]) -> int:
    return sum(1 for v in row if v is not None and str(v).strip())


def _score(row: list[Any], vocabulary: set[str]) -> float:
    """Header-likeness: known column names count most, other text some, numbers and dates
    (which belong to data rows) count against."""
    score = 0.0
    for value in row:
        if value is None or not str(value).strip():
            continue
        if _is_texty(value):
            score += 3 if values.key(value) in vocabulary else 1
        else:
            score -= 2
    return score


def _expand_merged(rows: dict[int, list[Any]], merged: Sequence[Merged]) -> dict[int, list[Any]]:
    """Copy a merged cell's value to every column it spans (a group title over C, I, A)."""
    expanded = {n: list(r) for n, r in rows.items()}
    for first_row, first_col, last_row, last_col in merged:
        top = expanded.get(first_row)
        if top is None or first_col - 1 >= len(top):
            continue
        value = top[first_col - 1]
        for row_number in range(first_row, last_row + 1):
            row = expanded.get(row_number)
            if row is None:
                continue
            row.extend([None] * (last_col - len(row)))
            for col in range(first_col - 1, last_col):
                if row[col] is None or col == first_col - 1:
                    row[col] = value
    return expanded


def _is_title(row: list[Any], width: int) -> bool:
    """A title row: one text cell (perhaps merged across) over a wider header."""
    texts = {str(v).strip() for v in row if v is not None and str(v).strip()}
    return len(texts) <= 1 and width > 2


#: What templates write above their column names to say how each must be filled in.
_REQUIREMENT_WORDS = frozenset({
    "mandatory", "optional", "required", "recommended", "conditional", "must", "should", "may",
    "m", "o", "r", "c", "req", "opt", "required field", "optional field", "if applicable",
    "where applicable", "compulsory", "obligatory", "povinné", "nepovinné", "povinny",
    "υποχρεωτικό", "προαιρετικό", "obligatorio", "opcional", "obligatoire", "facultatif",
    "pflicht", "pflichtfeld",
})


_REQUIREMENT_KEYS = frozenset(values.key(word) for word in _REQUIREMENT_WORDS)


def _is_note_row(row: list[Any]) -> bool:
    """A row of requirement levels ("Mandatory", "Optional") or of notes (sentences telling how
    to fill a column in) above the column names: it says how, not what, so it is not merged
    into the names."""
    texts = [str(v).strip() for v in row if v is not None and str(v).strip()]
    if not texts:
        return False
    if all(values.key(t) in _REQUIREMENT_KEYS for t in texts):
        return True
    return sum(len(t.split()) > 5 for t in texts) > len(texts) / 2


def _continues(below: list[Any], row: int, merged: Sequence[Merged]) -> bool:
    """``below`` finishes a header whose group titles are merged across columns in ``row``:
    it holds only text, and each of its names sits under such a group title."""
    texty = [i for i, v in enumerate(below) if _is_texty(v)]
    if not texty or any(v is not None and not _is_texty(v) for v in below):
        return False
    grouped = {
        col - 1
        for first_row, first_col, last_row, last_col in merged
        if first_row <= row <= last_row and last_col > first_col
        for col in range(first_col, last_col + 1)
    }
    return all(i in grouped for i in texty)


def find_header(
    rows: Sequence[Row], merged: Sequence[Merged] = (), vocabulary: set[str] | None = None
) -> Header | None:
    """The most header-like row among the first rows, extended upwards over group-title rows.

    ``vocabulary``: known column names in ``values.key`` form (the import's synonyms).
    None when no row looks like a header (fewer than two text cells anywhere).
    """
    vocabulary = vocabulary or set()
    window = [(n, r) for n, r in rows if n <= SEARCH_ROWS + 1]
    raw = {n: r for n, r in window}
    expanded = _expand_merged(raw, merged)
    candidates = [(n, r) for n, r in window if sum(_is_texty(v) for v in r) >= 2]
    if not candidates:
        return None
    # The best score wins; among equals the lower row (a title above repeats no column names).
    bottom, _ = max(candidates, key=lambda item: (_score(item[1], vocabulary), -item[0]))
    width = max(len(expanded[bottom]), 1)
    # A group title row ("CIA" merged over three columns) can score best while the row under
    # it holds the real names ("C", "I", "A"): take such rows into the header.
    best = bottom
    while (
        bottom - best + 1 < MAX_HEADER_ROWS
        and (bottom + 1) in raw
        and _continues(raw[bottom + 1], bottom, merged)
    ):
        bottom += 1
    top = bottom
    while bottom - top + 1 < MAX_HEADER_ROWS and (top - 1) in expanded:
        above = expanded[top - 1]
        original = raw[top - 1]
        if (not _filled(above) or _is_title(original, width) or _is_note_row(original)
                or _score(above, vocabulary) < 0):
            break
        top -= 1
    names = []
    for col in range(width):
        parts: list[str] = []
        for row_number in range(top, bottom + 1):
            row = expanded[row_number]
            cell = row[col] if col < len(row) else None
            text = values.text(cell)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        names.append(" ".join(parts))
    return Header(top, bottom, names)
