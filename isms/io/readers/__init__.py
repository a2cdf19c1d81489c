"""Readers for department spreadsheets: xlsx / xlsm / xlsb / xls / ods via calamine, csv / tsv / txt
via the csv module, each behind checks that turn bad input into one clear ImportFormatError.

``open_source(path)`` looks at the file's bytes (not only its extension) and returns a SourceFile:

    with open_source("assets.xlsx") as source:
        for number, values in source.rows(source.default_sheet()):
            ...

Values: str | int | float | bool | date | datetime | None. Empty cells are None; a number cell
holding a whole number comes back as int (Excel stores 3 as 3.0); strings are not trimmed; dates
are dates where the cell is date-formatted. Precision Excel already lost (a control number 8.20
typed as a number is stored as 8.2) is left for the importer to handle.

Never imports Qt; never runs macros (only cell values are read).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .base import (
    DEFAULT_LIMITS,
    CellNote,
    CellValue,
    Limits,
    SheetInfo,
    SourceFile,
    fail,
)
from .cfb import Cfb, CfbError
from .delimited import DelimitedSource
from .excel import OdsSource, XlsbSource, XlsSource, XlsxSource
from .safety import PASSWORD_MESSAGE, check_file_size, open_zip
from .sniff import NOT_A_SPREADSHEET, sniff_head, sniff_zip

__all__ = [
    "DEFAULT_LIMITS",
    "CellNote",
    "CellValue",
    "Limits",
    "SheetInfo",
    "SourceFile",
    "open_source",
]

_HEAD = 64 * 1024


def open_source(
    path: Path | str, *, limits: Limits = DEFAULT_LIMITS, encoding: str | None = None
) -> SourceFile:
    """Open a spreadsheet or delimited text file for reading, whatever its extension says.

    ``encoding`` overrides the detected text encoding of a CSV or text file. Raises
    ImportFormatError (one line naming the file and the reason) for anything that cannot be
    read: not a spreadsheet, damaged, protected by a password, too large, or a zip/XML bomb.
    """
    path = Path(path)
    check_file_size(path, limits)
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        fail(path, f"the file cannot be opened ({exc.strerror or exc})")
    kind = sniff_head(path, head)
    if kind == "text":
        # Hashes the file while checking its encoding (the one given, else the one detected).
        return DelimitedSource(path, limits, head, encoding)
    if encoding is not None:
        fail(path, "it is a spreadsheet, which carries its own encoding: --encoding is only "
                   "for CSV and text files")
    sha256 = _sha256(path)
    if kind == "zip":
        with open_zip(path, limits) as zf:
            fmt = sniff_zip(path, zf)
        if fmt in ("xlsx", "xlsm"):
            return XlsxSource(path, fmt, sha256, limits)
        if fmt == "xlsb":
            return XlsbSource(path, sha256, limits)
        return OdsSource(path, sha256, limits)
    # OLE2: a real .xls, or an encrypted xlsx, or some other Office file.
    try:
        cfb = Cfb(path.read_bytes())
    except CfbError as exc:
        fail(path, f"the file is damaged: {exc}")
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")
    names = {n.casefold() for n in cfb.names()}
    if "encryptedpackage" in names or "encryptioninfo" in names:
        fail(path, PASSWORD_MESSAGE)
    if "workbook" in names or "book" in names:
        return XlsSource(path, sha256, limits, cfb)
    if "worddocument" in names:
        fail(path, f"it is a Word document, not a spreadsheet: {NOT_A_SPREADSHEET}")
    if "powerpoint document" in names:
        fail(path, f"it is a PowerPoint file, not a spreadsheet: {NOT_A_SPREADSHEET}")
    fail(path, f"it is an Office file but not a spreadsheet: {NOT_A_SPREADSHEET}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")
    return digest.hexdigest()
