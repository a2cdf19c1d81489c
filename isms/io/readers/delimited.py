"""CSV / TSV / TXT: encoding and delimiter detected once, rows streamed with the csv module."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from .base import (
    CellNote,
    CellValue,
    ColumnCutter,
    Limits,
    RowCount,
    SheetInfo,
    SourceFile,
    fail,
)
from .sniff import utf16_without_bom

_CHUNK = 1024 * 1024
_SAMPLE = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
_LATIN1_FALLBACK = "isms-cp1252-latin1"


def _latin1_for_undefined(exc: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; Windows itself maps them to the same
    # code points as latin-1, so do that rather than fail on a file Excel opens happily.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_LATIN1_FALLBACK, _latin1_for_undefined)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DelimitedSource(SourceFile):
    def __init__(
        self, path: Path, limits: Limits, head: bytes, encoding: str | None = None
    ) -> None:
        self.path = path
        self.format = "csv"
        self.limits = limits
        if encoding is None:
            self.encoding = self._detect_encoding(head)
            if self.encoding == "cp1252":
                self.warnings = _mojibake_warnings(head)
        else:
            self.encoding = self._given_encoding(encoding)
        self._errors = (_LATIN1_FALLBACK if self.encoding == "cp1252" and encoding is None
                        else "strict")
        self.delimiter = self._detect_delimiter(head)
        self.sheets = [SheetInfo(path.stem or path.name, False, None)]
        self._notes: list[CellNote] | None = None

    # -- detection -------------------------------------------------------------------------

    def _detect_encoding(self, head: bytes) -> str:
        """BOM; else UTF-16 by its NUL pattern; else strict UTF-8 over the whole file; else
        Windows-1252. The whole file is read once here (hashing it at the same time), so a file
        that is UTF-8 only in its first megabyte is not mistaken for UTF-8."""
        candidate: str | None = None
        for bom, name in _BOMS:
            if head.startswith(bom):
                candidate = name
                break
        if candidate is None:
            candidate = utf16_without_bom(head[:4096]) or "utf-8"
        decoder = codecs.getincrementaldecoder(candidate)("strict")
        digest = hashlib.sha256()
        lines = 1
        valid = True
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    if valid:
                        try:
                            decoder.decode(chunk)
                        except UnicodeDecodeError as exc:
                            if candidate == "utf-8":
                                valid = False  # not UTF-8: Windows-1252 takes any byte
                            else:
                                line = lines + chunk[: exc.start].count(b"\n")
                                fail(
                                    self.path,
                                    f"it says it is {_label(candidate)} but line {line} is not: "
                                    "save it again as CSV UTF-8 and send it again",
                                )
                        lines += chunk.count(b"\n")
                if valid:
                    try:
                        decoder.decode(b"", final=True)
                    except UnicodeDecodeError:
                        if candidate != "utf-8":
                            fail(
                                self.path,
                                f"it is cut short in the middle of a {_label(candidate)} character",
                            )
                        valid = False
        except OSError as exc:
            fail(self.path, f"the file cannot be read ({exc.strerror or exc})")
        self.sha256 = digest.hexdigest()
        return candidate if valid else "cp1252"

    def _given_encoding(self, name: str) -> str:
        """The encoding the user chose (``--encoding``), checked over the whole file."""
        try:
            encoding = codecs.lookup(name).name
        except LookupError:
            fail(self.path, f"'{name}' is not a text encoding isms knows (for example utf-8, "
                            "cp1252, mac_roman, iso8859_2)")
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        digest = hashlib.sha256()
        lines = 1
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        line = lines + chunk[: exc.start].count(b"\n")
                        fail(self.path, f"line {line} is not {_label(encoding)} text")
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            fail(self.path, f"it is cut short in the middle of a {_label(encoding)} character")
        except OSError as exc:
            fail(self.path, f"the file cannot be read ({exc.strerror or exc})")
        self.sha256 = digest.hexdigest()
        return encoding

    def _detect_delimiter(self, head: bytes) -> str:
        sample = codecs.getincrementaldecoder(self.encoding or "utf-8")(
            _LATIN1_FALLBACK if self.encoding == "cp1252" else "replace"
        ).decode(head[:_SAMPLE], final=False)
        if len(head) > _SAMPLE:  # keep whole lines only
            cut = max(sample.rfind("\n"), sample.rfind("\r"))
            if cut > 0:
                sample = sample[:cut]
        preferred = ("\t",) if self.path.suffix.lower() == ".tsv" else ()
        order = preferred + tuple(d for d in DELIMITERS if d not in preferred)
        scores = {d: _consistency(sample, d) for d in order}
        best = max(order, key=lambda d: scores[d])  # max keeps the first of equals
        try:
            sniffed = csv.Sniffer().sniff(sample[:16384], delimiters="".join(DELIMITERS)).delimiter
        except csv.Error:
            sniffed = None
        # The Sniffer is right most of the time; trust it unless its choice splits the lines
        # less consistently than another candidate does.
        if sniffed in scores and scores[sniffed] >= scores[best] > 0:
            return sniffed
        return best if scores[best] > 0 else (preferred[0] if preferred else ",")

    # -- reading ---------------------------------------------------------------------------

    def close(self) -> None:
        pass

    def _has_data(self, sheet: str) -> bool:
        return True

    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[CellValue]]]:
        self._sheet_name(sheet)
        return self._rows()

    def _rows(self) -> Iterator[tuple[int, list[CellValue]]]:
        cutter = ColumnCutter(self.limits.max_columns)
        max_columns = self.limits.max_columns
        max_rows = self.limits.max_rows
        count = RowCount(self.path, self.limits)
        number = 0
        try:
            with self.path.open(encoding=self.encoding, errors=self._errors, newline="") as fh:
                reader = csv.reader(
                    fh, delimiter=self.delimiter or ",", quotechar='"', strict=False
                )
                for number, record in enumerate(reader, 1):  # noqa: B007 - number used after
                    if number > max_rows:
                        cutter.notes.append(
                            CellNote(number, 1, f"rows after row {max_rows} were not read")
                        )
                        break
                    if "" in record:
                        values = cast(list[CellValue], [v or None for v in record])
                        while values and values[-1] is None:
                            values.pop()
                    else:
                        values = cast(list[CellValue], record)
                    if len(values) > max_columns:
                        values = cutter.cut(number, values)
                    count.take(values)
                    yield number, values
        except csv.Error as exc:
            fail(self.path, f"row {number + 1} cannot be read ({exc})")
        except UnicodeDecodeError:
            fail(self.path, f"row {number + 1} is not valid {_label(self.encoding or '')} text")
        except OSError as exc:
            fail(self.path, f"the file cannot be read ({exc.strerror or exc})")
        self._notes = cutter.notes

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        self._sheet_name(sheet)
        return []

    def notes(self, sheet: str | None = None) -> list[CellNote]:
        self._sheet_name(sheet)
        if self._notes is None:
            for _ in self._rows():
                pass
        return list(self._notes or [])


#: Encodings a file taken for Windows text may really be in, tried when its accented letters
#: read as symbols: Mac Roman (old Macs, Excel for Mac's "CSV") and the Central European and
#: Greek Windows pages (Czech, Greek departments and partners).
_ALTERNATIVES = (("mac_roman", "Mac Roman"), ("cp1250", "Central European (Windows-1250)"),
                 ("cp1253", "Greek (Windows-1253)"))


_WORD = re.compile(r"[^\W\d_]+")


#: Letters of Windows-1252 that Central European text read as Windows-1252 is full of (its ě,
#: ů, ř, Č, ň read as ì, ù, ø, È, ò) and that Western European words hardly ever hold inside a
#: word or beside an acute accent: "Oddìlení", "Støední", "Dùvìrnost".
_GRAVE_INSIDE = frozenset("ìùòÌÙÒ")
_STRANGERS = frozenset("ìùòøÌÙÒØÈ")
_ACUTE = frozenset("áéíóúýÁÉÍÓÚÝ")


def _mixed_accents(word: str) -> bool:
    """A Latin word whose accents no Western language writes together: a grave i, u or o
    before its last letter (Italian puts them last: "città", "però"), or an ø, ì, ù, ò or È
    beside an acute accent. French è with é ("élève") is left alone."""
    letters = set(word)
    return bool(letters & _GRAVE_INSIDE and set(word[:-1]) & _GRAVE_INSIDE) or bool(
        letters & _STRANGERS and letters & _ACUTE)


def _plausibility(text: str) -> int:
    """How much ``text`` reads like words: each word with letters beyond ASCII counts +1 when
    those letters sit in it as they do in real text (one script; in Latin script, mostly plain
    letters with a few accented ones, as in "café" or "Müller"), -1 when they do not (symbols
    inside a word, or "Ìçôñþï", Greek read as Windows-1252)."""
    score = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        scripts = {"LATIN" if c.isascii() else unicodedata.name(c, "?").split()[0]
                   for c in word}
        latin = scripts <= {"LATIN"}
        mostly_accented = sum(not c.isascii() for c in word) > len(word) / 2
        score += (1 if len(scripts) == 1 and not (latin and mostly_accented)
                  and not (latin and _mixed_accents(word)) else -1)
    # Symbols where letters belong (Mac Roman's é read as Windows' "Ž" stays a letter, but its
    # è reads as a control character and its ü as "Ÿ" between letters...).
    score -= sum(1 for i in range(1, len(text) - 1)
                 if not text[i].isascii() and not text[i].isalpha()
                 and text[i - 1].isalpha() and text[i + 1].isalpha())
    return score


def _mojibake_warnings(head: bytes) -> tuple[str, ...]:
    """A warning when the start of a file read as Windows-1252 reads better in another
    encoding, naming it and how to choose it; nothing when Windows-1252 reads as well."""
    sample = head[:_SAMPLE]
    if sample.isascii():
        return ()
    as_windows = _plausibility(sample.decode("cp1252", _LATIN1_FALLBACK))
    best: tuple[int, str, str] | None = None
    for codec, label in _ALTERNATIVES:
        score = _plausibility(sample.decode(codec, "replace"))
        if score >= as_windows + 3 and (best is None or score > best[0]):
            best = (score, codec, label)
    if best is None:
        return ()
    return (f"the text reads as Windows-1252, but its accented letters look garbled that way; "
            f"it reads as {best[2]} text: import it with --encoding {best[1]} (or save it "
            "again as CSV UTF-8)",)


def _label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding.upper())


def _consistency(sample: str, delimiter: str) -> float:
    """How well ``delimiter`` splits the first lines into one column count (0 when it never
    splits a line): the share of lines that have the most common count."""
    counts: list[int] = []
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False):
            if record:
                counts.append(len(record))
            if len(counts) >= 50:
                break
    except csv.Error:
        return 0.0
    if not counts:
        return 0.0
    columns, hits = Counter(counts).most_common(1)[0]
    if columns < 2:
        return 0.0
    return hits / len(counts)
