"""Fuzzing the readers: whatever the bytes, the only outcomes are rows or an ImportFormatError.

Never another exception, never a hang (each example has a deadline), never a crash of the process
(calamine aborts on absurd grids: the checks in front of it must catch them first). Inputs that
once broke a reader are kept in tests/fixtures/readers/crashers/ and replayed here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from isms.errors import ImportFormatError
from isms.io.readers import Limits, open_source

from .files import FIXTURES, xlsx

# A longer, random campaign: ISMS_FUZZ_EXAMPLES=20000 pytest tests/unit/io/test_readers_fuzz.py
_CAMPAIGN = int(os.environ.get("ISMS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_CAMPAIGN or 120,
    deadline=dt.timedelta(seconds=10),
    derandomize=not _CAMPAIGN,  # the same examples on every ordinary run: CI must not flake
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".xls", ".ods", ".txt", ".xlsb")
LIMITS = Limits(max_file_bytes=5 * 1024**2, max_uncompressed_bytes=64 * 1024**2)
CRASHERS = FIXTURES / "crashers"


def exercise(path: Path) -> None:
    """Open and read everything; allow only success or ImportFormatError."""
    try:
        with open_source(path, limits=LIMITS) as source:
            source.default_sheet()
            for sheet in source.sheets:
                for _number, values in source.rows(sheet.name):
                    assert len(values) <= LIMITS.max_columns
                source.notes(sheet.name)
                source.merged_ranges(sheet.name)
    except ImportFormatError as exc:
        message = str(exc)
        assert message.startswith(f"Cannot read {path.name}") or path.name in message
        assert "\n" not in message


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@cache
def small_workbook() -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = xlsx(
            Path(tmp) / "w.xlsx",
            {
                "Assets": [
                    ["Title"],
                    [],
                    ["Ref", "Name", "C"],
                    ["A-1", "Laptop", 3],
                    ["A-2", "=B4", 2.5],
                ],
                "Hidden": [["x"]],
            },
            merged={"Assets": ["A1:C1"]},
            hidden={"Hidden": "hidden"},
        )
        return path.read_bytes()


def _write(work: Path, name: str, data: bytes) -> Path:
    path = work / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from(EXTENSIONS))
@example(data=b"PK\x03\x04", ext=".xlsx")
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ext=".xls")
@example(data=b"\xff\xfe", ext=".csv")
@example(data=b"\x00\x00\x00", ext=".csv")
def test_arbitrary_bytes(work: Path, data: bytes, ext: str) -> None:
    exercise(_write(work, "any" + ext, data))


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
    ext=st.sampled_from((".xlsx", ".csv", ".xls")),
)
def test_mutated_xlsx_bytes(
    work: Path, flips: list[tuple[int, int]], cut: int | None, ext: str
) -> None:
    data = bytearray(small_workbook())
    for pos, mask in flips:
        data[pos % len(data)] ^= mask
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    exercise(_write(work, "mutated" + ext, bytes(data)))


_XML_BITS = [
    b'<c r="',
    b'"',
    b">",
    b"/>",
    b"</c>",
    b"<v>",
    b"</v>",
    b"<row",
    b' r="',
    b"</row>",
    b"<f>",
    b"</f>",
    b"XFD",
    b"A",
    b"ZZZZ",
    b"1048576",
    b"99999999999",
    b"0",
    b"7",
    b"<is><t>",
    b"</t></is>",
    b' t="s"',
    b' t="str"',
    b' t="e"',
    b' t="b"',
    b"<x:c",
    b"&amp;",
    b"&lol;",
    b"<!DOCTYPE x>",
    b'<mergeCell ref="',
    b":",
    b" ",
    b"\n",
    b"<c>",
    b"<c/>",
    b"\x00",
    b"\xff",
]


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(0, 40),
            st.lists(st.sampled_from(_XML_BITS), max_size=6),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_sheet_xml_in_a_valid_zip(
    work: Path, edits: list[tuple[int, int, list[bytes]]]
) -> None:
    """The zip stays valid, so the sheet scanner and calamine see the damaged XML itself."""
    with zipfile.ZipFile(io.BytesIO(small_workbook())) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    xml = members["xl/worksheets/sheet1.xml"]
    for pos, length, bits in edits:
        at = pos % (len(xml) + 1)
        xml = xml[:at] + b"".join(bits) + xml[at + length :]
    members["xl/worksheets/sheet1.xml"] = xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    exercise(_write(work, "xml.xlsx", buf.getvalue()))


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list('abcé£–,;\t|"\r\n \x00\x81')) | st.characters(), max_size=400
    ),
    encoding=st.sampled_from(("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "latin-1")),
    ext=st.sampled_from((".csv", ".tsv", ".txt", ".xls")),
)
def test_mutated_csv_text(work: Path, text: str, encoding: str, ext: str) -> None:
    data = text.encode(encoding, errors="replace")
    exercise(_write(work, "text" + ext, data))


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=6),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_mutated_xls_bytes(work: Path, flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray((FIXTURES / "departments.xls").read_bytes())
    for pos, mask in flips:
        # Most of the file is padding: aim half the flips at the BIFF records themselves.
        data[(pos % 2600 + 512) if mask & 1 else pos % len(data)] ^= mask
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    exercise(_write(work, "mutated.xls", bytes(data)))


@pytest.mark.parametrize(
    "path", sorted(CRASHERS.glob("*")) if CRASHERS.exists() else [], ids=lambda p: p.name
)
def test_inputs_that_once_crashed_a_reader(path: Path, work: Path) -> None:
    exercise(_write(work, path.name, path.read_bytes()))
