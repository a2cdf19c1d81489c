"""Bad input: every case ends in one clear ImportFormatError naming the file, nothing else."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from isms.errors import ImportFormatError
from isms.io.readers import Limits, open_source

from .files import FIXTURES, lie_about_size, ole2, rezip, sheet_xml, stored_zip, xlsx

PASSWORD = (
    "is protected with a password: remove the password in Excel "
    r"\(File > Info > Protect Workbook\) and send it again"
)


def _refused(path: Path, pattern: str, limits: Limits | None = None) -> str:
    with pytest.raises(ImportFormatError) as info:
        source = open_source(path, limits=limits) if limits else open_source(path)
        with source:  # some damage only shows when the sheet is read
            for sheet in source.sheets:
                list(source.rows(sheet.name))
                source.notes(sheet.name)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    assert pytest.approx(0) == 0
    import re

    assert re.search(pattern, message), message
    return message


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return xlsx(
        tmp_path / "good.xlsx",
        {"Assets": [["Ref", "Name"]] + [[f"A-{i}", f"Asset {i}"] for i in range(300)]},
    )


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("image.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100), "it is a PNG image, not a spreadsheet"),
        ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it is a PDF document"),
        ("noise.xls", random.Random(4).randbytes(5000), "not a spreadsheet or a text file"),
        ("empty.xlsx", b"", "the file is empty"),
        (
            "page.xlsx",
            b"<html><body><table><tr><td>Ref</td></tr></table></body></html>",
            "web page \\(HTML\\)",
        ),
        (
            "old.xls",
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "Excel 2003 XML",
        ),
    ],
)
def test_files_that_are_not_spreadsheets(
    tmp_path: Path, name: str, data: bytes, pattern: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _refused(path, pattern)


def test_a_missing_file(tmp_path: Path) -> None:
    _refused(tmp_path / "gone.xlsx", "does not exist")


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    path.write_bytes(stored_zip({"a.txt": b"hello"}))
    _refused(path, "zip archive that holds no workbook")
    word = tmp_path / "letter.xlsx"
    word.write_bytes(stored_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}))
    _refused(word, "Word document")


def test_a_renamed_text_file_with_an_xls_extension_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(b"Ref\tName\r\nA-1\tLaptop\r\n")
    with open_source(path) as source:
        assert (source.format, source.delimiter) == ("csv", "\t")
        assert list(source.rows()) == [(1, ["Ref", "Name"]), (2, ["A-1", "Laptop"])]


def test_a_truncated_xlsx(tmp_path: Path, workbook: Path) -> None:
    data = workbook.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "damaged")


def test_an_xlsx_with_bytes_flipped_in_the_middle(tmp_path: Path, workbook: Path) -> None:
    data = bytearray(workbook.read_bytes())
    info = zipfile.ZipFile(workbook).getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    for i in range(middle, middle + 8):
        data[i] ^= 0xFF
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    _refused(path, "damaged")


def test_a_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, workbook: Path
) -> None:
    _refused(workbook, r"more than the 0 MB this import accepts", Limits(max_file_bytes=1000))


def test_a_workbook_unpacking_past_the_total_limit(workbook: Path) -> None:
    _refused(workbook, "would unpack to more than", Limits(max_uncompressed_bytes=10_000))


def test_a_highly_compressed_member_is_refused_from_the_directory(
    tmp_path: Path, workbook: Path
) -> None:
    xml = sheet_xml(workbook).replace(b"</sheetData>", b"</sheetData>" + b" " * 50_000_000)
    path = rezip(workbook, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": xml})
    _refused(path, "compressed .* times, more than the 150 a real spreadsheet reaches")


def test_a_member_whose_declared_size_lies_is_refused(tmp_path: Path, workbook: Path) -> None:
    path = lie_about_size(workbook, tmp_path / "liar.xlsx", "xl/worksheets/sheet1.xml", 1000)
    _refused(path, "unpacks to more than the 1000 bytes its zip directory declares")


def test_billion_laughs_in_sheet_xml(tmp_path: Path, workbook: Path) -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    xml = (
        sheet_xml(workbook)
        .replace(b"<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet".encode(), 1)
        .replace(b"<t>Ref</t>", b"<t>&lol9;</t>")
    )
    path = rezip(workbook, tmp_path / "laughs.xlsx", {"xl/worksheets/sheet1.xml": xml})
    _refused(path, "declares XML entities")


def test_billion_laughs_in_shared_strings_is_refused_on_open(
    tmp_path: Path, workbook: Path
) -> None:
    sst = b'<!DOCTYPE sst [<!ENTITY a "aaaa">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&a;</t></si></sst>'
    path = rezip(workbook, tmp_path / "sst.xlsx", {"xl/sharedStrings.xml": sst})
    _refused(path, "declares XML entities")


def test_a_password_protected_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        ole2({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 5000})
    )
    _refused(path, PASSWORD)


def test_other_ole2_files(tmp_path: Path) -> None:
    path = tmp_path / "letter.xls"
    path.write_bytes(ole2({"WordDocument": b"\x00" * 10}))
    _refused(path, "Word document")
    other = tmp_path / "thing.xls"
    other.write_bytes(ole2({"Contents": b"\x00" * 10}))
    _refused(other, "Office file but not a spreadsheet")


def test_a_truncated_xls(tmp_path: Path) -> None:
    data = (FIXTURES / "departments.xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "damaged")


def test_two_members_differing_only_in_case(tmp_path: Path, workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    path = tmp_path / "dupe.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("XL/Worksheets/Sheet1.xml", b"<worksheet/>")
    _refused(path, "holds .* twice")


def test_out_of_range_cell_references_do_not_crash(tmp_path: Path, workbook: Path) -> None:
    from .files import with_sheet_data

    path = with_sheet_data(
        workbook, tmp_path / "refs.xlsx", b'<row r="1"><c r="A99999999999"><v>1</v></c></row>'
    )
    with open_source(path) as source:
        assert list(source.rows()) == []
        assert "rows after row 1048576 were not read" in source.notes()[0].message
