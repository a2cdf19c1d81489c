"""One cheap pass over a worksheet's XML before calamine reads it.

calamine builds a dense grid from the top-left to the bottom-right cell that holds a value; a sheet
with one value in A1 and one in XFD1048576 asks it for 17 billion cells and the process aborts.
So, before calamine sees a sheet, this pass finds a sound upper bound of the last row and column
holding a value, and collects what the importer must be told: formulas without a saved value and
merged ranges.

It is built to cost little on the sheets Excel, LibreOffice and openpyxl write, where every cell
starts ``<c r="A1"``: it searches each piece of inflated XML with a few C-speed regular expressions
that only match cells beyond the bound found so far, and looks at cells one by one only where one
does (and in pieces that hold formulas). Any other form (namespace prefixes, cells without a
reference, odd quoting) switches to a tokenizer that follows calamine's own rules, cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .base import MAX_NOTES, CellNote, fail

NO_SAVED_VALUE = "formula with no saved value: open the file in Excel, save it, and send it again"

_MAX_CARRY = 64 * 1024**2
_ATTRS = rb"((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*"
_TOKEN = re.compile(
    rb"<(?:[\w.-]+:)?row(?=[\s/>])" + _ATTRS + rb"(/?)>"  # 1 attrs, 2 self-closing
    rb"|</(?:[\w.-]+:)?row\s*>"
    rb"|<((?:[\w.-]+:)?)c(?=[\s/>])" + _ATTRS + rb"(?:/>|>(.*?)</\3c\s*>)"  # 3, 4 attrs, 5 content
    rb"|<(?:[\w.-]+:)?c(?=[\s/>])",  # a cell that never ends: damaged
    re.S,
)
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_T_ATTR = re.compile(rb"(?:^|\s)t\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]*)([0-9]+)\Z")
_VALUED = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>[^<]|<(?:[\w.-]+:)?is[\s>]")
_HAS_V = re.compile(rb"<(?:[\w.-]+:)?v[\s/>]")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_FORMULA_CANON = re.compile(rb"<f[\s/>]")
_ROOT = re.compile(rb"<(?:([\w.-]+):)?worksheet[\s>]")
_MERGE = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([A-Za-z]+)([0-9]+)(?::([A-Za-z]+)([0-9]+))?"
)
# Canonical-form checks (documents without a namespace prefix).
_NONCANONICAL = re.compile(rb'<c(?=[\s>/])(?! r="[A-Za-z])')
_FOREIGN = re.compile(rb":c[\s>/]")
_CANON_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
_SELF_CLOSING_AFTER_REF = rb"(?!(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/>)"


@dataclass
class SheetScan:
    max_row: int = 0  # bound of the last row holding a value (1-based; 0: no value at all)
    max_col: int = 0  # bound of the last column holding a value
    canonical: bool = True
    notes: list[CellNote] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    dimension_rows: int | None = None
    _formulas_missing: int = 0

    def add_formula_note(self, row: int, col: int) -> None:
        self._formulas_missing += 1
        if len(self.notes) < MAX_NOTES:
            self.notes.append(CellNote(row, col, NO_SAVED_VALUE))

    def finish(self) -> SheetScan:
        extra = self._formulas_missing - len(self.notes)
        if extra > 0:
            self.notes.append(
                CellNote(
                    self.notes[-1].row,
                    self.notes[-1].column,
                    f"and {extra} more formulas with no saved value: open the file in Excel, "
                    "save it, and send it again",
                )
            )
        return self


@dataclass(frozen=True)
class Cell:
    row: int  # 1-based
    col: int
    attrs: bytes
    content: bytes | None  # None for a self-closing cell
    valued: bool


def column_of(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def pieces_at_cell_boundaries(path: Path, raw: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut inflated chunks so that no cell or row is split between two pieces."""
    carry = b""
    for chunk in raw:
        buf = carry + chunk if carry else chunk
        # End tags only ('<' never appears unescaped in text, so "</c>" cannot be inside one);
        # ":row>" and ":c>" catch prefixed end tags such as </x:c>.
        cut = buf.rfind(b"</row>")
        if cut < 0:
            cut = max(buf.rfind(b"</c>"), buf.rfind(b":row>"), buf.rfind(b":c>"))
        if cut < 0:
            if len(buf) > _MAX_CARRY:
                fail(path, "the file is damaged: a worksheet holds a cell too large to read")
            carry = buf
            continue
        # Cut after the '>' of the end tag found (or of a prefixed one such as </x:c>).
        cut = buf.index(b">", cut) + 1
        piece, carry = buf[:cut], buf[cut:]
        if len(carry) > _MAX_CARRY:
            fail(path, "the file is damaged: a worksheet holds a cell too large to read")
        yield piece
    if carry:
        yield carry


