"""The review wizard's decision form says, before the SMG decides, that accepting a risk whose
target is not reached accepts its current level (issue 17, 1: "a risk was accepted at its High
target while its current level is Very high with the action open")."""

from __future__ import annotations

from typing import Any

from isms.db import Register
from isms.model import DecisionKind, Risk
from isms.services import risks
from isms.services.read.queries import current_criteria

from .test_review_wizard import meeting, started  # noqa: F401 (the fixture)


def _accept_items(wizard: Any, register: Register) -> dict[bool, tuple[int, str]]:
    """An agenda row whose risk's target is not reached (True) and one whose is (False),
    with the words each should show."""
    found: dict[bool, tuple[int, str]] = {}
    with register.session() as s:
        criteria = current_criteria(s)
        for row, item in enumerate(wizard.items):
            if item.subject_table != "risk" or DecisionKind.ACCEPT not in item.allowed:
                continue
            risk = s.get_one(Risk, item.subject_id)
            short = risks.target_not_reached(criteria, risk)
            levels = risks.levels(criteria, risk)
            words = (f"Accepts the current level {levels.current.name}: the target "
                     f"{levels.residual.name} is not reached.") if short and levels.current \
                and levels.residual else ""
            found.setdefault(short, (row, words))
    return found


def test_accept_says_the_current_level_is_accepted_while_the_target_is_not_reached(
        qtbot: Any, demo: Register, meeting: tuple[int, int]) -> None:  # noqa: F811
    wizard = started(qtbot, demo, meeting[0])
    found = _accept_items(wizard, demo)
    assert set(found) == {True, False}, "the demo's agenda has both kinds of risk"
    form = wizard.form
    row, words = found[True]
    assert words  # both levels rated
    wizard.agenda_list.setCurrentRow(row)
    form.choose(DecisionKind.RESCORE)
    assert form.accepting.isHidden()  # said with the acceptance only
    form.choose(DecisionKind.ACCEPT)
    assert not form.accepting.isHidden() and form.accepting.text() == words
    row, _ = found[False]
    wizard.agenda_list.setCurrentRow(row)
    form.choose(DecisionKind.ACCEPT)
    assert form.accepting.isHidden() and form.accepting.text() == ""
