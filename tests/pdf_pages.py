"""Read an exported PDF back as a reader sees it, page by page, and check it can be handed over.

``pdf_pages`` is what ``pdftotext -layout`` prints, one string a page (it separates pages with a
form feed). ``assert_not_split`` fails when a reference, marking or word is cut inside (the cell
was too narrow, so the line ends with "R-000" and the next one goes on with "7"), and
``assert_pdf_sound`` runs ``qpdf --check`` on the file's structure.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

#: Characters around a word that are not part of it ("(R-0007)," is the reference R-0007).
_PUNCTUATION = ",.;:()[]{}\"'"


def pdf_pages(path: Path | str) -> list[str]:
    """The text of each page of the PDF at ``path``, laid out as printed (``pdftotext -layout``)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return pages


def _word(text: str) -> str:
    return text.strip(_PUNCTUATION)


def _prefixes(tokens: Iterable[str]) -> dict[str, set[str]]:
    """Each proper prefix (of two characters or more) of every token -> the tokens it starts."""
    found: dict[str, set[str]] = {}
    for token in tokens:
        for end in range(2, len(token)):
            found.setdefault(token[:end], set()).add(token)
    return found


#: A run of text on a line: pdftotext -layout puts two spaces or more between table columns.
_SEGMENT = re.compile(r"\S+(?: \S+)*")


def _segments(line: str) -> list[tuple[int, list[str]]]:
    """The runs of text of a line as (column where it starts, its words)."""
    return [(m.start(), m.group().split()) for m in _SEGMENT.finditer(line)]


def split_words(pages: list[str], tokens: Iterable[str], whole: Iterable[str] = ()) -> list[str]:
    """Where one of ``tokens`` is cut across lines: "page P: 'R-000' + '7' (R-0007)" for each
    run of text (a cell's line) that ends with only the start of a token, when a run starting
    in the same column on one of the next two lines begins with the rest of it (or, cut again,
    with more of it). A word of ``whole`` (or a token itself) never counts as a start. Nothing
    is asked of tokens that do not appear: this is the check for a vocabulary larger than the
    document."""
    wanted = {_word(t) for t in tokens} - {""}
    known = wanted | {_word(w) for w in whole}
    starts = _prefixes(wanted)
    problems: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines = [_segments(line) for line in page.splitlines()]
        for index, runs in enumerate(lines):
            for column, words in runs:
                raw = words[-1]
                head = _word(raw) if not raw.endswith("-") else raw.lstrip(_PUNCTUATION)
                if head in known or head not in starts:
                    continue
                following = [_word(later[0]) for below in lines[index + 1:index + 3]
                             for at, later in below if abs(at - column) <= 3]
                for token in sorted(starts[head]):
                    rest = token[len(head):]
                    # The next line goes on with the rest, or (cut again) with more of it.
                    tail = next((w for w in following
                                 if w == rest or (len(w) > 1 and rest.startswith(w))), None)
                    if tail is not None:
                        problems.append(f"page {number}: {head!r} + {tail!r} ({token})")
    return problems


def assert_not_split(pages: list[str], tokens: Iterable[str]) -> None:
    """Every one of ``tokens`` (references, markings, words) appears whole on some line of the
    document, and no line holds only a fragment of one that the next line goes on with."""
    tokens = [t for t in {_word(t) for t in tokens} if t]
    lines = {_word(w) for page in pages for line in page.splitlines() for w in line.split()}
    text = "\n".join(pages)
    missing = sorted(t for t in tokens if t not in lines and t not in text)
    problems = split_words(pages, tokens)
    assert not missing and not problems, (
        f"never whole on a line: {missing[:20]}; split across lines: {problems[:20]}"
    )


def assert_pdf_sound(path: Path | str) -> None:
    """``qpdf --check`` finds no structural error in the PDF at ``path``."""
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"qpdf --check {path}: {result.stdout}{result.stderr}"
    assert "No syntax or stream encoding errors found" in result.stdout, result.stdout


def words_of(values: Iterable[object]) -> set[str]:
    """The words of some cell values, as ``assert_not_split`` takes them."""
    return {w for value in values if value is not None for w in
            (_word(x) for x in str(value).split()) if w}
