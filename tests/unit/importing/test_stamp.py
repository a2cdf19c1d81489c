"""The round-trip stamp: written as rows, read back from what a reader gives (numbers as
floats, dates as datetimes, blank rows dropped), and refused when it is not ours."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from isms.io.importing.stamp import (
    STAMP_SHEET,
    Stamp,
    StampError,
    cell_text,
    has_stamp,
    read_stamp,
    stamp_rows,
)


def _stamp() -> Stamp:
    return Stamp("Anytown Council", "2026-01-05T09:00:00", "HSG", "2026-12-07T16:00:00", "alice",
                 ("Asset reference", "Asset name", "Confidentiality (1-5)", "Next review"))


def test_written_rows_read_back_as_a_reader_gives_them() -> None:
    rows = list(stamp_rows(_stamp(), [(7, 3, ["HSG-0001", "Tenancy files", 3, date(2027, 1, 31)]),
                                      (9, 1, ["HSG-0002", "Repairs log", None, None])]))
    # A reader: whole numbers as floats, dates as datetimes, the blank row left out.
    read = [[float(c) if isinstance(c, int) else c for c in row] for row in rows if row]
    stamp = read_stamp(read)
    assert (stamp.register, stamp.department, stamp.exported_by) == (
        "Anytown Council", "HSG", "alice")
    assert stamp.columns == _stamp().columns
    assert stamp.rows["hsg-0001"].record_id == 7 and stamp.rows["hsg-0001"].version == 3
    assert stamp.rows["hsg-0001"].cells == ("HSG-0001", "Tenancy files", "3", "2027-01-31")
    assert stamp.rows["hsg-0002"].cells == ("HSG-0002", "Repairs log", "", "")


@pytest.mark.parametrize(("one", "other"), [
    (3, 3.0), (date(2027, 1, 31), datetime(2027, 1, 31)), (None, ""), ("  Civic  Centre ",
                                                                       "Civic Centre"),
    (True, "Yes"),
])
def test_two_copies_of_a_cell_compare_equal_whatever_type_the_reader_gave(
    one: object, other: object
) -> None:
    assert cell_text(one) == cell_text(other)


@pytest.mark.parametrize(("rows", "message"), [
    ([["something else"]], "does not start with its mark"),
    ([["isms round-trip stamp", 99]], "layout 99"),
    ([["isms round-trip stamp", 1], ["register", "x"]], "no row header"),
])
def test_a_stamp_that_is_not_ours_is_refused(rows: list[list[object]], message: str) -> None:
    with pytest.raises(StampError, match=message):
        read_stamp(rows)


def test_has_stamp_reads_only_the_list_of_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    book.create_sheet(STAMP_SHEET).sheet_state = "veryHidden"
    stamped = tmp_path / "stamped.xlsx"
    book.save(stamped)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert (has_stamp(plain), has_stamp(stamped), has_stamp(broken)) == (False, True, False)
    assert not has_stamp(tmp_path / "stamped.csv")