def _parse_ref(path: Path, raw: bytes) -> tuple[int, int]:
    m = _REF.match(raw)
    if not m or not m.group(1) or int(m.group(2)) == 0:
        fail(path, f"the file is damaged: a cell has the invalid reference {raw[:20]!r}")
    return int(m.group(2)), column_of(m.group(1))


def _attr(pattern: re.Pattern[bytes], attrs: bytes) -> bytes | None:
    m = pattern.search(attrs)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def has_saved_value(attrs: bytes, content: bytes) -> bool:
    if _VALUED.search(content):
        return True
    # A text formula whose result is "" is saved as <v></v> with t="str": that is a value.
    return _attr(_T_ATTR, attrs) == b"str" and _HAS_V.search(content) is not None


def iter_cells(path: Path, pieces: Iterator[bytes]) -> Iterator[Cell]:
    """Every cell of the sheet in document order, positioned as calamine positions it: by its own
    reference if it has one, else after the previous cell of the row."""
    row_index = 0  # 0-based, as calamine counts
    col_index = 0
    for piece in pieces:
        for m in _TOKEN.finditer(piece):
            text = m.group(0)
            if text.startswith(b"</"):
                row_index += 1
                col_index = 0
                continue
            if m.group(1) is not None:  # a row start
                r = _attr(_R_ATTR, m.group(1))
                if r is not None:
                    if not r.isdigit() or int(r) == 0:
                        fail(path, f"the file is damaged: a row has the invalid number {r[:20]!r}")
                    row_index = int(r) - 1
                if m.group(2):
                    row_index += 1
                col_index = 0
                continue
            if m.group(4) is None:
                fail(path, "the file is damaged: a worksheet cell is not closed")
            attrs = m.group(4)
            r = _attr(_R_ATTR, attrs)
            if r is not None:
                row, col = _parse_ref(path, r)
                col_index = col - 1
            else:
                row, col = row_index + 1, col_index + 1
            col_index += 1
            content = m.group(5)
            yield Cell(
                row, col, attrs, content, content is not None and bool(_VALUED.search(content))
            )


_CANON_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"' + _ATTRS + rb">(.*?)</c>", re.S)


def iter_canonical_cells(path: Path, pieces: Iterator[bytes]) -> Iterator[Cell]:
    """iter_cells for sheets in the canonical form (every cell has its reference): only cells with
    content are looked at, so stretches of formatted empty cells cost almost nothing."""
    for piece in pieces:
        for m in _CANON_CELL.finditer(piece):
            content = m.group(4)
            row = int(m.group(2))
            if row == 0:
                fail(path, "the file is damaged: a cell has the invalid reference row 0")
            yield Cell(
                row, column_of(m.group(1)), m.group(3), content, bool(_VALUED.search(content))
            )


def _exact_scan(path: Path, pieces: Iterator[bytes], scan: SheetScan) -> None:
    for cell in iter_cells(path, pieces):
        if cell.valued:
            scan.max_row = max(scan.max_row, cell.row)
            scan.max_col = max(scan.max_col, cell.col)
        elif cell.content is not None and _FORMULA.search(cell.content):
            if not has_saved_value(cell.attrs, cell.content):
                scan.add_formula_note(cell.row, cell.col)


@lru_cache(maxsize=256)
def _greater(digits: str, alphabet: str) -> bytes:
    """A regular expression for strings over ``alphabet`` (ordered) that stand for a number
    greater than ``digits`` (same alphabet; longer strings are greater, as for row numbers and
    column letters)."""
    k = len(digits)
    any_char = "[0-9]" if alphabet[0] == "0" else "[A-Za-z]"
    options = [f"{any_char}{{{k + 1},}}"]
    for i, ch in enumerate(digits):
        pos = alphabet.index(ch)
        if pos + 1 < len(alphabet):
            higher = alphabet[pos + 1 :]
            if any_char == "[A-Za-z]":
                cls = f"[{higher[0]}-{higher[-1]}{higher[0].lower()}-{higher[-1].lower()}]"
                prefix = "".join(f"[{c}{c.lower()}]" for c in digits[:i])
            else:
                cls = f"[{higher[0]}-{higher[-1]}]"
                prefix = digits[:i]
            options.append(prefix + cls + (f"{any_char}{{{k - i - 1}}}" if k - i - 1 else ""))
    return ("(?:" + "|".join(options) + ")").encode()


def _round_up(n: int) -> int:
    """n rounded up to its first two digits followed by nines (100001 -> 109999): a bound
    barely looser than n whose "greater than" regex has three branches instead of one per digit,
    which matters when it runs over every cell."""
    s = str(n)
    return n if len(s) <= 2 else int(s[:2] + "9" * (len(s) - 2))


