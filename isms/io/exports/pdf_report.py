"""A :class:`~isms.io.exports.report.Report` as a PDF an auditor can file, and the page frame
every isms PDF shares (``build_pdf``): A4 landscape (A3 landscape for a table too wide to read
on A4, see :func:`page_size`), the title and protective marking in a
running header, the marking, "Page X of Y" and the generated date in the footer.

Long tables are cut into tables of ``CHUNK_ROWS`` rows (PERFORMANCE.md: reportlab re-measures
the rest of a table at every page break, so one 10,000-row table costs ~4 x as much as 200-row
pieces). Each piece repeats the column header when it starts or continues at the top of a page,
and leaves it out when it follows on from the piece before, so the reader sees one table.

Same report, same bytes: reportlab's invariant mode (no random document id), and the document
dates are ``report.generated``.
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A3, A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..files import write_atomically
from .report import LOG_HEAD_LABEL, Column, Marked, Report, producer, text_colour_on

Progress = Callable[[str, int, int], None]

PageSize = tuple[float, float]

#: The page of every PDF but a very wide table's.
PAGE: PageSize = landscape(A4)
WIDE_PAGE: PageSize = landscape(A3)
MARGIN = 12 * mm
#: Columns wider than this in all (Column.width, in characters) go on A3: A4 landscape gives
#: them under ~3 points a character, where the cell text (7.5 pt, ~3.7 points a character)
#: wraps every few words. The registers (at most ~240) stay A4; the SoA (~300) does not.
WIDE_TABLE_CHARS = 260
#: Rows per table piece (PERFORMANCE.md: "split long tables into chunks of ~200 rows").
CHUNK_ROWS = 200
FONT, BOLD = "Helvetica", "Helvetica-Bold"
CELL_SIZE = 7.5
_PADDING = 3

STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=6),
    "heading": ParagraphStyle("heading", fontName=BOLD, fontSize=11, leading=14, spaceBefore=8,
                              spaceAfter=4),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, spaceAfter=4),
    "label": ParagraphStyle("label", fontName=BOLD, fontSize=9, leading=11.5),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=CELL_SIZE, leading=9.2),
    "cell-white": ParagraphStyle("cell-white", fontName=FONT, fontSize=CELL_SIZE, leading=9.2,
                                 textColor=colors.white),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=CELL_SIZE, leading=9.2),
}
HEADER_FILL = colors.HexColor("#D9D9D9")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- shared helpers -------------------------------------------------------------------------


def display(value: Any) -> str:
    """A cell value as the text a reader sees."""
    if isinstance(value, Marked):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return _ILLEGAL.sub("", str(value))


def markup(text: str) -> str:
    """User text made safe for a Paragraph, which parses XML-like markup (a "<" or "&" in a
    description would otherwise break or restyle the document)."""
    return escape(_ILLEGAL.sub("", text)).replace("\n", "<br/>")


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), STYLES[style])


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
         styles: tuple[str, str] = ("label", "body"),
         extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A small ruled table across an A4 landscape page, for documents other than the register
    tables: the first row is a header, each value a wrapped Paragraph (a Flowable is kept as it
    is), ``widths`` are shares of the width and ``styles`` the header's and the cells' styles."""
    header, body = styles
    cells = [[c if isinstance(c, Flowable) else para(display(c), header if r == 0 else body)
              for c in row] for r, row in enumerate(rows)]
    usable, total = PAGE[0] - 2 * MARGIN, sum(widths)
    table = Table(cells, colWidths=[usable * w / total for w in widths], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *extra,
    ]))
    return table


def page_size(columns: Sequence[Column]) -> PageSize:
    """The page a table of ``columns`` is printed on."""
    return WIDE_PAGE if sum(c.width for c in columns) > WIDE_TABLE_CHARS else PAGE


def title_block(title: str, generated: datetime, marking: str,
                document_control: Sequence[tuple[str, str]],
                page: PageSize = PAGE) -> list[Flowable]:
    """The title and document-control table that open page 1."""
    pairs: list[tuple[str, str]] = [("Generated", display(generated))]
    if marking:
        pairs.append(("Protective marking", marking))
    pairs.extend((str(k), display(v)) for k, v in document_control)
    rows = [[para(k, "label"), para(v)] for k, v in pairs]
    control = Table(rows, colWidths=[55 * mm, page[0] - 2 * MARGIN - 55 * mm], hAlign="LEFT")
    control.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [para(title, "title"), control, Spacer(1, 6 * mm)]


