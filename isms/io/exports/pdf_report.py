"""A :class:`~isms.io.exports.report.Report` as a PDF an auditor can file, and the page frame
every isms PDF shares (``build_pdf``): A4 landscape (A3 landscape for a table too wide to read
on A4, see :func:`page_size`), the title and protective marking in a running header, the
marking, "Page X of Y" and the document's date ("As at DAY", see ``page_rules.dated``) in the
footer.

Pages that can be handed over: no word, reference or marking is ever cut inside. Each column is
at least as wide as the longest word it holds (A3, then smaller type, before a word is cut),
text wraps only between words, and a table goes on across pages in one layout under its
repeated header; a row is cut only when taller than a page, and its second part names its
reference again.

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
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..files import write_atomically
from .page_rules import dated, is_wide
from .report import LOG_HEAD_LABEL, Column, Marked, Report, producer, text_colour_on

Progress = Callable[[str, int, int], None]

PageSize = tuple[float, float]

#: The page of every PDF but a very wide table's.
PAGE: PageSize = landscape(A4)
WIDE_PAGE: PageSize = landscape(A3)
MARGIN = 12 * mm
#: Rows per table piece (PERFORMANCE.md: "split long tables into chunks of ~200 rows").
CHUNK_ROWS = 200
FONT, BOLD = "Helvetica", "Helvetica-Bold"
CELL_SIZE = 7.5
_PADDING = 3

STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=6),
    # keepWithNext: a heading goes to the next page with what it heads, never left alone.
    "heading": ParagraphStyle("heading", fontName=BOLD, fontSize=11, leading=14, spaceBefore=8,
                              spaceAfter=4, keepWithNext=1),
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


def widest_word(texts: Iterable[str], font: str = FONT, size: float = CELL_SIZE) -> float:
    """The width of the longest unbreakable word (no space inside) of ``texts``: the least a
    column holding them may be, short of cutting a word."""
    words = {word for text in texts for word in text.split()}
    return max((stringWidth(word, font, size) for word in words), default=0.0)


def fit_widths(shares: Sequence[float], least: Sequence[float], usable: float,
               givers: Sequence[bool] | None = None) -> list[float]:
    """Widths for columns that take ``shares`` of ``usable``, none narrower than its ``least``:
    what the narrow ones need is taken from the room the ``givers`` (the wrap columns) have
    above their own least, then from every column's. When the least widths cannot all be
    honoured, the shares are kept."""
    total = sum(shares) or 1
    widths = [usable * s / total for s in shares]
    if sum(least) >= usable:
        return widths
    needed = sum(max(0.0, lo - w) for w, lo in zip(widths, least, strict=True))
    widths = [max(w, lo) for w, lo in zip(widths, least, strict=True)]
    for donors in (list(givers or [True] * len(shares)), [True] * len(shares)):
        room = [max(0.0, w - lo) if give else 0.0
                for w, lo, give in zip(widths, least, donors, strict=True)]
        spare = sum(room)
        if needed <= 0 or spare <= 0:
            continue
        taken = min(needed, spare)
        widths = [w - taken * r / spare for w, r in zip(widths, room, strict=True)]
        needed -= taken
    return widths


#: A grid table no taller than this moves whole to the next page rather than break when less than
#: half of it fits: a third of a scale table left at a page's foot reads as the end of it.
KEEP_TOGETHER = 250.0
#: A longer grid table breaks with at least this many rows on either side of the break.
LEAST_ROWS = 3


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
         styles: tuple[str, str] = ("label", "body"),
         extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A small ruled table across an A4 landscape page, for documents other than the register
    tables: the first row is a header, each value a wrapped Paragraph (a Flowable is kept as it
    is), ``widths`` are shares of the width and ``styles`` the header's and the cells' styles.

    No column is narrower than its longest word (a word is never cut: the shares give way), a
    short table is kept on one page and a long one breaks leaving rows on both sides."""
    header, body = styles
    texts = [[None if isinstance(c, Flowable) else display(c) for c in row] for row in rows]
    least = [max(widest_word([t for row in texts[:1] for t in row[i:i + 1] if t is not None],
                             STYLES[header].fontName, STYLES[header].fontSize),
                 widest_word([t for row in texts[1:] for t in row[i:i + 1] if t is not None],
                             STYLES[body].fontName, STYLES[body].fontSize))
             + 2 * _GRID_PADDING + 1 for i in range(len(widths))]
    usable = PAGE[0] - 2 * MARGIN
    sized = fit_widths(widths, least, usable)
    whole = [w >= lo for w, lo in zip(sized, least, strict=True)]
    cells = [[c if t is None else
              Paragraph(markup(t), _unsplit(STYLES[header if r == 0 else body], whole[i]))
              for i, (c, t) in enumerate(zip(row, text_row, strict=False))]
             for r, (row, text_row) in enumerate(zip(rows, texts, strict=True))]
    table = _Grid(cells, colWidths=sized, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *extra,
    ]))
    return table


