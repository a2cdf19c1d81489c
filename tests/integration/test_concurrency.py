"""Two people at once, as two processes on one register: saves of the same record, imports into
the same department, sign-offs of the same review.

Each test starts two 'spawn' processes (nothing inherited but the arguments, like two desktops)
that read first, wait at a barrier until both have read, then write. Every wait has a timeout, so
a deadlock fails the test instead of hanging the run.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from isms.db import commit, expect_version, open_register
from isms.errors import ConflictError, ValidationError
from isms.model import (
    Asset,
    ChangeAction,
    ChangeLogEntry,
    DecisionKind,
    ImportBatch,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    Role,
)
from isms.services import risks
from isms.services.imports import files as import_files
from isms.services.reviews import meetings as reviews
from tests import builders as b

# Storage behaviour under concurrency: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends

#: Seconds any one wait may take before the test gives up (a deadlock fails, never hangs).
TIMEOUT = 60
#: How long the first importer keeps its transaction open, so the second one must wait.
HOLD = 0.5


def _run_pair(target: Callable[..., None], args: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Run ``target(*args[i], barrier, results)`` in two spawned processes; their reports."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args))
    results = ctx.Queue()
    workers = [ctx.Process(target=target, args=(*a, barrier, results)) for a in args]
    for worker in workers:
        worker.start()
    try:
        reports = [results.get(timeout=TIMEOUT) for _ in workers]
        for worker in workers:
            worker.join(timeout=TIMEOUT)
            assert worker.exitcode == 0, f"worker exited with {worker.exitcode}"
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join()
    crashes = [r for r in reports if r[0] == "crash"]
    assert not crashes, crashes
    return reports


# --- workers (module level, so a spawned process can import them) ---------------------------


def _edit_risk(db: str, risk_id: int, title: str, barrier: Any, results: Any) -> None:
    try:
        register = open_register(db)
        try:
            with register.session(actor=title) as s:
                risk = s.get(Risk, risk_id)
                assert risk is not None
                version, description, owner = risk.version, risk.description, risk.owner
                barrier.wait(timeout=TIMEOUT)  # both editors are open at the same version
                risks.update_details(risk, title=title, description=description, owner=owner)
                expect_version(risk, version)
                try:
                    commit(s)
                    results.put(("saved", title, version, ""))
                except ConflictError as exc:
                    results.put(("conflict", title, version, str(exc)))
        finally:
            register.close()
    except BaseException as exc:  # report, so the test names the failure instead of timing out
        results.put(("crash", title, None, repr(exc)))


def _import_assets(
    db: str, path: str, department_id: int, barrier: Any, results: Any
) -> None:
    try:
        register = open_register(db)
        try:
            with register.session(actor=Path(path).stem) as s:
                prepared = import_files.prepare(
                    s, Path(path), kind="assets", department_id=department_id
                )
                with prepared.source:
                    plan = import_files.plan(s, prepared, department_id)
                    barrier.wait(timeout=TIMEOUT)  # both files are previewed: all rows "new"
                    outcome = import_files.apply(s, plan, valid_only=False)
                    applied = time.monotonic()
                    time.sleep(HOLD)
                    commit(s)
                    committed = time.monotonic()
            results.put(("imported", Path(path).stem, outcome, applied, committed))
        finally:
            register.close()
    except BaseException as exc:
        results.put(("crash", Path(path).stem, repr(exc)))


def _review_step(
    db: str, step: str, ref: str, chair_id: int, barrier: Any, results: Any
) -> None:
    try:
        register = open_register(db)
        try:
            # The chair signs as themselves (username "chair").
            with register.session(actor="chair" if step == "sign" else f"{step} {chair_id}") as s:
                meeting = reviews.meeting_by_ref(s, ref)
                barrier.wait(timeout=TIMEOUT)  # both have the meeting open in the same state
                try:
                    if step == "sign":
                        reviews.sign_off(s, meeting.id, now=datetime.now(UTC))
                    else:
                        reviews.complete_review(s, meeting.id)
                    commit(s)
                    results.put(("done", ""))
                except ValidationError as exc:
                    s.rollback()
                    results.put(("refused", str(exc)))
        finally:
            register.close()
    except BaseException as exc:
        results.put(("crash", repr(exc)))


# --- tests ----------------------------------------------------------------------------------


def test_two_people_saving_the_same_risk_one_conflict_no_lost_update(register_db: str) -> None:
    with open_register(register_db) as register, register.transaction() as s:
        risk_id = b.risk(s, b.department(s), ref="R-0042", title="Flood at the depot").id

    reports = _run_pair(
        _edit_risk,
        [(register_db, risk_id, "Flood at the Ashford depot"),
         (register_db, risk_id, "Depot flooding")],
    )

    assert sorted(r[0] for r in reports) == ["conflict", "saved"]
    assert {r[2] for r in reports} == {1}  # both read version 1
    winner = next(r[1] for r in reports if r[0] == "saved")
    refused = next(r for r in reports if r[0] == "conflict")
    assert "Risk R-0042 was changed by someone else" in refused[3]
    with open_register(register_db) as register, register.session() as s:
        stored = s.get(Risk, risk_id)
        assert stored is not None
        assert (stored.title, stored.version) == (winner, 2)
        updates = s.execute(
            select(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "risk",
                ChangeLogEntry.record_id == str(risk_id),
                ChangeLogEntry.action == ChangeAction.UPDATE,
            )
        ).scalars().all()
        assert len(updates) == 1
        assert updates[0].changes["title"] == ["Flood at the depot", winner]


def _asset_file(path: Path, names: list[str]) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset name", "Description"])
    for name in names:
        sheet.append([name, f"{name} records"])
    book.save(path)
    return str(path)


def test_two_imports_into_one_department_run_one_after_the_other(
    register_db: str, tmp_path: Path
) -> None:
    with open_register(register_db) as register, register.transaction() as s:
        dept_id = b.department(s, code="ENV", name="Environment").id
    first = [f"Asset {n}" for n in range(1, 6)]  # 1-5
    second = [f"Asset {n}" for n in range(3, 9)]  # 3-8: 3, 4 and 5 are in both files

    reports = _run_pair(
        _import_assets,
        [(register_db, _asset_file(tmp_path / "first.xlsx", first), dept_id),
         (register_db, _asset_file(tmp_path / "second.xlsx", second), dept_id)],
    )

    earlier, later = sorted(reports, key=lambda r: r[4])
    # One waited for the other: it only got past the lock after the other had committed.
    assert later[3] >= earlier[4]
    # As if run one after the other: the later file found the shared rows already there.
    assert earlier[2].created == len(first if earlier[1] == "first" else second)
    assert (later[2].created, later[2].unchanged) == (8 - earlier[2].created, 3)
    with open_register(register_db) as register, register.session() as s:
        stored = s.execute(
            select(Asset.name, Asset.ref).where(Asset.department_id == dept_id)
        ).all()
        assert sorted(name for name, _ in stored) == sorted(f"Asset {n}" for n in range(1, 9))
        assert sorted(ref for _, ref in stored) == [f"ENV-{n:04d}" for n in range(1, 9)]
        batches = s.execute(select(ImportBatch).order_by(ImportBatch.id)).scalars().all()
        assert [b.counts["created"] for b in batches] == [earlier[2].created, later[2].created]
        events = s.execute(
            select(func.count()).select_from(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "import_batch"
            )
        ).scalar()
        assert events == 2


def _completed_review(register_db: str, *, complete: bool = True) -> tuple[str, int]:
    with open_register(register_db) as register, register.transaction() as s:
        chair = b.person(s, name="Chair", username="chair")
        chair.add_role(Role.APPROVER)
        meeting = reviews.plan_review(
            s, title="SMG", meeting_date=date(2026, 3, 1), chair_id=chair.id
        )
        reviews.start_review(s, meeting.id, today=date(2026, 3, 1))
        for item in reviews.agenda(s, meeting.id):
            reviews.decide(s, item.id, DecisionKind.NOTED, actor="t", today=date(2026, 3, 1))
        if complete:
            reviews.complete_review(s, meeting.id)
            reviews.conclude(s, meeting.id, **dict.fromkeys(
                (key for key, _label in reviews.CONCLUSIONS), "Agreed"))
        return meeting.ref, chair.id


def test_two_sign_offs_of_one_review_one_is_refused(register_db: str) -> None:
    ref, chair_id = _completed_review(register_db)

    reports = _run_pair(
        _review_step, [(register_db, "sign", ref, chair_id), (register_db, "sign", ref, chair_id)]
    )

    assert sorted(r[0] for r in reports) == ["done", "refused"]
    refused = next(r[1] for r in reports if r[0] == "refused")
    assert refused == f"Review {ref} was already signed off by Chair; it can no longer change."
    with open_register(register_db) as register, register.session() as s:
        meeting = reviews.meeting_by_ref(s, ref)
        assert meeting.status == ReviewStatus.SIGNED_OFF
        signed = s.execute(
            select(func.count()).select_from(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "review_meeting",
                ChangeLogEntry.action == ChangeAction.EVENT,
                ChangeLogEntry.label.like("%signed off%"),
            )
        ).scalar()
        assert signed == 1


def test_two_completions_of_one_review_one_is_refused(register_db: str) -> None:
    ref, chair_id = _completed_review(register_db, complete=False)

    reports = _run_pair(
        _review_step,
        [(register_db, "complete", ref, chair_id), (register_db, "complete", ref, chair_id)],
    )

    assert sorted(r[0] for r in reports) == ["done", "refused"]
    refused = next(r[1] for r in reports if r[0] == "refused")
    assert refused == f"Review {ref} is completed; completing it needs it in progress."
    with open_register(register_db) as register, register.session() as s:
        stored = s.execute(select(ReviewMeeting).where(ReviewMeeting.ref == ref)).scalar_one()
        assert stored.status == ReviewStatus.COMPLETED
