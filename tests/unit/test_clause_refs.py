"""Control references read back from what Excel left in a cell: text, dates, floats."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from isms.catalogue.clause_refs import RefCell, detect_edition, read_cell, resolve


@pytest.mark.parametrize(
    ("value", "edition", "ref"),
    [
        ("A.5.1.1", "2013", "A.5.1.1"),
        (" a.10.1.1 ", "2013", "A.10.1.1"),
        ("A.5.1.1 Policies for information security", "2013", "A.5.1.1"),
        ("5.1", "2022", "5.1"),
        ("A.5.15", "2022", "5.15"),
        ("Annex A 8.12", "2022", "8.12"),
        ("Annex A.8.12", "2022", "8.12"),
        ("Control 5.23:", "2022", "5.23"),
        (8.12, "2022", "8.12"),
        (5.37, "2022", "5.37"),
        # Excel's dates: y.m.d locales give 2010-01-01, d.m.y ones 10 Jan 2001.
        (date(2010, 1, 1), "2013", "A.10.1.1"),
        (datetime(2010, 1, 1), "2013", "A.10.1.1"),
        (date(2001, 1, 10), "2013", "A.10.1.1"),
        (datetime(2009, 4, 2), "2013", "A.9.4.2"),
        (date(2002, 4, 9), "2013", "A.9.4.2"),
        ("2010-01-01", "2013", "A.10.1.1"),
        ("2010-01-01 00:00:00", "2013", "A.10.1.1"),
        ("01/01/2010", "2013", "A.10.1.1"),
        # "5.12" typed in a day.month locale: 5 December of the year it was typed in.
        (date(2024, 12, 5), "2022", "5.12"),
    ],
)
def test_one_cell_gives_back_its_reference(value: object, edition: str, ref: str) -> None:
    reading = read_cell(value)
    assert reading is not None
    assert [c.ref for c in reading.refs(edition)] == [ref]  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, "", "Notes", "Legend: Y = applicable", True])
def test_cells_with_no_reference(value: object) -> None:
    assert read_cell(value) is None


@pytest.mark.parametrize("value", ["A.5", 5, "A.5.1", 12.1])
def test_clause_and_objective_rows_are_headings_in_a_2013_soa(value: object) -> None:
    edition, _, [item] = resolve([RefCell(3, value)], "2013")
    assert item.heading and item.ref is None and item.problem is None


def test_a_float_that_lost_its_trailing_zero_is_ambiguous_alone() -> None:
    reading = read_cell(8.2)
    assert reading is not None
    assert sorted(c.ref for c in reading.refs("2022")) == ["8.2", "8.20"]
    _, _, [item] = resolve([RefCell(7, 8.2)], "2022")
    assert item.ref is None
    assert item.problem is not None and "8.2 or 8.20" in item.problem


def test_the_title_on_the_row_settles_8_20() -> None:
    _, _, items = resolve(
        [RefCell(4, 8.2, "Networks security"), RefCell(5, 8.2, "Privileged access rights")],
        "2022",
    )
    assert [i.ref for i in items] == ["8.20", "8.2"]
    assert items[0].recovered == "8.2 read as 8.20 (matched by the title on the row)"
    assert items[1].recovered is None  # 8.2 read as 8.2: nothing was changed


def test_the_neighbouring_rows_settle_floats_without_titles() -> None:
    column = [8.1, 8.2, 8.3, 8.4, 8.19, 8.2, 8.21, 8.29, 8.3, 8.31]
    _, _, items = resolve([RefCell(n, v) for n, v in enumerate(column, 10)], "2022")
    assert [i.ref for i in items] == [
        "8.1", "8.2", "8.3", "8.4", "8.19", "8.20", "8.21", "8.29", "8.30", "8.31",
    ]  # fmt: skip
    assert items[5].recovered is not None and items[5].recovered.startswith("8.2 read as 8.20")
    assert all(i.problem is None for i in items)


def test_an_invalid_or_other_edition_reference_is_reported() -> None:
    _, _, items = resolve(
        [RefCell(2, "A.19.1.1"), RefCell(3, "5.38"), RefCell(4, "A.9.2.1")], "2022"
    )
    assert all(i.ref is None for i in items)
    assert items[0].problem == "'A.19.1.1' is not a 2022 Annex A control"
    assert items[1].problem == "'5.38' is not a 2022 Annex A control"
    assert items[2].problem is not None and "2013 reference in a 2022 SoA" in items[2].problem


def test_edition_detected_from_the_references() -> None:
    rows_2013 = ["A.5", "A.5.1", "A.5.1.1", "A.5.1.2", date(2010, 1, 1), "A.6.1.1"]
    assert detect_edition(read_cell(v) for v in rows_2013)[0] == "2013"
    assert detect_edition(read_cell(v) for v in ["5.1", 5.2, "8.12", date(2024, 12, 5)])[0] == (
        "2022"
    )
    assert detect_edition(read_cell(v) for v in ["Notes", None])[0] is None


def test_a_day_first_locale_file_is_read_back_and_each_recovery_reported() -> None:
    # Typed on a d.m.y machine, 10.1.1 became 10 January 2001 and 9.4.2 became 9 April 2002.
    cells = [RefCell(2, date(2001, 1, 10)), RefCell(3, datetime(2002, 4, 9)), RefCell(4, "A.5.1.1")]
    _, _, items = resolve(cells, "2013")
    assert [i.ref for i in items] == ["A.10.1.1", "A.9.4.2", "A.5.1.1"]
    assert [i.recovered for i in items] == [
        "2001-01-10 read as A.10.1.1",
        "2002-04-09 read as A.9.4.2",
        None,
    ]