#: reportlab's default cell padding, which ``grid`` tables keep.
_GRID_PADDING = 6


def _unsplit(style: ParagraphStyle, whole: bool) -> ParagraphStyle:
    """``style``, never cutting a word when the column is wide enough for its longest one (where
    it is not, reportlab's cutting keeps the text inside its cell)."""
    if not whole:
        return style
    key = style.name + "-whole"
    if key not in _WHOLE:
        _WHOLE[key] = ParagraphStyle(key, parent=style, splitLongWords=0)
    return _WHOLE[key]


_WHOLE: dict[str, ParagraphStyle] = {}


def _at_top(flowable: Flowable) -> bool:
    """Whether ``flowable`` is being laid out at the top of a page (reportlab's own "at top"
    flag of the frame, which it uses to drop space before the first flowable of a frame)."""
    frame = getattr(flowable, "_frame", None) or getattr(
        getattr(getattr(flowable, "canv", None), "_doctemplate", None), "frame", None)
    return bool(getattr(frame, "_atTop", True))


class _Grid(Table):  # type: ignore[misc]
    """A ``grid`` table that never leaves a few rows at the foot of a page."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._calc(availWidth, availHeight)
        if _at_top(self):  # nowhere better to go: break where it must
            parts: list[Flowable] = super().split(availWidth, availHeight)
            return parts
        if self._height <= KEEP_TOGETHER and availHeight < self._height / 2:
            # Short, and most of it would go over anyway: whole, on the next page. When half
            # of it fits, it breaks (rows on both sides) rather than leave half a page blank.
            return []
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        body = len(self._cellvalues) - 1
        here = len(parts[0]._cellvalues) - 1
        if here < LEAST_ROWS:
            return []
        if here > body - LEAST_ROWS:  # too few would go over: fewer here, never one alone
            keep = body - LEAST_ROWS
            if keep < LEAST_ROWS:
                return []
            self._calc(availWidth, availHeight)
            parts = super().split(availWidth, sum(self._rowHeights[:keep + 1]) + 0.5)
        return parts

    def break_room(self) -> float | None:
        """The least height left on a page at which this (laid out) table starts there and
        breaks; None for a table too short to break (it always moves whole)."""
        if len(self._cellvalues) - 1 < 2 * LEAST_ROWS:
            return None
        least = float(sum(self._rowHeights[:LEAST_ROWS + 1]))
        return max(least, self._height / 2 if self._height <= KEEP_TOGETHER else 0.0)


class _HeadedGrid(KeepTogether):  # type: ignore[misc]
    """A heading kept with the grid table under it. reportlab keeps the two whole, so a table
    that could break moved to the next page with its heading and left half a page blank; here
    the heading stays wherever the table's own rules let it start and break."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        grid = self._content[-1]
        room = grid.break_room()
        if self._H > aH and room is not None and aH - (self._H - grid._height) >= room:
            return list(self._content)
        parts: list[Flowable] = super().split(aW, aH)
        return parts


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """reportlab's page layout, with a heading over a grid table kept as ``_HeadedGrid``."""

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        first: Any = flowables[0] if flowables else None
        super().handle_keepWithNext(flowables)
        kept: Any = flowables[0] if flowables else None
        if (kept is not first and type(kept) is KeepTogether
                and isinstance(kept._content[-1], _Grid)):
            flowables[0] = _HeadedGrid(kept._content)


def page_size(columns: Sequence[Column]) -> PageSize:
    """The page a table of ``columns`` is printed on by its columns alone (the spreadsheet
    prints on the same); a table whose words cannot fit A4 goes on A3 even so (``_Layout``)."""
    return WIDE_PAGE if is_wide(columns) else PAGE


