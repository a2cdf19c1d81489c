"""The risk-method PDF is generated from the register's own criteria and handling rules (the
writer alone, given hand-made data, is tested in tests/unit/io/test_document_writers.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import fp_str

from isms.db import Register
from isms.services.documents.render import write_method
from isms.services.read.queries import current_criteria
from tests.unit.io.test_pdf_report import qpdf_check

GENERATED = datetime(2026, 3, 2, 9, 0)


def _fill_operator(colour: str) -> bytes:
    """How reportlab sets ``colour`` as the fill colour in a content stream."""
    c = HexColor(colour)
    return (fp_str(c.red, c.green, c.blue) + " rg").encode()


def test_method_pdf_matches_the_criteria(register: Register, tmp_path: Path) -> None:
    path = tmp_path / "method.pdf"
    with register.session() as s:
        write_method(s, path, GENERATED)
        criteria = current_criteria(s)
    qpdf_check(path)
    reader = PdfReader(path)
    pages = len(reader.pages)
    texts = [p.extract_text() for p in reader.pages]
    text = "\n".join(texts)
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in page and "OFFICIAL" in page
    assert texts[0].startswith("Risk assessment method")
    assert "Risk criteria version" in texts[0]
    for point in (*criteria.likelihood, *criteria.impact):
        assert point.label in text
    for area in criteria.impact_areas:
        assert area.capitalize()[:12] in text
    for level in criteria.levels:
        assert level.name in text
        assert f"{criteria.cadence_days[level.name]} days" in text
    assert f"Risk appetite: {criteria.appetite}" in text
    assert f"every {criteria.attestation_days} days" in text
    # The matrix: its top-right cell (highest likelihood x highest impact) and colours.
    top = len(criteria.likelihood) * len(criteria.impact)
    assert f"{criteria.level(len(criteria.likelihood), len(criteria.impact)).name} ({top})" \
        in text
    content = b"".join(p.get_contents().get_data() for p in reader.pages)
    for level in criteria.levels:
        assert _fill_operator(level.colour) in content, level.name
    for code in (f"HR-0{n}" for n in range(1, 10)):
        assert code in text


def test_method_pdf_same_bytes(register: Register, tmp_path: Path) -> None:
    with register.session() as s:
        write_method(s, tmp_path / "a.pdf", GENERATED)
        write_method(s, tmp_path / "b.pdf", GENERATED)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
