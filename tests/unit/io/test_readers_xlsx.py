"""xlsx / xlsm through open_source: what rows(), notes() and merged_ranges() return, exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from isms.errors import ImportFormatError
from isms.io.readers import CellNote, SheetInfo, open_source

from .files import rezip, sheet_xml, with_sheet_data, xlsx

NO_VALUE = "formula with no saved value: open the file in Excel, save it, and send it again"


@pytest.fixture
def department_workbook(tmp_path: Path) -> Path:
    """Shaped like the asset lists departments really send."""
    return xlsx(
        tmp_path / "children.xlsx",
        {
            "Notes": [],  # an empty first sheet: not the default
            "Asset register": [
                ["Children's Services: information asset register"],
                [],
                ["Asset", None, "Owner", "CIA", None, None, "Personal data", "Review date"],
                ["Ref", "Name", None, "C", "I", "A", None, None],
                ["CS-001", "Case files", "J Smith", 3, 2, 2, "Yes ", dt.date(2024, 3, 31)],
                [],
                [
                    "CS-002",
                    "  Foster carers list",
                    "IAO: K Jones",
                    2.0,
                    3.5,
                    1,
                    "x",
                    dt.datetime(2024, 5, 1, 9, 30),
                ],
                ["8.2", 8.2, 10.1, None, None, None, "No", "31/12/2024"],
            ],
            "Lists": [["Yes"], ["No"]],
            "Old": [["x"]],
        },
        merged={"Asset register": ["A1:H1", "A3:B3", "D3:F3"]},
        hidden={"Lists": "hidden", "Old": "veryHidden"},
    )


def test_sheets_are_listed_with_hidden_ones_and_the_default_skips_empty_and_hidden(
    department_workbook: Path,
) -> None:
    with open_source(department_workbook) as source:
        assert source.format == "xlsx"
        assert [s.name for s in source.sheets] == ["Notes", "Asset register", "Lists", "Old"]
        assert [s.hidden for s in source.sheets] == [False, False, True, True]
        assert source.sheets[1] == SheetInfo("Asset register", False, 8)
        assert source.default_sheet() == "Asset register"
        assert source.encoding is None and source.delimiter is None
        assert len(source.sha256) == 64


def test_rows_come_back_as_the_user_sees_them(department_workbook: Path) -> None:
    with open_source(department_workbook) as source:
        rows = list(source.rows())
    assert rows == [
        (1, ["Children's Services: information asset register"]),
        (2, []),
        (3, ["Asset", None, "Owner", "CIA", None, None, "Personal data", "Review date"]),
        (4, ["Ref", "Name", None, "C", "I", "A"]),
        (5, ["CS-001", "Case files", "J Smith", 3, 2, 2, "Yes ", dt.date(2024, 3, 31)]),
        (6, []),
        (
            7,
            [
                "CS-002",
                "  Foster carers list",
                "IAO: K Jones",
                2,
                3.5,
                1,
                "x",
                dt.datetime(2024, 5, 1, 9, 30),
            ],
        ),
        (8, ["8.2", 8.2, 10.1, None, None, None, "No", "31/12/2024"]),
    ]
    # Whole numbers stored as floats come back as int; text "8.2" stays text.
    assert type(rows[4][1][3]) is int and type(rows[6][1][3]) is int


def test_merged_ranges_are_one_based(department_workbook: Path) -> None:
    with open_source(department_workbook) as source:
        assert sorted(source.merged_ranges("Asset register")) == [
            (1, 1, 1, 8),
            (3, 1, 3, 2),
            (3, 4, 3, 6),
        ]
        assert source.merged_ranges("Lists") == []


def test_hidden_sheets_can_be_read_by_name(department_workbook: Path) -> None:
    with open_source(department_workbook) as source:
        assert list(source.rows("Lists")) == [(1, ["Yes"]), (2, ["No"])]
        with pytest.raises(ImportFormatError, match="no sheet named 'Nope'"):
            source.rows("Nope")


def test_data_starting_in_a_later_column_keeps_its_column_numbers(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "offset.xlsx", {"S": []}, cells={"S": {"C3": "Ref", "D4": 1, "F4": "x"}})
    with open_source(path) as source:
        assert list(source.rows()) == [
            (1, []),
            (2, []),
            (3, [None, None, "Ref"]),
            (4, [None, None, None, 1, None, "x"]),
        ]


def test_formulas_without_saved_values_are_reported_not_guessed(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "formulas.xlsx",
        {"Risks": [["Ref", "L", "I", "Score"], ["R1", 2, 3, "=B2*C2"], ["R2", 4, 4, "=B3*C3"]]},
    )
    with open_source(path) as source:
        rows = list(source.rows())
        assert rows[1] == (2, ["R1", 2, 3])  # calamine sees an empty cell: we report it
        assert source.notes() == [CellNote(2, 4, NO_VALUE), CellNote(3, 4, NO_VALUE)]


def test_formulas_with_saved_values_are_not_reported(tmp_path: Path) -> None:
    base = xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    path = with_sheet_data(
        base,
        tmp_path / "saved.xlsx",
        b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>""</f><v></v></c>'
        b'<c r="C1"><f t="shared" ref="C1:C2" si="0">A1</f><v>2</v></c></row>'
        b'<row r="2"><c r="C2"><f t="shared" si="0"/><v>0</v></c></row>',
    )
    with open_source(path) as source:
        assert list(source.rows()) == [(1, [2, None, 2]), (2, [None, None, 0])]
        assert source.notes() == []


def test_a_sheet_without_the_usual_cell_references_is_read_the_same(tmp_path: Path) -> None:
    """Some generators omit r= or use a namespace prefix: the careful path handles them."""
    base = xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    path = with_sheet_data(
        base,
        tmp_path / "norefs.xlsx",
        b'<row r="2"><c t="inlineStr"><is><t>a</t></is></c><c><v>3</v></c>'
        b'<c r="E2"><v>1.5</v></c></row>'
        b"<row><c><f>1/0</f></c><c><v>2</v></c></row>",
    )
    with open_source(path) as source:
        assert list(source.rows()) == [(1, []), (2, ["a", 3, None, None, 1.5]), (3, [None, 2])]
        assert source.notes() == [CellNote(3, 1, NO_VALUE)]


def test_prefixed_worksheet_xml_is_read(tmp_path: Path) -> None:
    base = xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Ref</x:t></x:is></x:c>'
        b'<x:c r="B1"><x:v>7</x:v></x:c></x:row></x:sheetData>'
        b'<x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>'
    )
    path = rezip(base, tmp_path / "prefixed.xlsx", {"xl/worksheets/sheet1.xml": xml})
    with open_source(path) as source:
        assert list(source.rows()) == [(1, ["Ref", 7])]
        assert source.merged_ranges() == [(1, 1, 1, 2)]


def test_xlsm_is_read_for_values_only(tmp_path: Path) -> None:
    base = xlsx(tmp_path / "base.xlsx", {"S": [["Ref"], ["A-1"]]})
    path = rezip(base, tmp_path / "macros.xlsm", {})
    with open_source(path) as source:
        assert source.format == "xlsm"
        assert list(source.rows()) == [(1, ["Ref"]), (2, ["A-1"])]


def test_a_csv_named_xlsx_is_read_as_csv_and_an_xlsx_named_csv_as_xlsx(tmp_path: Path) -> None:
    fake = tmp_path / "assets.xlsx"
    fake.write_bytes(b"Ref,Name\r\nA-1,Laptop\r\n")
    with open_source(fake) as source:
        assert source.format == "csv"
        assert list(source.rows()) == [(1, ["Ref", "Name"]), (2, ["A-1", "Laptop"])]
    real = xlsx(tmp_path / "real.xlsx", {"S": [["Ref"], [1]]})
    renamed = tmp_path / "assets.csv"
    renamed.write_bytes(real.read_bytes())
    with open_source(renamed) as source:
        assert source.format == "xlsx"
        assert list(source.rows()) == [(1, ["Ref"]), (2, [1])]


def test_an_empty_workbook_has_no_rows(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "empty.xlsx", {"Sheet1": []})
    with open_source(path) as source:
        assert source.default_sheet() == "Sheet1"
        assert list(source.rows()) == []
        assert source.notes() == [] and source.merged_ranges() == []


def test_whitespace_and_strings_are_not_trimmed(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ws.xlsx", {"S": [[" Yes ", "\tNo", "line\nbreak"]]})
    with open_source(path) as source:
        assert list(source.rows()) == [(1, [" Yes ", "\tNo", "line\nbreak"])]
    assert b"Yes" in sheet_xml(path)
