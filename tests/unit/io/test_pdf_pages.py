"""The page checker itself (tests/pdf_pages.py): it sees a word cut by a narrow column, and
passes the same words laid out whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table  # type: ignore[import-untyped]

from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages, split_words

WORDS = ["R-0007", "accepted", "OFFICIAL-SENSITIVE"]


def _pdf(path: Path, width: float) -> Path:
    style = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10)
    rows = [[Paragraph(w, style), Paragraph("next column", style)] for w in WORDS]
    SimpleDocTemplate(str(path), pagesize=A4).build([Table(rows, colWidths=[width, 200])])
    return path


def test_a_word_cut_by_a_narrow_column_is_found(tmp_path: Path) -> None:
    pages = pdf_pages(_pdf(tmp_path / "narrow.pdf", 30))
    assert len(pages) == 1
    problems = split_words(pages, WORDS)
    assert any("(OFFICIAL-SENSITIVE)" in p for p in problems), problems
    assert any("(accepted)" in p for p in problems), problems
    with pytest.raises(AssertionError, match="OFFICIAL-SENSITIVE"):
        assert_not_split(pages, WORDS)


def test_whole_words_pass_and_the_file_is_sound(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "wide.pdf", 120)
    assert_pdf_sound(path)
    pages = pdf_pages(path)
    assert_not_split(pages, [*WORDS, "next", "column"])
    with pytest.raises(AssertionError, match="never whole"):
        assert_not_split(pages, ["R-0008"])


def test_a_broken_file_fails_the_structure_check(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "cut.pdf", 120)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(AssertionError):
        assert_pdf_sound(path)
