"""The lazy register model: Qt's model contract, SQL sorting and filtering, paging, formatting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from isms.db import Register
from isms.services.read import queries
from ui.models.register_table import RegisterTableModel
from ui.models.registers import ASSET_COLUMNS, asset_model, risk_model

from .conftest import Sample

DISPLAY = Qt.ItemDataRole.DisplayRole


def column_of(model: RegisterTableModel, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def shown(model: RegisterTableModel, key: str) -> list[str]:
    column = column_of(model, key)
    return [model.data(model.index(row, column), DISPLAY) for row in range(model.rowCount())]


@pytest.mark.parametrize(("make_model", "sort_by", "search"), [
    (asset_model, "name", "a-00"),
    (risk_model, "inherent_level", "laptop"),
])
def test_models_pass_the_model_tester_loaded_sorted_and_filtered(
    qtmodeltester: Any, register: Register, sample: Sample,
    make_model: Callable[[Register], RegisterTableModel], sort_by: str, search: str,
) -> None:
    model = make_model(register)
    model.refresh()
    qtmodeltester.check(model)
    model.sort(column_of(model, sort_by), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_search(search)
    assert 0 < model.rowCount() < 12
    qtmodeltester.check(model)
    model.set_search("nothing matches this")
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_assets_in_reference_order_without_retired_ones(register: Register, sample: Sample) -> None:
    model = asset_model(register)
    model.refresh()
    assert shown(model, "ref") == sorted(sample.asset_names)
    assert sample.retired_asset_ref not in shown(model, "ref")
    assert [h.header for h in ASSET_COLUMNS] == [
        model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())
    ]


def test_sorting_is_done_by_the_ids_query(register: Register, sample: Sample) -> None:
    model = asset_model(register)
    model.refresh()
    model.sort(column_of(model, "name"), Qt.SortOrder.AscendingOrder)
    assert shown(model, "name") == sorted(sample.asset_names.values())
    model.sort(column_of(model, "name"), Qt.SortOrder.DescendingOrder)
    assert shown(model, "name") == sorted(sample.asset_names.values(), reverse=True)
    assert model.sort_state == ("name", True)


def test_risks_sort_by_level_score_not_by_level_name(register: Register, sample: Sample) -> None:
    model = risk_model(register)
    model.refresh()
    model.sort(column_of(model, "inherent_level"), Qt.SortOrder.AscendingOrder)
    # Scores 4, 6, 10, 15, 15, 20: equal scores fall back to the id order.
    assert shown(model, "ref") == ["R-004", "R-006", "R-005", "R-002", "R-003", "R-001"]
    assert shown(model, "inherent_level") == ["Low", "Medium", "High", "High", "High", "Very high"]


def test_search_filters_in_sql_on_ref_name_description_and_owner(
    register: Register, sample: Sample
) -> None:
    model = asset_model(register)
    model.refresh()
    model.set_search("payroll")  # the retired "Old payroll archive" stays hidden
    assert shown(model, "ref") == ["A-001"]
    model.set_search("salary")  # only in the description
    assert shown(model, "ref") == ["A-001"]
    model.set_search("  carol ")
    assert shown(model, "ref") == ["A-004", "A-006"]
    model.set_search("")
    assert model.rowCount() == len(sample.asset_names)


def test_cells_show_plain_text_numbers_right_aligned(register: Register, sample: Sample) -> None:
    model = asset_model(register)
    model.refresh()
    row = shown(model, "ref").index("A-005")

    def cell(key: str, role: Qt.ItemDataRole = DISPLAY) -> Any:
        return model.data(model.index(row, column_of(model, key)), role)

    assert cell("name") == "Laptop fleet"
    assert cell("asset_type") == "Hardware"
    assert cell("personal_data") == "No"
    assert cell("confidentiality") == "2"
    assert cell("owner") == "Bob Baker"
    assert cell("marking") == ""  # no marking yet: blank, not "None"
    assert cell("next_review") == "2026-05-05"
    align = Qt.ItemDataRole.TextAlignmentRole
    assert cell("confidentiality", align) & Qt.AlignmentFlag.AlignRight
    assert cell("name", align) & Qt.AlignmentFlag.AlignLeft
    first = shown(model, "ref").index("A-001")
    assert model.data(model.index(first, column_of(model, "personal_data"))) == "Yes"


def test_risk_levels_are_coloured_from_the_registers_criteria(
    register: Register, sample: Sample
) -> None:
    model = risk_model(register)
    model.refresh()
    with register.session() as session:
        colours = {level.name: level.colour for level in queries.current_criteria(session).levels}
    refs = shown(model, "ref")
    inherent = column_of(model, "inherent_level")
    very_high = model.index(refs.index("R-001"), inherent)
    assert model.data(very_high) == "Very high"
    assert model.data(very_high, Qt.ItemDataRole.BackgroundRole) == QColor(colours["Very high"])
    assert model.data(very_high, Qt.ItemDataRole.ForegroundRole) == QColor("#ffffff")
    medium = model.index(refs.index("R-006"), inherent)
    assert model.data(medium, Qt.ItemDataRole.BackgroundRole) == QColor(colours["Medium"])
    assert model.data(medium, Qt.ItemDataRole.ForegroundRole) == QColor("#000000")
    assert "= 20" in model.data(very_high, Qt.ItemDataRole.ToolTipRole)
    unscored = model.index(refs.index("R-005"), column_of(model, "residual_level"))
    assert model.data(unscored) == ""
    assert model.data(unscored, Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None


class CountingRows:
    """An asset rows query that records which ids each call asked for."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, session: Session, ids: Sequence[int]) -> list[queries.AssetRow]:
        self.calls.append(list(ids))
        return queries.asset_rows(session, ids)


