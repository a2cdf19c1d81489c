"""The protective marking on a workbook that leaves the register: printed at the head and
foot of every page of every sheet (hidden ones too: unhiding one prints it) and kept in the
file's properties, which File > Info, mail and document systems read. The documents' writer
(:mod:`.exports.xlsx_report`) prints the same places; this is for the other workbooks (the
import template, the import's error workbook)."""

from __future__ import annotations

from openpyxl import Workbook


def mark_workbook(book: Workbook, marking: str) -> None:
    """Mark every sheet ``book`` has now (call once they are all created, before saving);
    an empty ``marking`` (a register with no scheme) marks nothing."""
    if not marking:
        return
    book.properties.subject = book.properties.category = marking
    book.properties.keywords = marking
    printed = marking.replace("&", "&&")  # "&" starts a code in Excel's header language
    for sheet in book.worksheets:
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header is not None and footer is not None  # every sheet is made with both
        header.right.text = printed
        footer.left.text = printed


__all__ = ["mark_workbook"]
