"""Many people writing at once still leave one change log: one linear hash chain, no fork, and no
one-shot command failing because another process wrote between its read and its write.

The process test starts twenty real `isms risks score` processes together on a few risks of a
small register, as twenty people on one shared register would, then checks every command
succeeded, every score landed (each risk's version counts them) and `isms audit verify` finds the
chain intact. The connection test holds one append open while a second one tries: the second must
wait and chain onto the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from itertools import pairwise, product
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.cli import main
from isms.db import open_register
from isms.db.changelog import write_entries
from isms.db.locks import lock_connection
from isms.errors import ConflictError
from isms.model import ChangeAction, ChangeLogEntry, Risk
from isms.model.base import utcnow
from tests import builders as b

pytestmark = pytest.mark.both_backends

WRITERS = 20
RISKS = 4
#: Seconds the whole burst may take before the test gives up (2 shared cores start 20 Pythons).
TIMEOUT = 240


def _chain(db: str) -> list[tuple[int, str | None, str]]:
    """(id, prev_hash, entry_hash) of every change-log entry, in id order."""
    with open_register(db) as register, register.session() as s:
        rows = s.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.prev_hash, ChangeLogEntry.entry_hash)
            .order_by(ChangeLogEntry.id)
        ).all()
    return [(int(i), p, h) for i, p, h in rows]


def _assert_one_linear_chain(chain: list[tuple[int, str | None, str]]) -> None:
    assert chain, "the change log is empty"
    assert chain[0][1] is None
    for (before_id, _, before_hash), (entry_id, prev_hash, _) in pairwise(chain):
        assert prev_hash == before_hash, f"entry {entry_id} does not chain to entry {before_id}"
    prevs = [prev for _, prev, _ in chain]
    assert len(set(prevs)) == len(prevs), "two entries chain to the same predecessor (a fork)"


def _verify(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, Any]:
    capsys.readouterr()
    code = main(["audit", "verify", "--db", db, "--json"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == 0, report
    return report


def _score(db: str, ref: str, likelihood: int, impact: int) -> list[str]:
    return [sys.executable, "-m", "isms", "risks", "score", ref,
            "--inherent", str(likelihood), str(impact), "--db", db]


def test_twenty_concurrent_writer_processes_leave_one_chain_and_all_succeed(
    register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_register(register_db) as register, register.transaction() as s:
        dept = b.department(s)
        made = [b.risk(s, dept) for _ in range(RISKS + 1)]
        ids = {risk.ref: risk.id for risk in made}
    measured, contested = made[0].ref, [risk.ref for risk in made[1:]]
    with open_register(register_db) as register, register.session() as s:
        versions = {ref: version for ref, version in s.execute(select(Risk.ref, Risk.version))}

    # One score on its own: how many entries a single score command writes.
    before = len(_chain(register_db))
    alone = subprocess.run(_score(register_db, measured, 2, 2), capture_output=True, text=True,
                           timeout=TIMEOUT, env={**os.environ}, check=False)
    assert alone.returncode == 0, alone.stderr
    per_command = len(_chain(register_db)) - before
    assert per_command >= 1

    # Five writers on each risk, each with a score no other writer of that risk gives, so every
    # one of them changes the risk (and writes its entries) whatever order they land in.
    pairs = list(product(range(1, 6), repeat=2))
    jobs = [(contested[n % RISKS], *pairs[n]) for n in range(WRITERS)]
    before = len(_chain(register_db))
    started = time.monotonic()
    children = [
        subprocess.Popen(_score(register_db, ref, likelihood, impact), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ})
        for ref, likelihood, impact in jobs
    ]
    try:
        outcomes = [child.communicate(timeout=TIMEOUT) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    took = time.monotonic() - started

    failed = [(job, child.returncode, err) for job, child, (_, err)
              in zip(jobs, children, outcomes, strict=True) if child.returncode != 0]
    assert not failed, failed
    chain = _chain(register_db)
    _assert_one_linear_chain(chain)
    assert len(chain) - before == WRITERS * per_command
    report = _verify(capsys, register_db)
    assert report["intact"] is True
    assert report["entries"] == len(chain)
    assert report["head_hash"] == chain[-1][2]
    with open_register(register_db) as register, register.session() as s:
        # No score was lost: each contested risk took one version step per writer.
        for ref in contested:
            stored = s.execute(select(Risk).where(Risk.ref == ref)).scalar_one()
            assert stored.version == versions[ref] + WRITERS // RISKS, ref
            assert (stored.inherent_likelihood, stored.inherent_impact) in {
                (lk, im) for r, lk, im in jobs if r == ref
            }
        updates = s.execute(
            select(func.count()).select_from(ChangeLogEntry).where(
                ChangeLogEntry.table_name == "risk",
                ChangeLogEntry.action == ChangeAction.UPDATE,
                ChangeLogEntry.record_id.in_([str(ids[ref]) for ref in contested]),
            )
        ).scalar()
        assert updates == WRITERS
    print(f"{WRITERS} writers took {took:.1f} s")


def _entry(label: str) -> dict[str, Any]:
    return {"at": utcnow(), "actor": "test", "action": ChangeAction.EVENT,
            "table_name": "register", "record_id": None, "label": label, "changes": {}}


def test_an_append_waits_for_the_open_one_and_chains_onto_it(
    register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two connections append at once: the second waits for the first's commit, then chains
    onto the first's entry instead of onto the head both saw before."""
    register = open_register(register_db)
    first_appended = threading.Event()
    times: dict[str, float] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with register.engine.connect() as connection, connection.begin():
                write_entries(connection, [_entry("first")])
                first_appended.set()
                time.sleep(1.0)  # the second append starts while this one is open
                times["first committed"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
            first_appended.set()

    def second() -> None:
        try:
            first_appended.wait(timeout=30)
            with register.engine.connect() as connection, connection.begin():
                write_entries(connection, [_entry("second")])
                times["second appended"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    _run_together(register, first, second)
    assert not errors, errors
    assert times["second appended"] >= times["first committed"]
    with open_register(register_db) as reg, reg.session() as s:
        rows = s.execute(
            select(ChangeLogEntry.label, ChangeLogEntry.prev_hash, ChangeLogEntry.entry_hash)
            .order_by(ChangeLogEntry.id.desc()).limit(2)
        ).all()
    (second_label, second_prev, _), (first_label, _, first_hash) = rows
    assert (first_label, second_label) == ("first", "second")
    assert second_prev == first_hash
    _assert_one_linear_chain(_chain(register_db))
    assert _verify(capsys, register_db)["intact"] is True


def test_a_stale_save_a_service_flushed_itself_is_named_as_a_conflict(register_db: str) -> None:
    """A command's session (not ``transaction()``) whose service flushed a stale record: the
    ConflictError names the record, so the command line retries it and never shows a bug."""
    with open_register(register_db) as register:
        with register.transaction() as s:
            risk_id = b.risk(s, b.department(s), ref="R-0077", title="Flood").id
        with pytest.raises(ConflictError) as raised, register.session() as mine:
            risk = mine.get(Risk, risk_id)
            assert risk is not None
            with register.transaction() as theirs:  # someone else saves first
                other = theirs.get(Risk, risk_id)
                assert other is not None
                other.title = "Flooding"
            risk.title = "Flood at the depot"
            mine.flush()
    assert "Risk R-0077 was changed by someone else" in str(raised.value)
    assert (raised.value.yours, raised.value.theirs) == (1, 2)


def test_a_step_lock_and_the_append_lock_never_wait_for_each_other_in_a_circle(
    register_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One writer holds a step's lock (an import's department) and will append at its end; the
    other appends first (the people its import made), then wants that department. Locks are
    taken in one order (the change log's first), so the second waits instead of deadlocking."""
    register = open_register(register_db)
    holding = threading.Event()
    errors: list[BaseException] = []

    def department_first() -> None:
        try:
            with register.engine.connect() as connection, connection.begin():
                lock_connection(connection, "import", 7)
                holding.set()
                time.sleep(1.0)  # the other writer appends meanwhile
                write_entries(connection, [_entry("batch imported")])
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
            holding.set()

    def append_first() -> None:
        try:
            holding.wait(timeout=30)
            with register.engine.connect() as connection, connection.begin():
                write_entries(connection, [_entry("people made")])
                lock_connection(connection, "import", 7)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    _run_together(register, department_first, append_first)
    assert not errors, errors  # PostgreSQL names a deadlock here when the order is not kept
    with open_register(register_db) as reg, reg.session() as s:
        labels = s.execute(
            select(ChangeLogEntry.label).order_by(ChangeLogEntry.id.desc()).limit(2)
        ).scalars().all()
    assert labels == ["people made", "batch imported"]
    _assert_one_linear_chain(_chain(register_db))
    assert _verify(capsys, register_db)["intact"] is True


def _run_together(register: Any, *targets: Callable[[], None]) -> None:
    """Run each target in a thread of its own, all at once; then close the register."""
    try:
        threads = [threading.Thread(target=target) for target in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        register.close()