def title_block(title: str, generated: datetime, marking: str,
                document_control: Sequence[tuple[str, str]],
                page: PageSize = PAGE) -> list[Flowable]:
    """The title and document-control table that open page 1. The document's date comes first
    ("As at DAY" for a document dated by a day, "Generated DAY TIME" for one of a moment),
    unless the document control already states it."""
    label, value = dated(generated)
    given = {str(k) for k, _ in document_control}
    pairs: list[tuple[str, str]] = [] if label in given else [(label, value)]
    if marking:
        pairs.append(("Protective marking", marking))
    pairs.extend((str(k), display(v)) for k, v in document_control)
    values = page[0] - 2 * MARGIN - 55 * mm
    # A value's words are cut only if one is wider than the whole column (a pasted URL).
    whole = widest_word((v for _, v in pairs), FONT, STYLES["body"].fontSize) < values - 13
    rows = [[Paragraph(markup(k), STYLES["label"]),
             Paragraph(markup(v), _unsplit(STYLES["body"], whole))] for k, v in pairs]
    control = Table(rows, colWidths=[55 * mm, values], hAlign="LEFT")
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
    doc = _Document(
        buffer, pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm, bottomMargin=MARGIN + 6 * mm,
        title=title, author=producer(), creator=producer(), subject=marking, invariant=1,
        keywords=keywords,
    )
    # No padding inside the frame: its width is the page less the margins, which every table
    # is sized to. (reportlab's default 6 pt padding left tables 12 pt too wide, and it centres
    # a flowable wider than the frame, so pieces of one table stood 6 pt apart.)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
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
    """Write ``report`` to ``path`` as a PDF; returns the number of table rows written.

    The rows are read once into their texts first: the columns are sized from what they hold
    (every column at least as wide as its longest word), which is known only at the end."""
    total = report.row_count or 0
    texts: list[_Texts] = []
    for values in report.rows:
        texts.append(_texts(values, len(report.columns)))
        if progress and len(texts) % CHUNK_ROWS == 0:
            progress("reading rows", len(texts), total)
    layout = _Layout(report.columns, *_measure(texts, len(report.columns)))
    story = title_block(report.title, report.generated, report.marking,
                        report.document_control, layout.page)
    count = len(texts)
    for start in range(0, count, CHUNK_ROWS):
        rows = [layout.row(*row) for row in texts[start:start + CHUNK_ROWS]]
        story.append(_Chunk(layout, rows, headed=start == 0))
        if progress:
            progress("laying out PDF", min(start + CHUNK_ROWS, count), total)
    del texts
    if count == 0:
        story.append(_Chunk(layout, [], headed=True))
        story.append(para("No entries."))
    for note in report.notes:
        story.append(para(note))
    head = next((str(v) for k, v in report.document_control if k == LOG_HEAD_LABEL), "")
    build_pdf(path, story, title=report.title, marking=report.marking,
              generated=report.generated, page=layout.page, keywords=head)
    return count


#: One row as text: each cell's text, and its marked cells as (column, fill).
_Texts = tuple[list[str], list[tuple[int, str]]]


def _texts(values: Sequence[Any], width: int) -> _Texts:
    texts = [display(v) for v in values[:width]]
    texts += [""] * (width - len(texts))
    marks = [(i, v.fill) for i, v in enumerate(values[:width]) if isinstance(v, Marked)]
    return texts, marks


def _measure(texts: list[_Texts], width: int) -> tuple[list[float], list[float]]:
    """Per column, the width of its longest word and of its longest text on one line (the
    text with the most characters stands for it: measuring every cell would cost more than
    the difference is worth)."""
    widest, longest = [], []
    for i in range(width):
        column = [row[0][i] for row in texts]
        widest.append(widest_word(column))
        text = max(column, key=len, default="")
        longest.append(max((stringWidth(line, FONT, CELL_SIZE) for line in text.split("\n")),
                           default=0.0))
    return widest, longest