def build_pdf(path: Path, story: list[Flowable], *, title: str, marking: str,
              generated: datetime, page: PageSize = PAGE, keywords: str = "") -> None:
    """Lay ``story`` out on the shared page frame and write it to ``path`` atomically.
    ``keywords`` (the change log's head) go into the file's metadata."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm, bottomMargin=MARGIN + 6 * mm,
        title=title, author=producer(), creator=producer(), subject=marking, invariant=1,
        keywords=keywords,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    decorate = _page_decorator(title, marking, generated, page)

    def canvas_maker(*args: Any, **kwargs: Any) -> Canvas:
        canvas = _CountingCanvas(decorate, *args, **kwargs)
        stamp = f"D:{generated:%Y%m%d%H%M%S}+00'00'"
        canvas.setDateFormatter(lambda *_: stamp)
        return canvas

    doc.build(story, canvasmaker=canvas_maker)
    write_atomically(path, buffer.getvalue())


# --- write_pdf ------------------------------------------------------------------------------


def write_pdf(report: Report, path: Path, progress: Progress | None = None) -> int:
    """Write ``report`` to ``path`` as a PDF; returns the number of table rows written."""
    page = page_size(report.columns)
    story = title_block(report.title, report.generated, report.marking,
                        report.document_control, page)
    count = 0
    total = report.row_count or 0
    layout = _Layout(report.columns, page[0] - 2 * MARGIN)
    for first, chunk in _chunks(report.rows):
        story.append(_Chunk(layout, [layout.row(r) for r in chunk], headed=first))
        count += len(chunk)
        if progress:
            progress("laying out PDF", count, total)
    if count == 0:
        story.append(_Chunk(layout, [], headed=True))
        story.append(para("No entries."))
    for note in report.notes:
        story.append(para(note))
    head = next((str(v) for k, v in report.document_control if k == LOG_HEAD_LABEL), "")
    build_pdf(path, story, title=report.title, marking=report.marking,
              generated=report.generated, page=page, keywords=head)
    return count


def _chunks(rows: Iterable[Sequence[Any]]) -> Iterable[tuple[bool, list[Sequence[Any]]]]:
    chunk: list[Sequence[Any]] = []
    first = True
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield first, chunk
            first, chunk = False, []
    if chunk:
        yield first, chunk


#: A table cell: plain text (cheap) or a Paragraph (wraps).
Cell = Any


class _Layout:
    """Column widths (shares of the page width) and how each value becomes a table cell."""

    def __init__(self, columns: Sequence[Column], usable: float) -> None:
        self.columns = columns
        self.widths = column_widths(columns, usable)
        self.header = [Paragraph(markup(c.header), STYLES["head"]) for c in columns]

    def row(self, values: Sequence[Any]) -> tuple[list[Cell], list[tuple[int, str]]]:
        """The row's cells and its marked cells as (column, fill)."""
        cells: list[Cell] = []
        marks: list[tuple[int, str]] = []
        for index, (value, column, width) in enumerate(
            zip(values, self.columns, self.widths, strict=False)
        ):
            text = display(value)
            style = "cell"
            if isinstance(value, Marked):
                marks.append((index, value.fill))
                if text_colour_on(value.fill) != "#000000":
                    style = "cell-white"
            # A plain string is far cheaper to lay out than a Paragraph; only text that needs
            # wrapping (or markup escaping for a wrap column) pays for one.
            if column.wrap or "\n" in text or (
                stringWidth(text, FONT, CELL_SIZE) > width - 2 * _PADDING
            ):
                cells.append(Paragraph(markup(text), STYLES[style]))
            else:
                cells.append(text)
        return cells, marks


def _least_width(column: Column) -> float:
    """The narrowest a column may be: its header's longest word on one line (a header cut
    "Co/ntr/ol" is unreadable), and a whole date in a date column."""
    words = [stringWidth(word, BOLD, CELL_SIZE) for word in column.header.split()]
    if column.kind == "date":
        words.append(stringWidth("0000-00-00", FONT, CELL_SIZE))
    # +1: reportlab wraps a word that fills the cell to the last hundredth of a point.
    return max(words, default=0) + 2 * _PADDING + 1