def test_rows_are_read_a_page_at_a_time_and_cached(
    register: Register, sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RegisterTableModel, "PAGE_SIZE", 5)
    monkeypatch.setattr(RegisterTableModel, "CACHED_PAGES", 2)
    rows = CountingRows()
    model = RegisterTableModel(register.reading, ASSET_COLUMNS, queries.asset_ids, rows)
    model.refresh()
    assert rows.calls == []  # ids only until a cell is shown
    assert model.data(model.index(0, 0), RegisterTableModel.IdRole) is not None
    assert rows.calls == []  # the id role needs no row

    assert shown(model, "ref") == sorted(sample.asset_names)  # 12 rows = pages of 5, 5, 2
    assert [len(c) for c in rows.calls] == [5, 5, 2]
    model.data(model.index(11, 1))  # page 2 is cached
    assert len(rows.calls) == 3
    model.data(model.index(0, 1))  # page 0 was evicted (two pages are kept)
    assert len(rows.calls) == 4


def test_sorting_keeps_selections_on_their_rows(register: Register, sample: Sample) -> None:
    model = asset_model(register)
    model.refresh()
    refs = shown(model, "ref")
    kept = QPersistentModelIndex(model.index(refs.index("A-003"), column_of(model, "name")))
    model.sort(column_of(model, "name"), Qt.SortOrder.DescendingOrder)
    assert kept.isValid()
    assert model.data(model.index(kept.row(), kept.column())) == "Fostering case files"
    assert kept.row() != refs.index("A-003")


def test_a_failed_read_shows_blanks_and_says_why(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    def broken(session: Session, ids: Sequence[int]) -> list[queries.AssetRow]:
        raise OperationalError("SELECT ...", {}, Exception("database is locked"))

    model = RegisterTableModel(register.reading, ASSET_COLUMNS, queries.asset_ids, broken)
    model.refresh()
    with qtbot.waitSignal(model.fetchFailed) as signal:
        assert model.data(model.index(0, 0)) is None
    # In plain words, naming the register file (isms.db.failures), not the driver's message.
    assert signal.args[0] == (f"{register.location.display()} is busy: another program (or "
                              "another isms) is writing to it. Try again in a moment.")
