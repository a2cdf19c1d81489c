"""Local controls through ``edits.add_local_control`` and the recorded ``edits.save`` on a real
register: created in the local edition, usable by the SoA and a risk's treatment, edited and
undone; Annex A controls are never changed; a retired one stays in the register, off the SoA and
the pick-lists, and undo and redo take its retirement back and forth (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import Applicability, Control, ControlEdition
from isms.model.base import utcnow
from isms.services import edits, records, risks
from isms.services.read import lists, queries
from isms.services.read.risk_record import risk_choices
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


def _retired_at(register: Register, control_id: int) -> tuple[int, datetime | None]:
    """The control's version and retired_at, the row read from the register's table."""
    with register.session() as s:
        version, stored = s.execute(
            text("SELECT version, retired_at FROM control WHERE id = :id"), {"id": control_id}
        ).one()
        control = s.get(Control, control_id)
        assert control is not None
        assert (stored is None) == (control.retired_at is None)
        return int(version), control.retired_at


def _offered(register: Register, department_id: int) -> tuple[list[str], ...]:
    """Where a local control shows: the local list, the SoA document's and page's rows, a
    risk's and evidence's pick-lists (by reference), and the list with retired ones."""
    with register.session() as s:
        page = lists.control_rows(s, lists.control_ids(s, department=department_id),
                                  department_id)
        return ([c.ref for c in queries.controls(s, ControlEdition.LOCAL)],
                [r.ref for r in soa_rows(s, department_id)[93:]],
                [r.ref for r in page[93:]],
                [label.split()[0] for label, _ in risk_choices(s, department_id).controls[93:]],
                [c.ref for c in queries.controls(s, ControlEdition.LOCAL, include_retired=True)])


@pytest.mark.both_backends
def test_a_retired_local_control_stays_off_the_soa_and_undo_and_redo_take_it_back_and_forth(
    register: Register,
) -> None:
    with register.session() as s:
        dept = b.department(s, code="HSG")
        saved = edits.add_local_control(s, {"ref": "PSN-3", "title": "Patch within 14 days",
                                            "source": "PSN"})
        commit(s)
        dept_id, control_id = dept.id, saved.record_id
    assert control_id is not None
    assert _offered(register, dept_id) == (["PSN-3"],) * 5
    version, _ = _retired_at(register, control_id)

    before = utcnow()
    with register.session() as s:
        retired = edits.retire_local_control(s, control_id, version, name="PSN-3")
        commit(s)
    assert retired.text == "Retire local control PSN-3" and retired.change_id is not None
    version, retired_at = _retired_at(register, control_id)
    assert retired_at is not None and before <= retired_at <= utcnow()
    assert _offered(register, dept_id) == ([], [], [], [], ["PSN-3"])
    day = retired_at.astimezone().date().isoformat()
    with register.session() as s:
        control = s.get(Control, control_id)
        assert control is not None
        for attempt, message in (
            (lambda: edits.save(s, "local control", control_id, version, {"title": "T"}),
             "Local control PSN-3 is retired and can no longer be edited."),
            (lambda: edits.retire_local_control(s, control_id, version),
             "Local control PSN-3 is retired already."),
            # Its reference stays its own: what was said of PSN-3 stays unambiguous.
            (lambda: edits.add_local_control(s, {"ref": "psn-3", "title": "T", "source": "PSN"}),
             f"Another local control is already psn-3 (retired on {day})."),
        ):
            with pytest.raises(ValidationError) as refused:
                attempt()
            assert (str(refused.value), refused.value.field) == (message, "ref")
            s.rollback()

    with register.session() as s:
        edits.undo_change(s, retired.change_id)
        commit(s)
    assert _retired_at(register, control_id) == (version + 1, None)
    assert _offered(register, dept_id) == (["PSN-3"],) * 5
    with register.session() as s:
        edits.redo_change(s, retired.change_id)
        commit(s)
    assert _retired_at(register, control_id) == (version + 2, retired_at)
    assert _offered(register, dept_id) == ([], [], [], [], ["PSN-3"])


@pytest.mark.both_backends
def test_a_local_control_in_use_is_not_retired_nor_retired_again_by_a_redo(
    register: Register,
) -> None:
    with register.session() as s:
        dept = b.department(s, code="HSG")
        saved = edits.add_local_control(s, {"ref": "LC-1", "title": "Lock screens",
                                            "source": "policy"})
        commit(s)
        control = s.get(Control, saved.record_id)
        assert control is not None
        retired = edits.retire_local_control(s, control.id, control.version)
        commit(s)
        assert retired.change_id is not None
        edits.undo_change(s, retired.change_id)
        commit(s)
        # Back in use, a treatment relies on it: neither a retirement nor a redo retires it.
        risks.link_control(s, b.risk(s, dept), control)
        commit(s)
        for attempt in (lambda: edits.retire_local_control(s, control.id, control.version),
                        lambda: edits.redo_change(s, retired.change_id)):
            with pytest.raises(ValidationError, match=r"LC-1 is in use \(risk R-"):
                attempt()
            s.rollback()
    assert saved.record_id is not None
    assert _retired_at(register, saved.record_id)[1] is None


def test_nothing_new_relies_on_a_retired_local_control(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s, code="HSG")
        risk = b.risk(s, dept)
        evidence = edits.add_evidence_link(
            s, "https://x.example", ref="EV-0001", department_id=None,
            values={"title": "Patch report", "evidence_date": date(2026, 1, 1)})
        saved = edits.add_local_control(s, {"ref": "PSN-3", "title": "Patch", "source": "PSN"})
        commit(s)
        control = s.get(Control, saved.record_id)
        assert control is not None and evidence.record_id is not None
        edits.retire_local_control(s, control.id, control.version)
        commit(s)
        message = "Local control PSN-3 is retired: nothing new can rely on it."
        for field, attempt in (
            ("control_ids", lambda: risks.link_control(s, risk, control)),
            ("control_ids", lambda: edits.save_risk(s, risk.id, risk.version,
                                                    {"control_ids": [control.id]})),
            ("control_id", lambda: edits.add_action(s, risk.id, {"title": "Patch",
                                                                 "control_id": control.id})),
            ("controls", lambda: edits.add_evidence_link(
                s, "https://y.example", ref="EV-0002", department_id=None,
                values={"title": "T", "evidence_date": date(2026, 1, 1),
                        "controls": [control.id]})),
            ("controls", lambda: edits.save(s, "evidence", evidence.record_id, 1,
                                            {"controls": [control.id]})),
            ("control_id", lambda: edits.save_soa(s, dept.id, control.id, 0,
                                                  {"applicability": "applicable"})),
        ):
            with pytest.raises(ValidationError) as refused:
                attempt()
            assert (str(refused.value), refused.value.field) == (message, field)
            s.rollback()
        assert not risk.controls and records.soa_entry(s, dept.id, control.id) is None