def column_widths(columns: Sequence[Column], usable: float) -> list[float]:
    """Each column's share of ``usable`` by its Column.width, but none narrower than
    :func:`_least_width`: what the narrow ones need is taken from the wrap columns' room above
    their own least width (from every column's, when the wrap columns have too little)."""
    share = sum(c.width for c in columns) or 1
    widths = [usable * c.width / share for c in columns]
    least = [_least_width(c) for c in columns]
    if sum(least) >= usable:  # cannot honour them all: keep the proportions
        return widths
    needed = sum(max(0.0, lo - w) for w, lo in zip(widths, least, strict=True))
    widths = [max(w, lo) for w, lo in zip(widths, least, strict=True)]
    for donors in ([c.wrap for c in columns], [True] * len(columns)):
        room = [max(0.0, w - lo) if give else 0.0
                for w, lo, give in zip(widths, least, donors, strict=True)]
        total = sum(room)
        if needed <= 0 or total <= 0:
            continue
        taken = min(needed, total)
        widths = [w - taken * r / total for w, r in zip(widths, room, strict=True)]
        needed -= taken
    return widths


_BASE_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
    ("LEADING", (0, 0), (-1, -1), 9.2),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
    ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


class _Chunk(Flowable):  # type: ignore[misc]
    """Up to CHUNK_ROWS rows of the table. It shows the column header when it is the table's
    start or stands at the top of a page; following on mid-page from the piece before, it
    goes without, so the pieces read as one table."""

    def __init__(self, layout: _Layout, rows: list[tuple[list[Cell], list[tuple[int, str]]]],
                 *, headed: bool) -> None:
        super().__init__()
        self._layout = layout
        self._rows = rows
        self._always_headed = headed
        self._table: Table | None = None

    def _make(self, headed: bool) -> Table:
        offset = 1 if headed else 0
        data: list[list[Any]] = [list(self._layout.header)] if headed else []
        style = list(_BASE_STYLE)
        if headed:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        for r, (cells, marks) in enumerate(self._rows):
            data.append(cells)
            for c, fill in marks:
                where = (c, r + offset)
                style.append(("BACKGROUND", where, where, colors.HexColor(fill)))
                style.append(("TEXTCOLOR", where, where, colors.HexColor(text_colour_on(fill))))
        # A row taller than a page (a control chosen by hundreds of risks) must be split
        # across pages rather than fail the export. Only a headed piece splits inside a row:
        # an unheaded one hands whole rows to the next page's headed piece (see split()).
        return Table(data, colWidths=self._layout.widths, repeatRows=offset, style=style,
                     hAlign="LEFT", splitInRow=offset)

    def _choose(self) -> Table:
        # The frame knows whether anything stands above on this page (reportlab's own
        # "at top" flag, which it uses to drop space before the first flowable of a frame).
        frame = getattr(getattr(self.canv, "_doctemplate", None), "frame", None)
        headed = self._always_headed or bool(getattr(frame, "_atTop", True))
        self._headed = headed
        self._table = self._make(headed)
        return self._table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        table = self._choose()
        width, height = table.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self._table or self._choose()
        if self._headed:
            # Table's own split repeats the header on the continuation.
            parts: list[Flowable] = table.split(availWidth, availHeight)
            return parts
        parts = table.split(availWidth, availHeight)
        if not parts:
            return []
        placed = len(parts[0]._cellvalues)
        # The rest starts a new page: a chunk again, so it gets its header there.
        return [parts[0], _Chunk(self._layout, self._rows[placed:], headed=True)]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


# --- running header and footer --------------------------------------------------------------


def _page_decorator(title: str, marking: str, generated: datetime,
                    page: PageSize) -> Callable[[Canvas, int, int], None]:
    width, height = page
    top = height - MARGIN
    bottom = MARGIN

    def decorate(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, top, _fit(title, width * 0.7))
        canvas.setFont(BOLD, 9)
        canvas.drawRightString(width - MARGIN, top, marking)
        canvas.drawString(MARGIN, bottom, marking)
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(width / 2, bottom, f"Page {page} of {pages}")
        canvas.drawRightString(width - MARGIN, bottom, f"Generated {generated:%Y-%m-%d %H:%M}")
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, top - 3, width - MARGIN, top - 3)
        canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
        canvas.restoreState()

    return decorate


def _fit(text: str, width: float) -> str:
    if stringWidth(text, FONT, 8) <= width:
        return text
    while text and stringWidth(text + "...", FONT, 8) > width:
        text = text[:-1]
    return text + "..."


class _CountingCanvas(Canvas):  # type: ignore[misc]
    """Holds every finished page back until the end, so each can say "Page X of Y": the total
    is known only once the last page is laid out."""

    def __init__(self, decorate: Callable[[Canvas, int, int], None],
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        held, pages = self._held, len(self._held)
        for state in held:
            self.__dict__.update(state)
            self._decorate(self, self.getPageNumber(), pages)
            Canvas.showPage(self)
        Canvas.save(self)
