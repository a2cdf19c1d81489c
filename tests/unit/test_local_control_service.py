"""Local controls through ``edits.add_local_control`` and the recorded ``edits.save`` on a real
register: created in the local edition, usable by the SoA and a risk's treatment, edited and
undone; Annex A controls are never changed."""

from __future__ import annotations

import pytest

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import Applicability, Control, ControlEdition
from isms.services import edits, records, risks
from isms.services.read import lists, queries
from isms.services.soa.rows import soa_rows
from tests import builders as b


def _local(register: Register) -> list[tuple[str, str, str, str]]:
    with register.session() as s:
        return [(c.ref, c.title, c.theme, c.description)
                for c in queries.controls(s, ControlEdition.LOCAL)]


def test_a_local_control_is_added_used_edited_and_undone(register: Register) -> None:
    with register.session() as s:
        saved = edits.add_local_control(s, {"ref": " PSN-3 ", "title": "Patch within 14 days",
                                            "source": "PSN", "description": "IA conditions."})
        commit(s)
        control = s.get(Control, saved.record_id)
        assert control is not None and control.edition == ControlEdition.LOCAL
        assert queries.control_by_ref(s, "PSN-3").id == control.id
        # A treatment can rely on it, and the department's SoA then holds it as applicable.
        dept = b.department(s, code="HSG")
        risk = b.risk(s, dept)
        entry = risks.link_control(s, risk, control)
        commit(s)
        assert entry.applicability == Applicability.APPLICABLE
        assert records.soa_entry(s, dept.id, control.id) is entry
        # The SoA (document and page) lists it after the 93 Annex A controls, as applicable.
        rows = soa_rows(s, dept.id)
        assert [(r.ref, r.theme, r.applicability) for r in rows[93:]] == [
            ("PSN-3", "PSN", Applicability.APPLICABLE)]
        page = lists.control_rows(s, lists.control_ids(s, department=dept.id), dept.id)
        assert [(r.ref, r.applicability) for r in page[93:]] == [("PSN-3", "applicable")]
        assert len(page) == len(rows) == 94
    assert _local(register) == [("PSN-3", "Patch within 14 days", "PSN", "IA conditions.")]

    with register.session() as s:
        control = queries.control_by_ref(s, "PSN-3")
        edited = edits.save(s, "local control", control.id, control.version,
                            {"ref": "PSN-4", "source": "contract"})
        commit(s)
    assert edited.text == "Edit local control PSN-4"
    assert _local(register) == [("PSN-4", "Patch within 14 days", "contract", "IA conditions.")]
    with register.session() as s:
        assert edited.change_id is not None
        edits.undo_change(s, edited.change_id)
        commit(s)
    assert _local(register) == [("PSN-3", "Patch within 14 days", "PSN", "IA conditions.")]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"ref": "", "title": "T", "source": "PSN"}, "ref", "needs a reference"),
    ({"ref": "5.15", "title": "T", "source": "PSN"}, "ref", "is an Annex A control's number"),
    ({"ref": "A.9.2.1", "title": "T", "source": "PSN"}, "ref", "is an Annex A control's number"),
    ({"ref": "psn-1", "title": "T", "source": "PSN"}, "ref", "Another local control"),
    ({"ref": "X" * 21, "title": "T", "source": "PSN"}, "ref", "longer than 20"),
    ({"ref": "PSN-2", "title": " ", "source": "PSN"}, "title", "needs a title"),
    ({"ref": "PSN-2", "title": "T", "source": ""}, "source", "Say where"),
])
def test_a_bad_local_control_names_its_field(
    register: Register, values: dict[str, str], field: str, message: str
) -> None:
    with register.session() as s:
        edits.add_local_control(s, {"ref": "PSN-1", "title": "Existing", "source": "PSN"})
        commit(s)
        with pytest.raises(ValidationError, match=message) as refused:
            edits.add_local_control(s, values)
        assert refused.value.field == field
        s.rollback()
    assert [ref for ref, *_ in _local(register)] == ["PSN-1"]


def test_an_annex_a_control_is_never_edited_as_a_local_one(register: Register) -> None:
    with register.session() as s:
        control = queries.control_by_ref(s, "5.15")
        with pytest.raises(ValidationError, match="5.15 is an Annex A control") as refused:
            edits.save(s, "local control", control.id, control.version, {"title": "Mine"})
        assert refused.value.field == "ref"
        s.rollback()
        assert queries.control_by_ref(s, "5.15").title == "Access control"
