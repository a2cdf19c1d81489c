"""Pages that can be handed over (issue 17, 10): no word, reference or marking cut inside, a
table that goes on across pages aligned under its header with a split row's reference
repeated, short tables kept whole, and "As at" on documents dated by a day."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.platypus import Spacer  # type: ignore[import-untyped]

from isms.io.exports.pdf_report import build_pdf, grid, para, title_block, write_pdf
from isms.io.exports.report import Column, Marked, Report
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages, words_of

AS_OF = datetime(2026, 12, 7)  # midnight: a document dated by its day (--as-of)


def _register_like(rows: int = 60) -> Report:
    """The risk register's shape: many narrow columns beside a few wrap columns, holding the
    words the issue found cut: "R-0007", "accepted", "OFFICIAL-SENSITIVE", "in treatment"."""
    columns = [Column("Ref", 6), Column("Title", 30, wrap=True), Column("Department", 8),
               Column("Owner", 12), Column("Assets", 14, wrap=True),
               Column("Threat / vulnerability", 26, wrap=True),
               *(Column(f"{stage} {part}", 5, "number")
                 for stage in ("Inherent", "Current", "Residual")
                 for part in ("likelihood", "impact", "score")),
               Column("Level", 7), Column("Treatment", 7), Column("Marking", 8),
               Column("Status", 7), Column("Next review", 9, "date"),
               Column("Acceptance", 20, wrap=True)]
    body = [[f"R-{k:04d}", f"Unauthorised disclosure of safeguarding case files number {k}",
             "ASC", "Michelle Collins", "ASC-0017, ASC-0011",
             "Misdirected e-mail or post / Ordinary e-mail used for sensitive transfers",
             4, 5, 20, 3, 5, 15, 2, 5, 10, Marked("Very high", "#c62828"), "modify",
             "OFFICIAL-SENSITIVE", "in treatment" if k % 2 else "accepted",
             date(2027, 1, 1 + k % 28),
             "Accepted by Vikram Fletcher on 2025-12-19 until 2026-12-19"] for k in range(rows)]
    return Report("Risk register - Adult Social Care", columns, body, AS_OF, rows,
                  [("Scope", "Adult Social Care")], "OFFICIAL-SENSITIVE")


def test_no_word_reference_or_marking_is_cut_in_narrow_columns(tmp_path: Path) -> None:
    report = _register_like()
    rows = [list(r) for r in report.rows]
    path = tmp_path / "register.pdf"
    write_pdf(Report(report.title, report.columns, rows, report.generated, len(rows),
                     report.document_control, report.marking), path)
    assert_pdf_sound(path)
    pages = pdf_pages(path)
    tokens = words_of(v.value if isinstance(v, Marked) else v for row in rows for v in row)
    tokens |= words_of(c.header for c in report.columns)
    assert {"R-0007", "accepted", "OFFICIAL-SENSITIVE", "treatment"} <= tokens
    assert_not_split(pages, tokens)


def _x_positions(path: Path, words: tuple[str, ...]) -> list[dict[str, float]]:
    """Per page, the left edge of each of ``words`` where it first appears on the page."""
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    found: list[dict[str, float]] = []
    for page in xml.split("<page ")[1:]:
        at: dict[str, float] = {}
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            if word in words and word not in at:
                at[word] = float(x)
        found.append(at)
    return found


def _tall_rows(n: int) -> list[list[Any]]:
    """Rows of one to three dozen lines: several to a page, one taller than a page."""
    rows: list[list[Any]] = []
    for k in range(1, n + 1):
        lines = 900 if k == 9 else 30 + (k * 7) % 40
        text = " ".join(f"line{j} of control {k}." for j in range(lines))
        rows.append([f"5.{k}", "Policies for information security", text, "implemented"])
    return rows


def test_a_table_goes_on_across_pages_aligned_and_a_split_row_repeats_its_reference(
        tmp_path: Path) -> None:
    columns = [Column("Control", 8), Column("Title", 20, wrap=True),
               Column("Implementation", 60, wrap=True), Column("Status", 12)]
    rows = _tall_rows(20)
    path = tmp_path / "tall.pdf"
    write_pdf(Report("Statement of Applicability", columns, rows, AS_OF, len(rows),
                     marking="OFFICIAL"), path)
    assert_pdf_sound(path)
    pages = pdf_pages(path)
    assert len(pages) > 4
    header = ("Control", "Implementation", "Status")
    positions = _x_positions(path, header)
    for number, (page, at) in enumerate(zip(pages, positions, strict=True), start=1):
        # The header once a page, above every row, at the same place on every page: one table.
        assert len(re.findall(r"Control +Title +Implementation +Status", page)) == 1, number
        assert at == positions[0], (number, at, positions[0])
        body = page.split("Status", 1)[1]
        first = next(line for line in body.splitlines() if line.strip())
        # The first row under the header names its control, also when it goes on from the
        # page before.
        assert re.match(r"\s*5\.\d+\b", first), (number, first)
    # Only the row taller than a page is split: every other row is whole on one page.
    for k in range(1, 21):
        on = [n for n, page in enumerate(pages) if f"line0 of control {k}." in page]
        ends = [n for n, page in enumerate(pages)
                if re.search(rf"line\d+ of control {k}\.\s*$", page, re.M)]
        if k != 9:
            assert len(set(on + ends)) == 1, (k, on, ends)
    tall = [n for n, page in enumerate(pages) if "of control 9." in page]
    assert len(tall) > 1
    for n in tall:
        assert re.search(r"^\s*5\.9\b", pages[n], re.M), n


def test_a_short_grid_table_is_not_broken_across_pages(tmp_path: Path) -> None:
    """The method's impact table broke after two rows, leaving the rest to the next page."""
    rows = [("Value", "Impact", "Description", "Finance")]
    rows += [(k, f"Level {k}", "A critical service lost for days; cost over two million "
              "pounds; national media coverage; enforcement likely", f"over {k} million")
             for k in range(1, 6)]
    story = title_block("Method", AS_OF, "OFFICIAL", [("Owner", "Sam Siro")])
    story += [Spacer(1, 300), para("Impact scale"), grid(rows, (1, 2, 8, 3))]
    path = tmp_path / "grid.pdf"
    build_pdf(path, story, title="Method", marking="OFFICIAL", generated=AS_OF)
    pages = pdf_pages(path)
    holding = [n for n, page in enumerate(pages) if "Level" in page]
    assert len(holding) == 1, holding
    assert all(f"Level {k}" in pages[holding[0]] for k in range(1, 6))


