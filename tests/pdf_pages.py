"""Read an exported PDF back as a reader sees it, page by page, and check it can be handed over.

``pdf_pages`` is what ``pdftotext -layout`` prints, one string a page (it separates pages with a
form feed). ``assert_not_split`` fails when a reference, marking or word is cut inside (the cell
was too narrow, so the line ends with "R-000" and the next one goes on with "7"), and
``assert_pdf_sound`` runs ``qpdf --check`` on the file's structure.
"""

from __future__ import annotations

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


def split_words(pages: list[str], tokens: Iterable[str]) -> list[str]:
    """Where one of ``tokens`` is cut across lines: "page P: 'R-000' + '7' (R-0007)" for each
    word on a line that is only the start of a token (and no token itself), whose rest starts a
    word on one of the next two lines."""
    wanted = {_word(t) for t in tokens} - {""}
    starts = _prefixes(wanted)
    problems: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        for index, line in enumerate(lines):
            for raw in line.split():
                head = _word(raw) if not raw.endswith("-") else raw.lstrip(_PUNCTUATION)
                if head in wanted or head not in starts:
                    continue
                following = [_word(w) for later in lines[index + 1:index + 3]
                             for w in later.split()]
                for token in sorted(starts[head]):
                    rest = token[len(head):]
                    tail = next((w for w in following
                                 if w and (rest.startswith(w) or w.startswith(rest))), None)
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
