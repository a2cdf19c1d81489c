"""Settings → Risk criteria on a real register: inline validation, versions, re-mapping, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from isms.db import Register
from isms.model import Risk
from isms.services.read import queries
from ui.dialogs import criteria_settings
from ui.dialogs.criteria_settings import CriteriaDialog
from ui.views.main_window import MainWindow, change_summary
from ui.widgets import criteria_form

from .conftest import OnModal, Sample, shown


def open_dialog(qtbot: Any, register: Register) -> CriteriaDialog:
    return shown(qtbot, CriteriaDialog(register))


def ratings(register: Register) -> dict[str, tuple[int | None, ...]]:
    with register.session() as session:
        return {r.ref: (r.inherent_likelihood, r.inherent_impact, r.residual_likelihood,
                        r.residual_impact, r.criteria_id)
                for r in session.query(Risk).order_by(Risk.ref)}


def test_the_form_shows_the_registers_criteria(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    assert [p.label for p in dialog.likelihood.points()][:3] == ["Rare", "Unlikely", "Possible"]
    assert dialog.levels.names() == ["Low", "Medium", "High", "Very high"]
    assert dialog.appetite.currentText() == "Medium"
    assert dialog.heat_map.cell_level(5, 5).name == "Very high"  # type: ignore[union-attr]
    assert dialog.heat_map.cell_level(1, 1).colour == "#3a9a48"  # type: ignore[union-attr]
    assert "Medium</b> 5–9 · review every 180 days · <i>appetite</i>" in dialog.legend.text()
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    assert dialog.save_button.toolTip() == "No changes to save"
    # The impact areas are kept with each point although this form does not edit them.
    assert dialog.form_criteria().impact[0].areas["finance"] == "Loss or cost under £10,000"


def test_overlapping_thresholds_disable_save_and_say_where(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    dialog.levels.rows[1].low.setValue(4)  # Medium from 4: overlaps Low (1-4)
    assert not dialog.save_button.isEnabled()
    assert dialog.message.text() == (
        "Risk levels: Level 'Medium' overlaps the level below it at score 4."
    )
    assert not dialog.tabs.tabIcon(1).isNull() and dialog.tabs.tabIcon(0).isNull()
    assert dialog.save() is False

    dialog.levels.rows[1].low.setValue(6)  # now 5 is covered by no level: a gap
    assert "No risk level covers score 5" in dialog.message.text()
    assert dialog.heat_map.cell_level(1, 5) is None  # drawn hatched in the preview
    assert not dialog.save_button.isEnabled()

    dialog.levels.rows[1].low.setValue(5)
    assert dialog.message.text() == ""
    assert not dialog.save_button.isEnabled()  # valid, but back to what is saved


def test_zero_day_cadence_and_a_blank_label_are_refused(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    dialog.levels.rows[0].cadence.setValue(0)
    assert dialog.message.text() == (
        "Review cadence: The review cadence for 'Low' must be at least 1 day; it is 0."
    )
    assert not dialog.save_button.isEnabled()
    dialog.levels.rows[0].cadence.setValue(300)
    dialog.impact.rows[2].label.clear()
    assert dialog.message.text() == "Impact scale: Every impact point needs a label of its own."
    assert not dialog.tabs.tabIcon(0).isNull()
    dialog.impact.rows[2].label.setText("Moderate")
    assert dialog.save_button.isEnabled()


def test_changing_the_cadence_makes_a_new_criteria_version(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    before = ratings(register)
    dialog = open_dialog(qtbot, register)
    dialog.levels.rows[2].cadence.setValue(60)  # High: every 60 days instead of 90
    qtbot.keyClicks(dialog.note, "SMG decision 12 March: review High risks every 60 days")
    assert dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1  # the review step
    assert not dialog.review.mapping_box.isVisibleTo(dialog)  # no scale changed size
    assert dialog.review.summary.text().startswith("No risk changes level (6 re-scored)")
    assert dialog.apply_button.isVisible() and not dialog.save_button.isVisible()

    change = dialog.apply()
    assert change is not None
    assert (change.version, change.risks_rescored, change.levels_changed) == (2, 6, 0)
    assert dialog.result() == CriteriaDialog.DialogCode.Accepted
    with register.session() as session:
        row = queries.current_criteria_row(session)
        assert row.version_number == 2
        assert row.note == "SMG decision 12 March: review High risks every 60 days"
        assert queries.current_criteria(session).cadence_days["High"] == 60
    after = ratings(register)
    assert {ref: r[:4] for ref, r in after.items()} == {ref: r[:4] for ref, r in before.items()}
    assert {r[4] for r in after.values()} == {row.id}  # every risk scored with the new version
    assert change_summary(change) == (
        "Saved as risk criteria version 2. 6 risks re-scored with it; 0 changed level."
    )


def test_a_five_to_three_likelihood_scale_is_mapped_previewed_and_applied(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    dialog.likelihood.remove_point(4)
    dialog.likelihood.remove_point(3)
    assert [p.label for p in dialog.likelihood.points()] == ["Rare", "Unlikely", "Possible"]
    assert dialog.heat_map.cell_level(4, 1) is None  # the preview has three rows now
    assert dialog.heat_map.cell_level(3, 5).name == "High"  # type: ignore[union-attr]
    assert dialog.save() is True

    review = dialog.review
    assert review.mapping_box.isVisibleTo(dialog)
    combos = review.mapping_combos["likelihood"]
    assert review.mapping_combos["impact"] == []  # the impact scale kept its size
    # Prefilled with the proportional suggestion: 1, 2 -> 1; 3, 4 -> 2; 5 -> 3.
    assert [c.currentData() for c in combos] == [1, 1, 2, 2, 3]
    assert combos[3].currentText() == "2 — Unlikely"
    combos[3].setCurrentIndex(combos[3].findData(3))  # the SMG: "likely" is our new "possible"

    model = review.model
    assert model.total == 6
    row = next(n for n in range(model.rowCount()) if model.data(model.index(n, 0)) == "R-001")
    # inherent 4 x 5 (Very high) -> 3 x 5 = 15 (High)
    assert model.data(model.index(row, 1)) == "Very high → High"
    assert review.summary.text().endswith("risks change level.")
    review.only_changed.setChecked(True)
    assert model.rowCount() == model.changed < model.total

    change = dialog.apply()
    assert change is not None and change.version == 2
    after = ratings(register)
    assert after["R-001"][:4] == (3, 5, 1, 3)  # 4 -> 3 (the user's choice), 2 -> 1
    assert after["R-002"][:4] == (3, 3, 2, 3)  # 5 -> 3, 3 -> 2
    assert after["R-003"][:4] == (2, 5, 1, 5)
    with register.session() as session:
        assert len(queries.current_criteria(session).likelihood) == 3


def test_main_window_applies_a_change_and_reports_it(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    shown(qtbot, window := MainWindow(register))
    reported: list[str] = []

    def change(dialog: CriteriaDialog) -> None:
        dialog.levels.rows[0].cadence.setValue(400)
        dialog.save()
        dialog.apply()

    on_modal(CriteriaDialog, change)
    on_modal(QMessageBox, lambda box: reported.append(box.text()) or box.accept())
    window.edit_criteria()
    qtbot.waitUntil(lambda: bool(reported))
    assert reported == [
        "Saved as risk criteria version 2. 6 risks re-scored with it; 0 changed level."
    ]


def test_lookup_matrix_starts_from_the_thresholds_and_takes_cell_choices(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    dialog.matrix_kind.setCurrentIndex(dialog.matrix_kind.findData("lookup"))
    assert dialog.heat_map.cell_level(4, 4).name == "High"  # type: ignore[union-attr]
    assert not dialog.levels.rows[0].low.isEnabled()  # scores mean nothing in a lookup
    dialog.set_cell(4, 4, 3)
    assert dialog.heat_map.cell_level(4, 4).name == "Very high"  # type: ignore[union-attr]
    criteria = dialog.form_criteria()
    assert criteria.matrix_kind == "lookup" and criteria.cells[3][3] == "Very high"
    assert dialog.message.text() == "" and dialog.save_button.isEnabled()
    # Removing a level moves its cells to the level below.
    dialog.levels.remove_level(3)
    assert dialog.heat_map.cell_level(4, 4).name == "High"  # type: ignore[union-attr]
    assert dialog.appetite.currentText() == "Medium"


def test_export_and_import_json(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "criteria.json"
    monkeypatch.setattr(criteria_settings, "ask_save_path", lambda parent, name: str(target))
    monkeypatch.setattr(criteria_settings, "ask_open_path", lambda parent: str(target))
    dialog = open_dialog(qtbot, register)
    assert dialog.export_criteria() == target
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["version"] == 1 and document["criteria"]["appetite"] == "Medium"
    assert f"Exported version 1 to {target}" in dialog.message.text()

    document["criteria"]["cadence_days"]["Low"] = 200
    target.write_text(json.dumps(document), encoding="utf-8")
    assert dialog.import_criteria() is True
    assert dialog.levels.rows[0].cadence.value() == 200
    assert "Loaded the criteria from criteria.json" in dialog.message.text()
    assert dialog.save_button.isEnabled()

    target.write_text('{"criteria": {"likelihood": []', encoding="utf-8")
    assert dialog.import_criteria() is False
    assert "criteria.json is not valid JSON (line 1" in dialog.message.text()
    assert dialog.levels.rows[0].cadence.value() == 200  # the form is left as it was


def test_colour_button_uses_the_chosen_colour(
    qtbot: Any, register: Register, sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(criteria_form, "ask_colour", lambda parent, current, title: "#1565c0")
    dialog = open_dialog(qtbot, register)
    qtbot.mouseClick(dialog.levels.rows[0].colour, Qt.MouseButton.LeftButton)
    assert dialog.levels.rows[0].colour.text() == "#1565c0"
    assert dialog.heat_map.cell_level(1, 1).colour == "#1565c0"  # type: ignore[union-attr]
    assert dialog.save_button.isEnabled()


def test_a_change_made_meanwhile_by_someone_else_is_a_conflict(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    first = open_dialog(qtbot, register)
    second = open_dialog(qtbot, register)
    for dialog, days in ((first, 30), (second, 45)):
        dialog.levels.rows[3].cadence.setValue(days)
        assert dialog.save()
    assert first.apply() is not None
    assert second.apply() is None
    assert "changed by someone else after you opened them" in second.message.text()
    with register.session() as session:
        assert queries.current_criteria(session).cadence_days["Very high"] == 30
        assert queries.current_criteria_row(session).version_number == 2


def test_preview_model_passes_the_model_tester(
    qtmodeltester: Any, qtbot: Any, register: Register, sample: Sample
) -> None:
    dialog = open_dialog(qtbot, register)
    dialog.impact.remove_point(4)
    assert dialog.save()
    qtmodeltester.check(dialog.review.model)
    dialog.review.only_changed.setChecked(True)
    qtmodeltester.check(dialog.review.model)
