"""Settings → Risk criteria edits who may accept a risk at each level and who owns the method
and how often it is reviewed (issue 17, 2 and 6), as a new criteria version."""

from __future__ import annotations

from typing import Any

from isms.db import Register
from isms.services.read import queries
from ui.dialogs.criteria_settings import CriteriaDialog

from .conftest import shown


def test_the_acceptance_authority_is_shown_and_a_change_is_a_new_version(
    qtbot: Any, register: Register
) -> None:
    dialog = shown(qtbot, CriteriaDialog(register))
    boxes = dialog.authority_boxes
    assert list(boxes) == ["Low", "Medium", "High", "Very high"]
    assert [boxes[name].currentData() for name in boxes] == [
        "owner", "owner", "approver", "siro"]
    assert boxes["Very high"].currentText() == "The risk owner with the SIRO's sign-off"
    assert dialog.method_owner.text() == "Senior Information Risk Owner (SIRO)"
    assert dialog.method_review.value() == 365
    assert not dialog.save_button.isEnabled()  # nothing changed yet

    dialog.set_authority("High", "siro")
    dialog.method_owner.setText("Head of Information Governance")
    dialog.method_review.setValue(180)
    dialog.note.setText("High risks by the SIRO")
    assert dialog.save_button.isEnabled()
    assert dialog.save()
    change = dialog.apply()
    assert change is not None and change.version == 2
    with register.session() as session:
        criteria = queries.current_criteria(session)
    assert criteria.acceptance_authority == {
        "Low": "owner", "Medium": "owner", "High": "siro", "Very high": "siro"}
    assert (criteria.method_owner, criteria.method_review_days) == (
        "Head of Information Governance", 180)


def test_a_level_above_the_appetite_never_stays_the_owners_alone(
    qtbot: Any, register: Register
) -> None:
    dialog = shown(qtbot, CriteriaDialog(register))
    dialog.appetite.setCurrentText("Low")  # Medium is above the appetite now
    assert dialog.authority_boxes["Medium"].currentData() == "approver"
    assert dialog.form_criteria().authority(dialog.form_criteria().level_named("Medium")) \
        == "approver"
    dialog.set_authority("Medium", "owner")
    assert dialog.authority_boxes["Medium"].currentData() == "approver"  # moved up again
    dialog.set_authority("Low", "siro")  # more than the levels above it: refused, said where
    assert not dialog.save_button.isEnabled()
    assert dialog.message.text().startswith("Who may accept: A Medium risk would need less")
