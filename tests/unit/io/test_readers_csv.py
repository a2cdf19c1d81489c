"""Delimited text: encodings, delimiters, quoting and line endings as departments send them."""

from __future__ import annotations

from pathlib import Path

import pytest

from isms.io.readers import CellNote, Limits, open_source


def _read(path: Path, data: bytes) -> tuple[str | None, str | None, list[tuple[int, list[object]]]]:
    path.write_bytes(data)
    with open_source(path) as source:
        assert source.format == "csv"
        assert [s.name for s in source.sheets] == [path.stem]
        assert source.sheets[0].rows is None
        return source.encoding, source.delimiter, list(source.rows())


def test_utf8_with_bom(tmp_path: Path) -> None:
    data = "Ref,Name,Owner\r\nA-1,Café,Zoë\r\n".encode("utf-8-sig")
    assert _read(tmp_path / "a.csv", data) == (
        "utf-8-sig",
        ",",
        [(1, ["Ref", "Name", "Owner"]), (2, ["A-1", "Café", "Zoë"])],
    )


def test_utf8_without_bom(tmp_path: Path) -> None:
    data = "Ref,Name\nA-1,Café – £5\n".encode()
    assert _read(tmp_path / "a.csv", data) == (
        "utf-8",
        ",",
        [(1, ["Ref", "Name"]), (2, ["A-1", "Café – £5"])],
    )


def test_windows_1252_with_semicolons(tmp_path: Path) -> None:
    data = "Réf;Nom;Coût\r\nA-1;Café;£5 – 10\r\nA-2;Crème brûlée;\r\n".encode("cp1252")
    assert _read(tmp_path / "a.csv", data) == (
        "cp1252",
        ";",
        [
            (1, ["Réf", "Nom", "Coût"]),
            (2, ["A-1", "Café", "£5 – 10"]),
            (3, ["A-2", "Crème brûlée"]),
        ],
    )


def test_bytes_undefined_in_windows_1252_are_read_as_latin_1(tmp_path: Path) -> None:
    data = b"Ref;Name\r\nA-1;x\x81y\x9dz\r\n"
    assert _read(tmp_path / "a.csv", data) == (
        "cp1252",
        ";",
        [(1, ["Ref", "Name"]), (2, ["A-1", "x\x81y\x9dz"])],
    )


def test_utf16_with_bom_and_tabs(tmp_path: Path) -> None:
    data = "Ref\tName\tDept\r\nA-1\tÉcole\tEnv\r\n".encode("utf-16")
    assert _read(tmp_path / "a.txt", data) == (
        "utf-16",
        "\t",
        [(1, ["Ref", "Name", "Dept"]), (2, ["A-1", "École", "Env"])],
    )


def test_utf16_without_bom_is_recognised_by_its_nul_bytes(tmp_path: Path) -> None:
    data = "Ref\tName\r\nA-1\tLaptop\r\n".encode("utf-16-le")
    assert _read(tmp_path / "a.tsv", data) == (
        "utf-16-le",
        "\t",
        [(1, ["Ref", "Name"]), (2, ["A-1", "Laptop"])],
    )


def test_cr_only_and_mixed_line_endings(tmp_path: Path) -> None:
    assert _read(tmp_path / "mac.csv", b"a,b\rc,d\r")[2] == [(1, ["a", "b"]), (2, ["c", "d"])]
    assert _read(tmp_path / "mixed.csv", b"a,b\r\nc,d\ne,f\rg,h")[2] == [
        (1, ["a", "b"]),
        (2, ["c", "d"]),
        (3, ["e", "f"]),
        (4, ["g", "h"]),
    ]


def test_quotes_embedded_newlines_blank_lines_and_empty_fields(tmp_path: Path) -> None:
    data = (
        b'Ref,Notes,Owner,,\r\n"A-1","two\r\nlines, with comma",,,\r\n'
        b'\r\nA-2,"say ""hi""", Yes ,,\r\n'
    )
    assert _read(tmp_path / "a.csv", data)[2] == [
        (1, ["Ref", "Notes", "Owner"]),
        (2, ["A-1", "two\r\nlines, with comma"]),
        (3, []),
        (4, ["A-2", 'say "hi"', " Yes "]),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    lines = [
        "Ref,Name,Owner".replace(",", delimiter),
        "A-1,Case files, notes,J Smith".replace(",", delimiter),
    ]
    # A comma inside a field must not fool the sniffer when the delimiter is something else.
    if delimiter != ",":
        lines[1] = delimiter.join(["A-1", "Case files, notes", "J Smith"])
    else:
        lines[1] = 'A-1,"Case files, notes",J Smith'
    data = ("\r\n".join(lines * 3) + "\r\n").encode()
    encoding, found, rows = _read(tmp_path / "a.txt", data)
    assert found == delimiter
    assert rows[1] == (2, ["A-1", "Case files, notes", "J Smith"])


def test_a_single_column_file(tmp_path: Path) -> None:
    assert _read(tmp_path / "a.csv", b"Ref\nA-1\nA-2\n") == (
        "utf-8",
        ",",
        [(1, ["Ref"]), (2, ["A-1"]), (3, ["A-2"])],
    )


def test_columns_beyond_the_limit_are_reported_not_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a,b,c,d\n1,2,,\n1,2,3,4\n")
    with open_source(path, limits=Limits(max_columns=2)) as source:
        assert list(source.rows()) == [(1, ["a", "b"]), (2, ["1", "2"]), (3, ["1", "2"])]
        assert [(n.row, n.column) for n in source.notes()] == [(1, 3), (1, 4)]
        assert "column C has data beyond the 2-column limit" in source.notes()[0].message


def test_notes_are_complete_before_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a,b\n1,2,3\n")
    with open_source(path, limits=Limits(max_columns=2)) as source:
        assert source.notes() == [CellNote(2, 3, source.notes()[0].message)]


def test_a_declared_encoding_that_lies_is_refused_naming_the_line(tmp_path: Path) -> None:
    from isms.errors import ImportFormatError

    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xef\xbb\xbfRef\nA-1\nCaf\xe9\n")
    with pytest.raises(ImportFormatError, match=r"bad\.csv: it says it is UTF-8 but line 3 is not"):
        open_source(path)


def test_a_large_csv_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Ref,Name,C,I,A\r\n")
        for i in range(50_000):
            fh.write(f"A-{i},Asset {i},1,2,3\r\n")
    with open_source(path) as source:
        count = 0
        for number, values in source.rows():
            count += 1
            last = (number, values)
        assert count == 50_001
        assert last == (50_001, ["A-49999", "Asset 49999", "1", "2", "3"])