def content_widths(widths: Sequence[float], least: Sequence[float],
                   natural: Sequence[float], shares: Sequence[float]) -> list[float]:
    """``widths`` given to what the columns hold: a column wider than its longest text on one
    line (``natural``, never under its ``least``) gives the rest to the columns whose text
    still wraps, by their shares, as far as each needs; room left over when all have what
    they need goes back by the shares, so the table keeps its full width."""
    cap = [max(lo, n) for lo, n in zip(least, natural, strict=True)]
    widths = list(widths)
    for _ in range(len(widths)):
        freed = sum(max(0.0, w - c) for w, c in zip(widths, cap, strict=True))
        widths = [min(w, c) for w, c in zip(widths, cap, strict=True)]
        wanting = [i for i, (w, c) in enumerate(zip(widths, cap, strict=True)) if w < c]
        if freed < 0.01:
            break
        if not wanting:
            total = sum(shares) or 1
            return [w + freed * s / total for w, s in zip(widths, shares, strict=True)]
        total = sum(shares[i] for i in wanting) or 1
        for i in wanting:
            widths[i] += freed * shares[i] / total
    return widths


#: A table cell: plain text (cheap) or a Paragraph (wraps).
Cell = Any
#: A row as laid out: its cells, and its marked cells as (column, fill).
_Row = tuple[list[Cell], list[tuple[int, str]]]

#: The least a cell's text is shrunk to, on A3, before a word would have to be cut.
MIN_CELL_SIZE = 5.5
#: A cell's line height, for its text size.
_LEADING = 9.2 / CELL_SIZE


class _Layout:
    """The page, the cell text size and the column widths of one table, chosen from what the
    columns hold: each column at least as wide as its longest word (header included), on A4,
    else A3, else in smaller type, before any word is cut; then how each value becomes a cell.
    Every piece of the table uses the one layout, so it reads as one table on every page."""

    def __init__(self, columns: Sequence[Column], widest: Sequence[float],
                 longest: Sequence[float] | None = None) -> None:
        self.columns = columns
        needs = [max(w, widest_word([c.header], BOLD),
                     stringWidth("0000-00-00", FONT, CELL_SIZE) if c.kind == "date" else 0.0)
                 for c, w in zip(columns, widest, strict=True)]
        # +1: reportlab wraps a word that fills the cell to the last hundredth of a point.
        spare = 2 * _PADDING + 1
        self.page, self.size = page_size(columns), CELL_SIZE
        pages = [self.page] if self.page == WIDE_PAGE else [PAGE, WIDE_PAGE]
        for self.page in pages:
            if sum(needs) + spare * len(needs) <= self.page[0] - 2 * MARGIN:
                break
        else:
            room = self.page[0] - 2 * MARGIN - spare * len(needs)
            self.size = max(MIN_CELL_SIZE, CELL_SIZE * room / (sum(needs) or 1))
        scale = self.size / CELL_SIZE
        usable = self.page[0] - 2 * MARGIN
        least = [n * scale + spare for n in needs]
        shares = [c.width for c in columns]
        natural = least if longest is None else [
            max(lo, n * scale + spare) for lo, n in zip(least, longest, strict=True)]
        # A column that does not wrap by design (a status, a name, "Yes, special category")
        # keeps its text on one line where the page allows: the wrap columns give way.
        single = [max(lo, min(n, usable / 6)) if not c.wrap else lo
                  for c, lo, n in zip(columns, least, natural, strict=True)]
        floor = single if sum(single) <= usable else least
        self.widths = content_widths(
            fit_widths(shares, floor, usable, [c.wrap for c in columns]),
            least, natural, shares)
        whole = [w >= lo for w, lo in zip(self.widths, least, strict=True)]
        leading = self.size * _LEADING
        self._styles = {
            (name, ok): ParagraphStyle(f"{name}-{ok}", fontName=BOLD if name == "head" else FONT,
                                       fontSize=self.size, leading=leading,
                                       textColor=colors.white if name == "white" else colors.black,
                                       splitLongWords=0 if ok else 1)
            for name in ("cell", "white", "head") for ok in (True, False)
        }
        self.whole = whole
        self.header = [Paragraph(markup(c.header), self._styles["head", ok])
                       for c, ok in zip(columns, whole, strict=True)]
        self.table_style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), self.size),
            ("LEADING", (0, 0), (-1, -1), leading),
            *_BASE_STYLE,
            # Numbers line up on the right, as figures are read.
            *(("ALIGN", (i, 0), (i, -1), "RIGHT") for i, c in enumerate(columns)
              if c.kind == "number"),
        ]

    def row(self, texts: list[str], marks: list[tuple[int, str]]) -> _Row:
        """The row's cells and its marked cells as (column, fill)."""
        white = {c for c, fill in marks if text_colour_on(fill) != "#000000"}
        cells: list[Cell] = []
        for index, (text, column, width) in enumerate(
            zip(texts, self.columns, self.widths, strict=True)
        ):
            # A plain string is far cheaper to lay out than a Paragraph; only text that needs
            # wrapping (or markup escaping for a wrap column) pays for one.
            if column.wrap or "\n" in text or (
                stringWidth(text, FONT, self.size) > width - 2 * _PADDING
            ):
                style = self._styles["white" if index in white else "cell", self.whole[index]]
                cells.append(Paragraph(markup(text), style))
            else:
                cells.append(text)
        return cells, marks