@lru_cache(maxsize=256)
def _beyond(max_row: int, max_col: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Canonical cells, not self-closing, whose column (first) or row (second) lies beyond the
    bound. Two patterns, since the regex engine runs two simple ones faster than one combined."""
    rows = _greater(str(max_row), "0123456789") if max_row else b"[0-9]+"
    if max_col:
        letters = ""
        n = max_col
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        cols = _greater(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    else:
        cols = b"[A-Za-z]+"
    return (
        re.compile(rb'<c r="' + cols + rb'[0-9]+"' + _SELF_CLOSING_AFTER_REF),
        re.compile(rb'<c r="[A-Za-z]+' + rows + rb'"' + _SELF_CLOSING_AFTER_REF),
    )


def scan_sheet(path: Path, open_pieces: Callable[[], Iterator[bytes]]) -> SheetScan:
    """Scan one worksheet; ``open_pieces`` gives a fresh iterator of its inflated XML."""
    scan = SheetScan()
    pieces = pieces_at_cell_boundaries(path, open_pieces())
    first = True
    for piece in pieces:
        if first:
            first = False
            root = _ROOT.search(piece)
            if root is not None and root.group(1):
                scan.canonical = False  # prefixed elements: follow them cell by cell
                break
            dim = re.search(rb"<dimension\s+ref=\"[A-Za-z]*[0-9]*:?[A-Za-z]*([0-9]+)\"", piece)
            if dim is not None:
                scan.dimension_rows = int(dim.group(1))
        if _NONCANONICAL.search(piece) or _FOREIGN.search(piece):
            scan.canonical = False
            break
        _scan_canonical_piece(path, piece, scan)
    else:
        return scan.finish()
    # Not in the canonical form: start again, cell by cell.
    fallback = SheetScan(canonical=False, dimension_rows=scan.dimension_rows)
    for piece in pieces_at_cell_boundaries(path, open_pieces()):
        if b"mergeCell" in piece:
            _merges(piece, fallback)
    _exact_scan(path, pieces_at_cell_boundaries(path, open_pieces()), fallback)
    return fallback.finish()


def _scan_canonical_piece(path: Path, piece: bytes, scan: SheetScan) -> None:
    # Guess the bound from the last value in the piece (cheap: searched from the end) ...
    last = max(piece.rfind(b"<v>"), piece.rfind(b"<is>"))
    if last >= 0:
        start = piece.rfind(b'<c r="', 0, last)
        if start >= 0:
            m = _CANON_REF.match(piece, start)
            if m is not None:
                scan.max_row = max(scan.max_row, int(m.group(2)))
                scan.max_col = max(scan.max_col, column_of(m.group(1)))
    # ... then look only at the cells beyond it (normally none), raising the bound on each value.
    scan.max_row = _round_up(scan.max_row)
    for which in (0, 1):
        _raise_bound(path, piece, scan, which)
    if _FORMULA_CANON.search(piece):
        _formula_notes(path, piece, scan)
    if b"mergeCell" in piece:
        _merges(piece, scan)


def _raise_bound(path: Path, piece: bytes, scan: SheetScan, which: int) -> None:
    pos = 0
    beyond = _beyond(scan.max_row, scan.max_col)[which]
    while (m := beyond.search(piece, pos)) is not None:
        pos = m.end()
        ref = _CANON_REF.match(piece, m.start())
        tag_end = piece.find(b">", pos)
        end = piece.find(b"</c>", tag_end)
        if ref is None or tag_end < 0 or end < 0:
            fail(path, "the file is damaged: a worksheet cell is not closed")
        if _VALUED.search(piece, tag_end + 1, end):
            row = int(ref.group(2))
            if row == 0:
                fail(path, "the file is damaged: a cell has the invalid reference row 0")
            scan.max_row = max(scan.max_row, _round_up(row))
            scan.max_col = max(scan.max_col, column_of(ref.group(1)))
            beyond = _beyond(scan.max_row, scan.max_col)[which]


def _formula_notes(path: Path, piece: bytes, scan: SheetScan) -> None:
    pos = 0
    while True:
        m = _FORMULA.search(piece, pos)
        if m is None:
            return
        i = m.start()
        start = piece.rfind(b'<c r="', 0, i)
        end = piece.find(b"</c>", i)
        pos = i + 2
        if start < 0 or end < 0:
            continue
        tag_end = piece.find(b">", start)
        ref = _CANON_REF.match(piece, start)
        if ref is None or tag_end < 0:
            continue
        attrs = piece[start + 2 : tag_end]
        if not has_saved_value(attrs, piece[tag_end + 1 : end]):
            scan.add_formula_note(int(ref.group(2)), column_of(ref.group(1)))
        pos = end


def _merges(piece: bytes, scan: SheetScan) -> None:
    for m in _MERGE.finditer(piece):
        r1, c1 = int(m.group(2)), column_of(m.group(1))
        if m.group(3):
            r2, c2 = int(m.group(4)), column_of(m.group(3))
        else:
            r2, c2 = r1, c1
        scan.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
