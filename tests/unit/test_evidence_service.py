"""Evidence through ``edits.add_evidence_link`` and ``edits.retire_evidence`` on a real
register: a retirement stops the evidence supporting its controls and ends its validity,
keeps it in the register with the reason, and undo brings it all back."""

from __future__ import annotations

from datetime import date

import pytest

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import Evidence
from isms.services import edits
from isms.services.read import lists, queries

TODAY = date(2026, 11, 25)


def _state(register: Register, evidence_id: int) -> tuple[list[str], int | None, str, bool]:
    with register.session() as s:
        item = s.get(Evidence, evidence_id)
        assert item is not None
        [row] = lists.evidence_rows(s, [evidence_id], today=TODAY)
        return sorted(c.ref for c in item.controls), item.valid_days, item.description, row.stale


def test_retired_evidence_supports_nothing_reads_stale_and_comes_back(register: Register) -> None:
    with register.session() as s:
        controls = [queries.control_by_ref(s, ref).id for ref in ("5.15", "8.24")]
        added = edits.add_evidence_link(
            s, " https://intranet.example/policy ", ref="EV-0001", department_id=None,
            values={"title": "Access policy", "description": "Approved by SMG.",
                    "evidence_date": date(2026, 1, 1), "valid_days": 365,
                    "controls": controls})
        commit(s)
        item = s.get(Evidence, added.record_id)
        assert item is not None and item.url == "https://intranet.example/policy"
    assert added.record_id is not None
    before = _state(register, added.record_id)
    assert before == (["5.15", "8.24"], 365, "Approved by SMG.", False)

    with register.session() as s:
        item = s.get(Evidence, added.record_id)
        assert item is not None
        with pytest.raises(ValidationError) as refused:
            edits.retire_evidence(s, item.id, item.version, "  ", today=TODAY)
        assert refused.value.field == "reason"
        s.rollback()
        retired = edits.retire_evidence(s, item.id, item.version, "Superseded by v2.",
                                        today=TODAY)
        commit(s)
    assert retired.text == "Retire evidence EV-0001"
    assert _state(register, added.record_id) == (
        [], 327, "Approved by SMG.\n\nRetired on 2026-11-25: Superseded by v2.", True)

    assert retired.change_id is not None
    with register.session() as s:
        edits.undo_change(s, retired.change_id)
        commit(s)
    assert _state(register, added.record_id) == before
