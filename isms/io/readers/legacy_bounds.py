"""Bounds for the formats calamine reads whole (.xls, .ods) or without a streaming path (.xlsb).

Each function walks the raw structure once, cheaply, and returns how many cells calamine would
materialise, so that a file claiming an absurd grid is refused with a clear message instead of
making calamine reserve gigabytes (which aborts the process). They also reject the few malformed
records that make calamine itself allocate without bound.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from .base import column_number


class BoundsError(Exception):
    """The structure is damaged or claims an impossible size; the message says which."""


@dataclass
class Bounds:
    rows: int = 0  # last row with a value (1-based)
    cols: int = 0
    first_row: int = 0
    first_col: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add(self, row: int, col: int) -> None:  # 1-based
        if not self.rows:
            self.first_row, self.first_col = row, col
        self.rows = max(self.rows, row)
        self.cols = max(self.cols, col)
        self.first_row = min(self.first_row, row)
        self.first_col = min(self.first_col, col)

    @property
    def cells(self) -> int:
        if not self.rows:
            return 0
        return (self.rows - self.first_row + 1) * (self.cols - self.first_col + 1)


# -- .xls (BIFF5/8 records inside the OLE2 "Workbook" stream) -----------------------------------

_CELL_RECORDS = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006}


def xls_bounds(stream: bytes) -> dict[str, Bounds]:
    """Per sheet name, the cells calamine will build from this Workbook stream."""
    sheets: list[tuple[int, str]] = []
    pos = 0
    end = len(stream)
    sst_bytes = 0
    sst_unique = 0
    while pos + 4 <= end:
        typ, size = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + size]
        if len(data) < size:
            raise BoundsError("its workbook stream is cut short")
        if typ == 0x0085 and size >= 6:  # BoundSheet8
            (offset,) = struct.unpack_from("<I", data)
            cch = data[6] if size > 6 else 0
            raw = data[8 : 8 + cch * 2] if size > 7 and data[7] & 1 else data[8 : 8 + cch]
            name = raw.decode("utf-16-le" if size > 7 and data[7] & 1 else "latin-1", "replace")
            sheets.append((offset, name.replace("\0", "")))
        elif typ == 0x00FC:  # SST: calamine reserves room for cstUnique strings up front
            if size < 8:
                raise BoundsError("its shared strings are damaged")
            sst_unique = struct.unpack_from("<i", data, 4)[0]
            sst_bytes = size
            nxt = pos + 4 + size
            while nxt + 4 <= end and struct.unpack_from("<H", stream, nxt)[0] == 0x003C:
                more = struct.unpack_from("<H", stream, nxt + 2)[0]
                sst_bytes += more
                nxt += 4 + more
            if sst_unique < 0 or sst_unique > sst_bytes // 3 + 1:
                raise BoundsError("its shared strings table claims more strings than it holds")
        elif typ == 0x000A:  # EOF of the globals
            break
        pos += 4 + size
    result: dict[str, Bounds] = {}
    for offset, name in sheets:
        if offset >= end:
            raise BoundsError(f"sheet {name!r} lies beyond the end of the file")
        result[name] = _xls_sheet(stream, offset)
    return result


def _xls_sheet(stream: bytes, pos: int) -> Bounds:
    bounds = Bounds()
    end = len(stream)
    while pos + 4 <= end:
        typ, size = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if typ == 0x000A:
            break
        if typ in _CELL_RECORDS and size >= 4:
            row, col = struct.unpack_from("<HH", data)
            bounds.add(row + 1, col + 1)
        elif typ == 0x00BD and size >= 6:  # MulRk: a run of columns on one row
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, size - 2)
            if last < first:
                raise BoundsError("a row of numbers is damaged")
            bounds.add(row + 1, first + 1)
            bounds.add(row + 1, last + 1)
        elif typ == 0x0200:  # Dimensions: calamine reserves rows x cols cells from it
            if size == 14:
                rf, rl, cf, cl = struct.unpack_from("<IIHH", data)
            elif size == 10:
                rf, rl, cf, cl = struct.unpack_from("<HHHH", data)
            else:
                raise BoundsError("a sheet's dimensions are damaged")
            if rl and cl and (rl - 1 < rf or cl - 1 < cf):
                raise BoundsError("a sheet's dimensions are impossible")
            if rl and cl and (rl - rf) * (cl - cf) > 65536 * 256:
                raise BoundsError("a sheet claims more cells than an .xls can hold")
        elif typ == 0x00E5 and size >= 2:  # MergeCells
            (count,) = struct.unpack_from("<H", data)
            for i in range(min(count, (size - 2) // 8)):
                rf, rl, cf, cl = struct.unpack_from("<HHHH", data, 2 + 8 * i)
                bounds.merged.append((rf + 1, cf + 1, rl + 1, cl + 1))
    return bounds


# -- .ods (content.xml) ---------------------------------------------------------------------------

_ODS_TOKEN = re.compile(
    rb"<table:table\s[^>]*?table:name=\"([^\"]*)\"[^>]*>"  # 1 table name
    rb"|</table:table>"
    rb"|<table:table-row(\s[^>]*)?>"  # 2 row attrs
    rb"|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell(\s[^>]*?)?(/?)>"  # 3 cell attrs, 4 self-closing
    rb"|<text:s\s[^>]*?text:c=\"([0-9]+)\""  # 5 spaces
)
_REPEAT_COLS = re.compile(rb"table:number-columns-repeated=\"([0-9]+)\"")
_REPEAT_ROWS = re.compile(rb"table:number-rows-repeated=\"([0-9]+)\"")
_SPAN_COLS = re.compile(rb"table:number-columns-spanned=\"([0-9]+)\"")
_SPAN_ROWS = re.compile(rb"table:number-rows-spanned=\"([0-9]+)\"")
_ODS_VALUED = re.compile(rb"office:value-type=|table:formula=")

#: text:s elements ask calamine for that many spaces each: cap their total.
MAX_ODS_SPACES = 10_000_000


def _number(pattern: re.Pattern[bytes], attrs: bytes | None, default: int = 1) -> int:
    if not attrs:
        return default
    m = pattern.search(attrs)
    return int(m.group(1)) if m else default


def ods_bounds(pieces: Iterator[bytes], max_cells: int) -> dict[str, Bounds]:
    """Per table, the cells calamine will build from content.xml (repeats included)."""
    result: dict[str, Bounds] = {}
    current: Bounds | None = None
    row = 0  # rows before the current one (repeats included)
    col = 0
    row_repeat = 1
    row_len = 0
    raw_cells = 0  # what calamine stores before building its grid (row repeats not expanded)
    spaces = 0
    carry = b""
    for chunk in pieces:
        buf = carry + chunk
        cut = buf.rfind(b">") + 1
        piece, carry = buf[:cut], buf[cut:]
        if len(carry) > 64 * 1024**2:
            raise BoundsError("its content is damaged")
        for m in _ODS_TOKEN.finditer(piece):
            text = m.group(0)
            if m.group(1) is not None:
                current = Bounds()
                result[m.group(1).decode("utf-8", "replace")] = current
                row = 0
            elif text == b"</table:table>":
                current = None
            elif text.startswith(b"<table:table-row"):
                row_repeat = _number(_REPEAT_ROWS, m.group(2))
                col = row_len = 0
            elif text == b"</table:table-row>":
                row += row_repeat
                raw_cells += row_len
                if raw_cells > max_cells:
                    raise BoundsError("too large")
            elif m.group(5) is not None:
                spaces += int(m.group(5))
                if spaces > MAX_ODS_SPACES:
                    raise BoundsError("it asks for more repeated spaces than any sheet holds")
            elif current is not None:  # a cell
                attrs = m.group(3)
                repeat = _number(_REPEAT_COLS, attrs)
                if attrs and _ODS_VALUED.search(attrs):
                    row_len = col + repeat
                    current.add(row + 1, col + 1)
                    current.add(row + row_repeat, col + repeat)
                    if current.cells > max_cells:
                        raise BoundsError("too large")
                    span_c, span_r = _number(_SPAN_COLS, attrs), _number(_SPAN_ROWS, attrs)
                    if span_c > 1 or span_r > 1:
                        current.merged.append((row + 1, col + 1, row + span_r, col + span_c))
                col += repeat
    return result


# -- .xlsb (binary records in the sheet parts) ---------------------------------------------------

_XLSB_CELLS = set(range(1, 12)) | {62}


def _varint(data: bytes, pos: int, limit: int) -> tuple[int, int]:
    value = 0
    for i in range(limit):
        if pos >= len(data):
            raise BoundsError("a sheet is cut short")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            break
    return value, pos


def xlsb_bounds(pieces: Iterator[bytes]) -> Bounds:
    bounds = Bounds()
    data = b"".join(pieces)  # a sheet part (bounded by the zip checks); xlsb is rare
    pos = 0
    row = 0
    while pos < len(data):
        typ, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        body = data[pos : pos + size]
        pos += size
        if typ == 0 and len(body) >= 4:  # BrtRowHdr
            (row,) = struct.unpack_from("<I", body)
        elif typ in _XLSB_CELLS and len(body) >= 4:
            (col,) = struct.unpack_from("<I", body)
            if typ != 1:  # BrtCellBlank holds no value
                bounds.add(row + 1, col + 1)
    return bounds


__all__ = ["Bounds", "BoundsError", "column_number", "ods_bounds", "xls_bounds", "xlsb_bounds"]
