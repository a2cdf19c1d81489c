"""The older formats councils still hold: .xls (a fixture made with xlwt, see tests/fixtures/
readers/README.md) and .ods (written by hand here)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from isms.errors import ImportFormatError
from isms.io.readers import SheetInfo, open_source

from .files import FIXTURES, ods, ods_rows


def test_xls_rows_sheets_and_merges() -> None:
    with open_source(FIXTURES / "departments.xls") as source:
        assert source.format == "xls"
        assert source.sheets == [SheetInfo("Assets", False, 5), SheetInfo("Lists", True, 2)]
        assert source.default_sheet() == "Assets"
        assert list(source.rows()) == [
            (1, ["Children's Services asset register"]),
            (2, []),
            (3, ["Asset ref", "Name", "Personal data", "Review", "Control"]),
            (4, ["CS-001", "Case files", "Yes ", dt.date(2024, 3, 31), 8.2]),
            (5, ["CS-002", "Café list £", "No", dt.date(2025, 1, 15), 3]),
        ]
        assert source.merged_ranges() == [(1, 1, 1, 4)]
        assert source.notes() == []
        assert list(source.rows("Lists")) == [(1, ["Yes"]), (2, ["No"])]


def test_an_xls_with_another_extension_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "assets.xlsx"
    shutil.copyfile(FIXTURES / "departments.xls", path)
    with open_source(path) as source:
        assert source.format == "xls"
        assert next(iter(source.rows())) == (1, ["Children's Services asset register"])


def test_ods_rows_hidden_tables_repeats_and_spans(tmp_path: Path) -> None:
    title = (
        '<table:table-row><table:table-cell office:value-type="string" '
        'table:number-columns-spanned="3"><text:p>Environment assets</text:p></table:table-cell>'
        "<table:covered-table-cell/><table:covered-table-cell/></table:table-row>"
    )
    blank = (
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    data = ods_rows(
        [["Ref", "Name", "C"], ["EN-1", "Waste contracts ", 3], ["EN-2", "Permits", 2.5]]
    )
    trailing = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = ods(
        tmp_path / "env.ods",
        {"Assets": title + blank + data + trailing, "Lists": ods_rows([["Yes"]])},
        hidden=("Lists",),
    )
    with open_source(path) as source:
        assert source.format == "ods"
        assert [(s.name, s.hidden) for s in source.sheets] == [("Assets", False), ("Lists", True)]
        assert list(source.rows()) == [
            (1, ["Environment assets"]),
            (2, []),
            (3, []),
            (4, ["Ref", "Name", "C"]),
            (5, ["EN-1", "Waste contracts ", 3]),
            (6, ["EN-2", "Permits", 2.5]),
        ]
        assert source.merged_ranges() == [(1, 1, 1, 3)]


def test_an_ods_asking_for_a_huge_repeated_grid_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = ods(tmp_path / "bomb.ods", {"S": bomb})
    with pytest.raises(ImportFormatError, match=r"bomb\.ods: it claims .* too many to read safely"):
        open_source(path)


def test_an_encrypted_ods_is_refused_as_password_protected(tmp_path: Path) -> None:
    import zipfile

    path = ods(tmp_path / "locked.ods", {"S": ods_rows([["x"]])})
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["META-INF/manifest.xml"] = members["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>"
    )
    locked = tmp_path / "locked2.ods"
    with zipfile.ZipFile(locked, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(ImportFormatError, match="is protected with a password"):
        open_source(locked)
