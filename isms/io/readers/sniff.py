"""Which format a file really is, from its bytes: the extension is only a tie-breaker."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .base import fail
from .cfb import MAGIC as OLE2_MAGIC

_OTHER_FILES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a bitmap image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)

NOT_A_SPREADSHEET = "send it as .xlsx, .xls, .ods or .csv"


def sniff_zip(path: Path, zf: zipfile.ZipFile) -> str:
    """xlsx, xlsm, xlsb or ods, from the parts the archive holds."""
    names = {n.casefold() for n in zf.namelist()}
    if "xl/workbook.xml" in names:
        if "xl/vbaproject.bin" in names or path.suffix.lower() == ".xlsm":
            return "xlsm"
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        try:
            mimetype = zf.read(zf.getinfo(next(n for n in zf.namelist() if n == "mimetype")))
        except (
            KeyError,
            StopIteration,
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            RuntimeError,
            zlib.error,
        ):
            mimetype = b""
        if mimetype[:200].strip() == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        fail(path, f"it is an OpenDocument file but not a spreadsheet: {NOT_A_SPREADSHEET}")
    if any(n.startswith("word/") for n in names):
        fail(path, f"it is a Word document, not a spreadsheet: {NOT_A_SPREADSHEET}")
    if any(n.startswith("ppt/") for n in names):
        fail(path, f"it is a PowerPoint file, not a spreadsheet: {NOT_A_SPREADSHEET}")
    fail(path, f"it is a zip archive that holds no workbook: {NOT_A_SPREADSHEET}")


def sniff_head(path: Path, head: bytes) -> str:
    """'zip', 'ole2' or 'text' from the first bytes, or ImportFormatError for anything else."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    for magic, what in _OTHER_FILES:
        if head.startswith(magic):
            fail(path, f"it is {what}, not a spreadsheet: {NOT_A_SPREADSHEET}")
    text = _strip_bom(head).lstrip()[:2048].lower()
    if text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            fail(
                path,
                "it is an Excel 2003 XML spreadsheet: open it in Excel, save it as .xlsx "
                "(Excel Workbook) and send it again",
            )
        if b"<html" in text or b"<!doctype html" in text or b"<table" in text:
            fail(
                path,
                "it is a web page (HTML) with a spreadsheet's name, as some systems export: "
                "open it in Excel, save it as .xlsx (Excel Workbook) and send it again",
            )
    if not looks_like_text(head):
        fail(path, f"it is not a spreadsheet or a text file: {NOT_A_SPREADSHEET}")
    return "text"


def _strip_bom(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NUL bytes fall on one side of each pair, as they do for
    mostly-ASCII text saved as UTF-16 without a byte order mark."""
    sample = sample[: len(sample) & ~1]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0), odd.count(0)
    half = len(sample) // 2
    if odd_nul > 0.4 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.4 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


#: Control bytes that never appear in text (tab, newlines, form feed and the old DOS end-of-file
#: marker 0x1A are allowed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26)) + b"\x7f"


def looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if utf16_without_bom(head[:4096]):
        return True
    if not head:
        return True
    if 0 in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls <= len(head) // 100