def test_documents_dated_by_a_day_say_as_at_never_midnight(tmp_path: Path) -> None:
    path = tmp_path / "as-at.pdf"
    write_pdf(Report("Risk register", [Column("Ref", 8)], [["R-0001"]], AS_OF, 1,
                     marking="OFFICIAL"), path)
    [page] = pdf_pages(path)
    assert "00:00" not in page and "Generated" not in page
    assert page.count("As at 2026-12-07") >= 1  # the footer
    assert re.search(r"As at\s+2026-12-07", page.split("R-0001")[0])  # the title block
    moment = tmp_path / "moment.pdf"
    write_pdf(Report("Minutes", [Column("Ref", 8)], [["R-0001"]],
                     datetime(2026, 12, 7, 14, 5), 1, marking="OFFICIAL"), moment)
    [page] = pdf_pages(moment)
    assert "Generated 2026-12-07 14:05" in page and "As at" not in page


def test_a_heading_goes_to_the_next_page_with_its_table(tmp_path: Path) -> None:
    rows = [("Value", "Likelihood", "Description")]
    rows += [(k, f"Rating {k}", "Might occur once in a few years") for k in range(1, 6)]
    story = title_block("Method", AS_OF, "OFFICIAL", [("Owner", "Sam Siro")])
    story += [Spacer(1, 330), para("Likelihood scale", "heading"), grid(rows, (1, 3, 14))]
    path = tmp_path / "heading.pdf"
    build_pdf(path, story, title="Method", marking="OFFICIAL", generated=AS_OF)
    pages = pdf_pages(path)
    [page] = [n for n, page in enumerate(pages) if "Likelihood scale" in page]
    assert all(f"Rating {k}" in pages[page] for k in range(1, 6))


def test_a_table_too_wide_for_a3_gets_smaller_type_rather_than_cut_words(
        tmp_path: Path) -> None:
    columns = [Column(f"Department {k}", 5) for k in range(16)]
    rows = [["OFFICIAL-SENSITIVE"] * 16 for _ in range(3)]
    path = tmp_path / "wide.pdf"
    write_pdf(Report("Markings by department", columns, rows, AS_OF, 3,
                     marking="OFFICIAL-SENSITIVE"), path)
    pages = pdf_pages(path)
    assert_not_split(pages, ["OFFICIAL-SENSITIVE", "Department"])
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    assert 'width="1190.' in xml  # A3 landscape
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">OFFICIAL-SENSITIVE<',
        xml)]
    # The cells' text is smaller than the 7.5 pt of a table that fits (the running header's
    # marking is 9 pt).
    assert min(heights) < 7.5 * 1.1, heights


def test_a_headed_table_half_of_which_fits_starts_under_its_heading(tmp_path: Path) -> None:
    """A heading over a table that could break took the whole table to the next page (as
    reportlab keeps a heading and what follows together), leaving half a page blank."""
    rows = [("Input", "What the register held")]
    rows += [(f"Input {k}", "Risk assessment: live risks by current level, actions open and "
              "done, acceptances in force and expiring") for k in range(1, 13)]
    story = title_block("Minutes", AS_OF, "OFFICIAL", [("Chair", "Sam Siro")])
    story += [Spacer(1, 200), para("Management review inputs", "heading"),
              grid(rows, (4, 16))]
    path = tmp_path / "headed.pdf"
    build_pdf(path, story, title="Minutes", marking="OFFICIAL", generated=AS_OF)
    pages = pdf_pages(path)
    assert len(pages) == 2, len(pages)
    first = re.findall(r"\bInput (\d+)\b", pages[0])
    later = re.findall(r"\bInput (\d+)\b", pages[1])
    assert "Management review inputs" in pages[0]
    assert len(first) >= 3 and len(later) >= 3, (first, later)  # rows on both sides
    assert sorted(map(int, first + later)) == list(range(1, 13))
    assert "What the register held" in pages[1]  # the header repeated


def test_a_grid_table_never_leaves_fewer_than_three_rows_for_the_next_page(
        tmp_path: Path) -> None:
    """When all but one or two rows fit, fewer stay on the page (the whole table used to go
    over, leaving the page blank under the title)."""
    rows = [("Value", "Description")] + [(f"Row {k}", "A line of text") for k in range(1, 21)]
    story = title_block("Method", AS_OF, "OFFICIAL", [("Owner", "Sam Siro")])
    story += [Spacer(1, 60), grid(rows, (1, 8))]
    path = tmp_path / "tail.pdf"
    build_pdf(path, story, title="Method", marking="OFFICIAL", generated=AS_OF)
    pages = pdf_pages(path)
    counts = [len(re.findall(r"\bRow \d+\b", page)) for page in pages]
    assert counts == [17, 3], counts