_BASE_STYLE = [
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
    goes without, so the pieces read as one table.

    It breaks between whole rows, and what is left goes on as a chunk of its own on the next
    page, under the header. A row is cut only when it is taller than a whole page; its second
    part then starts with the row's reference (its first cell) again."""

    def __init__(self, layout: _Layout, rows: list[_Row], *, headed: bool) -> None:
        super().__init__()
        self._layout = layout
        self._rows = rows
        self._always_headed = headed
        self._headed = headed
        self._table: Table | None = None

    def _make(self, headed: bool, *, cut_rows: bool = False) -> Table:
        offset = 1 if headed else 0
        data: list[list[Any]] = [list(self._layout.header)] if headed else []
        style = list(self._layout.table_style)
        if headed:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        for r, (cells, marks) in enumerate(self._rows):
            data.append(cells)
            for c, fill in marks:
                where = (c, r + offset)
                style.append(("BACKGROUND", where, where, colors.HexColor(fill)))
                style.append(("TEXTCOLOR", where, where, colors.HexColor(text_colour_on(fill))))
        return Table(data, colWidths=self._layout.widths, repeatRows=offset, style=style,
                     hAlign="LEFT", splitInRow=1 if cut_rows else 0)

    def _choose(self) -> Table:
        self._headed = self._always_headed or _at_top(self)
        self._table = self._make(self._headed)
        return self._table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        table = self._choose()
        width, height = table.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self._table or self._choose()
        offset = 1 if self._headed else 0
        parts: list[Flowable] = table.split(availWidth, availHeight)
        if len(parts) == 2:
            placed = len(parts[0]._cellvalues) - offset
            return [parts[0], _Chunk(self._layout, self._rows[placed:], headed=True)]
        if parts or not _at_top(self):
            return parts  # whole, or (nothing fits here) whole on the next page
        return self._cut_row(availWidth, availHeight)

    def _cut_row(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """At the top of a page, the first row is taller than the page: cut it (reportlab cuts
        each cell's text between lines) and go on with its second part, under the header and
        its reference, on the next page."""
        parts: list[Flowable] = self._make(True, cut_rows=True).split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        cut = len(first._cellvalues) - 2  # the header, then the rows; the last one is cut
        cells, marks = self._rows[cut]
        second = list(rest._cellvalues[1])
        if not _filled(second[0]):
            second[0] = cells[0]
        return [first, _Chunk(self._layout, [(second, marks), *self._rows[cut + 1:]],
                              headed=True)]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def _filled(cell: Any) -> bool:
    if isinstance(cell, (list, tuple)):
        return any(_filled(c) for c in cell)
    return cell not in (None, "")


# --- running header and footer --------------------------------------------------------------


def _page_decorator(title: str, marking: str, generated: datetime,
                    page: PageSize) -> Callable[[Canvas, int, int], None]:
    width, height = page
    top = height - MARGIN
    bottom = MARGIN
    stated = " ".join(dated(generated))

    def decorate(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, top, _fit(title, width * 0.7))
        canvas.setFont(BOLD, 9)
        canvas.drawRightString(width - MARGIN, top, marking)
        canvas.drawString(MARGIN, bottom, marking)
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(width / 2, bottom, f"Page {page} of {pages}")
        canvas.drawRightString(width - MARGIN, bottom, stated)
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
