"""The audit pack items that come straight from the register: the ISMS scope, the evidence files
and the change log (the review decisions are ``isms.services.reviews.decisions_report``'s).

Each takes the pack's department (None for the whole council) and returns a
:class:`~isms.io.exports.pack.PackItem`. Nothing here reads the clock: rows are ordered by refs
and ids, staleness is judged ``as_of`` a date the caller fixes, so the same register gives the
same items.

File contents are produced while the pack is written, so the session passed in must stay open
until :func:`~isms.io.exports.pack.write_pack` returns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from isms.db.audit_chain import verify_chain
from isms.db.changelog import plain
from isms.errors import NotFoundError, StorageError
from isms.io.cells import csv_text
from isms.io.exports.pack import PackFile, PackItem, PackTable, render_page, safe_member_name
from isms.model import Department, Evidence, EvidenceKind
from isms.model.audit import ChangeLogEntry
from isms.services.documents.log_extract import DepartmentFilter, log_columns
from isms.services.evidence import sha256_of, stored_path

_CHUNK = 1 << 20
_CSV_ROWS = 2000  # change-log rows per chunk handed to the zip


def _department(session: Session, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise NotFoundError(f"There is no department with id {department_id}.")
    return department


def scope_label(session: Session, department_id: int | None) -> str:
    """How the pack names what it covers: "Whole council" or "ENV - Environment and Highways"."""
    if department_id is None:
        return "Whole council"
    department = _department(session, department_id)
    return f"{department.code} - {department.name}"


# --- scope -----------------------------------------------------------------------------------


def scope_item(
    session: Session, *, number: str, department_id: int | None, generated: datetime,
    marking: str = "",
) -> PackItem:
    """The ISMS scope: every department (in scope or excluded) council-wide, or the one
    department, with its accreditation status and description; also as ``scope.html``, marked
    ``marking`` (the pack's) at its top and bottom."""
    query = select(Department).options(selectinload(Department.parent)).order_by(
        Department.code, Department.id)
    if department_id is not None:
        query = query.where(Department.id == _department(session, department_id).id)
    departments = list(session.execute(query).scalars())
    rows = [
        [d.code, d.name, d.parent.code if d.parent else "", "yes" if d.in_scope else "no",
         str(d.accreditation_status), d.description]
        for d in departments
    ]
    in_scope = sum(d.in_scope for d in departments)
    if department_id is None:
        description = (
            "The departments of the council and whether each is within the scope of the ISMS. "
            "Departments marked out of scope are the scope's exclusions."
        )
        facts = [("Pack covers", "Whole council"),
                 ("Departments in scope", f"{in_scope} of {len(departments)}")]
    else:
        description = "This pack covers one department of the council's ISMS."
        facts = [("Pack covers", scope_label(session, department_id))]
    notes = ([] if in_scope or not departments
             else ["No department in this pack is within the ISMS scope."])
    table = PackTable(["Code", "Department", "Part of", "In scope", "Accreditation",
                       "Description"], rows, flag_column=None)
    page_item = PackItem("", "ISMS scope", description, notes=notes, facts=facts, table=table)
    page = render_page("ISMS scope", [page_item], generated=generated, marking=marking)
    return PackItem(number, "ISMS scope", description, files=[PackFile("scope.html", page)],
                    notes=notes, facts=facts, table=table)


# --- evidence --------------------------------------------------------------------------------


def _verified_stream(path: Path, sha256: str, ref: str) -> Callable[[], Iterator[bytes]]:
    """The stored file in pieces; if it changes while the pack is written, the pack fails
    rather than carry a file that no longer matches what the index says was checked."""

    def chunks() -> Iterator[bytes]:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                yield chunk
        if digest.hexdigest() != sha256:
            raise StorageError(
                f"The file of evidence {ref} changed while the audit pack was written; "
                "write the pack again.")

    return chunks


def _file_status(store: Path | None, evidence: Evidence) -> str:
    """'' when the stored file is there with its recorded SHA-256, else what is wrong."""
    if store is None:
        return "file not included: this register has no evidence file store"
    assert evidence.stored_name is not None  # a file record always has one (check constraint)
    target = stored_path(store, evidence.stored_name)
    try:
        if not target.is_file():
            return "missing: the file is not in the evidence store"
        if sha256_of(target) != evidence.sha256:
            return "altered: the stored file no longer matches its recorded SHA-256; left out"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    return ""


def _period(evidence: Evidence) -> str:
    if evidence.period_start is None and evidence.period_end is None:
        return ""
    start = evidence.period_start.isoformat() if evidence.period_start else "..."
    end = evidence.period_end.isoformat() if evidence.period_end else "..."
    return f"{start} to {end}"


def evidence_item(
    session: Session,
    store: Path | None,
    *,
    number: str,
    department_id: int | None,
    as_of: date,
) -> PackItem:
    """Evidence of control operation: the department's evidence and the council-wide evidence
    (every record, for the whole council), files copied from ``store`` into ``evidence/``.

    Each stored file is checked against its recorded SHA-256 first: a missing or altered file is
    flagged and left out, never silently skipped. Links are listed as text (the pack holds no
    external links). Evidence past ``evidence_date + valid_days`` on ``as_of`` is flagged stale.
    ``store`` is None for a register without a file store (a server register).
    """
    query = (select(Evidence).options(selectinload(Evidence.controls))
             .order_by(Evidence.ref, Evidence.id))
    if department_id is not None:
        _department(session, department_id)
        query = query.where(or_(Evidence.department_id == department_id,
                                Evidence.department_id.is_(None)))
    taken: set[str] = set()
    files: list[PackFile] = []
    rows: list[list[str]] = []
    counts = {"stale": 0, "missing": 0, "altered": 0, "link": 0}
    for evidence in session.execute(query).scalars():
        flags: list[str] = []
        until = (evidence.evidence_date + timedelta(days=evidence.valid_days)
                 if evidence.valid_days is not None else None)
        if until is not None and until < as_of:
            flags.append(f"stale: valid until {until.isoformat()}")
            counts["stale"] += 1
        where = ""
        if evidence.kind == EvidenceKind.LINK:
            where = f"link, not in the pack: {evidence.url}"
            counts["link"] += 1
        else:
            problem = _file_status(store, evidence)
            if problem:
                flags.append(problem)
                counts["altered" if problem.startswith("altered") else "missing"] += 1
            else:
                assert store is not None and evidence.stored_name and evidence.sha256
                # Each part cleaned on its own: a name like "../../x" must not take the ref with it.
                ref, file_name = (safe_member_name(part, set())
                                  for part in (evidence.ref, evidence.file_name or "file"))
                name = safe_member_name(f"{ref} - {file_name}", taken)
                where = f"evidence/{name}"
                files.append(PackFile(
                    where,
                    _verified_stream(stored_path(store, evidence.stored_name), evidence.sha256,
                                     evidence.ref),
                    label=f"{evidence.ref}: {evidence.title}"))
        controls = ", ".join(c.ref for c in sorted(evidence.controls, key=lambda c: c.sort_key))
        rows.append([
            evidence.ref, evidence.title, evidence.evidence_date.isoformat(), _period(evidence),
            until.isoformat() if until else "", controls, where, evidence.sha256 or "",
            "; ".join(flags),
        ])
    notes = []
    if counts["missing"]:
        notes.append(f"{counts['missing']} evidence file(s) missing from the store: not included.")
    if counts["altered"]:
        notes.append(f"{counts['altered']} evidence file(s) no longer match their recorded "
                     "SHA-256: not included.")
    if counts["stale"]:
        notes.append(f"{counts['stale']} piece(s) of evidence stale on {as_of.isoformat()}.")
    description = (
        "Evidence that the controls operate, with the period it covers and the controls it "
        "supports. Files are copies of the register's evidence store, each checked against the "
        "SHA-256 recorded when it was attached. Evidence kept elsewhere is listed by its address, "
        "as text."
    )
    facts = [("Evidence records", str(len(rows))), ("Files in the pack", str(len(files))),
             ("Links (kept outside the pack)", str(counts["link"])),
             ("Staleness judged on", as_of.isoformat())]
    table = PackTable(["Ref", "Title", "Date", "Period", "Valid until", "Controls",
                       "File in the pack / link", "Recorded SHA-256", "Status"], rows,
                      flag_column=8)
    return PackItem(number, "Evidence of control operation", description, files=files,
                    notes=notes, facts=facts, table=table)


# --- change log ------------------------------------------------------------------------------

_LOG_COLUMNS = (ChangeLogEntry.id, ChangeLogEntry.at, ChangeLogEntry.actor, ChangeLogEntry.action,
                ChangeLogEntry.table_name, ChangeLogEntry.record_id, ChangeLogEntry.label,
                ChangeLogEntry.changes, ChangeLogEntry.prev_hash, ChangeLogEntry.entry_hash)
_LOG_HEADER = ("id", "at", "actor", "action", "table", "record", "label", "changes",
               "prev_hash", "entry_hash")


def _log_rows(session: Session, last_id: int) -> Iterable[Any]:
    return session.execute(select(*_LOG_COLUMNS).where(ChangeLogEntry.id <= last_id)
                           .order_by(ChangeLogEntry.id).execution_options(yield_per=_CSV_ROWS))


def _csv_chunks(session: Session, last_id: int, marking: str,
                keep: set[int] | None) -> Iterator[bytes]:
    """The log up to ``last_id`` as CSV (only the entries in ``keep`` when given), its first
    line the protective marking as a comment ("# OFFICIAL-SENSITIVE"), then the header."""
    text = io.StringIO()
    if marking:
        text.write(f"# {marking}\r\n")
    writer = csv.writer(text)
    writer.writerow(_LOG_HEADER)
    count = 0
    for row in _log_rows(session, last_id):
        if keep is not None and row.id not in keep:
            continue
        changes = json.dumps(row.changes, sort_keys=True, ensure_ascii=False,
                             separators=(",", ":"))
        writer.writerow([row.id] + [csv_text(v) for v in (
            plain(row.at), row.actor, row.action, row.table_name, row.record_id, row.label,
            changes, row.prev_hash, row.entry_hash)])
        count += 1
        if count % _CSV_ROWS == 0:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode()


def _chain_break(session: Session, last_id: int) -> int | None:
    """The id of the first entry whose hash does not follow from the one before, if any."""
    return verify_chain(session, last_id=last_id).broken_at


def department_entries(session: Session, department_id: int, last_id: int) -> set[int]:
    """The ids of the entries up to ``last_id`` about ``department_id``'s records and people
    and the council-wide settings (``log_extract``), for its pack's extract of the log."""
    query = (select(ChangeLogEntry.id, *log_columns()).where(ChangeLogEntry.id <= last_id)
             .order_by(ChangeLogEntry.id).execution_options(yield_per=_CSV_ROWS))
    choose = DepartmentFilter(session, department_id)
    choose.learn((row.table_name, row.record_id, row.changes) for row in session.execute(query))
    return {row.id for row in session.execute(query)
            if choose.keeps(row.table_name, row.record_id, row.changes)}


def change_log_item(session: Session, *, number: str, department_id: int | None = None,
                    marking: str = "") -> PackItem:
    """The change log as ``change-log.csv``, hash-chain columns included, its first line the
    marking: the whole log for the council's pack; for a department's, the extract of the
    entries about its records and people and the council-wide settings (data minimisation),
    with the whole log's head so the register can still be checked against it.

    The chain is verified whole here (only the whole log can show it unbroken), and the log is
    cut at the entry that is last now, so the CSV matches the head hash stated here even if
    someone saves while the pack is written.
    """
    last_id, head = session.execute(
        select(ChangeLogEntry.id, ChangeLogEntry.entry_hash)
        .order_by(ChangeLogEntry.id.desc()).limit(1)
    ).first() or (0, None)
    entries = session.execute(
        select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.id <= last_id)
    ).scalar_one()
    broken = _chain_break(session, last_id)
    keep = None if department_id is None else department_entries(session, department_id,
                                                                 last_id)
    facts = [("Entries", str(entries) if keep is None
              else f"{len(keep)} of the log's {entries} (an extract: this department's)"),
             ("Last entry", str(last_id) if last_id else "none"),
             ("Head hash (entry_hash of the last entry)", head or "none"),
             ("Hash chain", ("intact" if broken is None else f"broken at entry {broken}")
              + ("" if keep is None else " (verified over the whole log)"))]
    notes = ([] if broken is None else
             [f"The hash chain does not verify from entry {broken}: that entry, or one before "
              "it, was changed outside the application."])
    hashing = (
        "entry_hash is the SHA-256 of the canonical JSON of {prev, at, actor, action, table, "
        "record, label, changes} with prev the entry_hash of the entry before. Text that a "
        "spreadsheet would run as a formula starts with a single quote (drop it to recompute a "
        "hash). The first line of the file is its protective marking."
    )
    if keep is None:
        description = ("Every change made to the register: who, when, which record, each field "
                       "before and after. " + hashing)
    else:
        description = (
            "An extract of the change log: the changes to this department's records and "
            "people, to the council-wide settings it works under (risk method, markings, "
            "controls) and the register's events; other departments' records and staff are "
            "left out (data minimisation). Each entry keeps its prev_hash and entry_hash, so "
            "its hash can be recomputed from its own fields; the chain as a whole was verified "
            "over the whole log when the pack was made, and its head (below, and in "
            "manifest.json) is what `isms audit verify --against` this pack checks the "
            "register still holds. " + hashing)
    csv_file = PackFile("change-log.csv", lambda: _csv_chunks(session, last_id, marking, keep))
    return PackItem(number, "Change log" if keep is None else "Change log (extract)",
                    description, files=[csv_file], notes=notes, facts=facts)
