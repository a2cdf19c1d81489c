"""Evidence of control operation: files kept in the register's evidence store, or links.

The store is a folder beside a SQLite register (``register.isms`` -> ``register.evidence/``).
Files are content-addressed: a file is stored under its SHA-256, so the same content is kept once
however many evidence records point at it, and :func:`verify` can tell whether a stored file is
still the one that was attached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.location import Location
from ..errors import NotFoundError, StorageError, ValidationError
from ..io.files import write_atomically
from ..model import Control, Department, Evidence, EvidenceKind
from . import local_controls
from .dates import check_valid_days

#: Read files in pieces this large while hashing them.
_CHUNK = 1 << 20
STORE_SUFFIX = ".evidence"


def evidence_dir(register_location: Location) -> Path:
    """The evidence store of a register: ``register.evidence/`` beside ``register.isms``."""
    if register_location.path is None:
        raise StorageError(
            f"Evidence files need a file store, and the register at "
            f"{register_location.display()} is on a database server. Attach links for now; "
            "a file store for server registers is a later issue."
        )
    return register_location.path.with_suffix(STORE_SUFFIX)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in pieces (evidence can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_path(store: Path, stored_name: str) -> Path:
    return store / stored_name


def _stored_name(sha256: str) -> str:
    # Fan out over 256 folders so a store with many thousands of files stays quick to list.
    return f"{sha256[:2]}/{sha256}"


def keep_file(store: Path, source: Path) -> tuple[str, str, int]:
    """Copy ``source`` into ``store`` once per content: its stored name, SHA-256 and size. The
    document register keeps its files here too (services/policies.py)."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise StorageError(f"Cannot read {source}: {exc.strerror}") from exc
    sha256 = hashlib.sha256(data).hexdigest()
    name = _stored_name(sha256)
    target = stored_path(store, name)
    if not (target.is_file() and sha256_of(target) == sha256):
        write_atomically(target, data, make_folder=True)  # the store's own fan-out folders
    return name, sha256, len(data)


def attach_file(
    session: Session,
    store: Path,
    source: Path,
    *,
    ref: str,
    title: str,
    evidence_date: date,
    period_start: date | None = None,
    period_end: date | None = None,
    valid_days: int | None = None,
    department_id: int | None = None,
    controls: Iterable[int] = (),
) -> Evidence:
    """Copy ``source`` into ``store`` (once per content) and record it as evidence.

    ``controls`` are the ids of the controls it shows operating. The record is validated before
    the file is copied; the caller commits. A file left in the store by a rolled-back save is
    harmless: it is content-addressed, and the next attach of the same content reuses it.
    """
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"There is no file {source} to attach.")
    evidence = _new(session, EvidenceKind.FILE, ref=ref, title=title,
                    evidence_date=evidence_date, period_start=period_start,
                    period_end=period_end, valid_days=valid_days, department_id=department_id,
                    controls=controls)
    evidence.file_name = source.name
    evidence.stored_name, evidence.sha256, evidence.size_bytes = keep_file(store, source)
    session.add(evidence)
    session.flush()
    return evidence


def add_link(
    session: Session,
    *,
    ref: str,
    title: str,
    url: str,
    evidence_date: date,
    period_start: date | None = None,
    period_end: date | None = None,
    valid_days: int | None = None,
    department_id: int | None = None,
    controls: Iterable[int] = (),
) -> Evidence:
    """Record evidence kept elsewhere (an intranet page, a shared folder); the caller commits."""
    url = url.strip()
    if not url:
        raise ValidationError("A link needs an address.", field="url")
    evidence = _new(session, EvidenceKind.LINK, ref=ref, title=title,
                    evidence_date=evidence_date, period_start=period_start,
                    period_end=period_end, valid_days=valid_days, department_id=department_id,
                    controls=controls)
    evidence.url = url
    session.add(evidence)
    session.flush()
    return evidence


def verify(store: Path, evidence: Evidence) -> bool:
    """True when the evidence's stored file is there and still has the SHA-256 recorded."""
    if evidence.kind != EvidenceKind.FILE or not evidence.stored_name or not evidence.sha256:
        raise ValidationError(f"Evidence {evidence.ref} is a link, not a stored file.")
    target = stored_path(store, evidence.stored_name)
    try:
        return target.is_file() and sha256_of(target) == evidence.sha256
    except OSError:
        return False


def _new(
    session: Session,
    kind: EvidenceKind,
    *,
    ref: str,
    title: str,
    evidence_date: date,
    period_start: date | None,
    period_end: date | None,
    valid_days: int | None,
    department_id: int | None,
    controls: Iterable[int],
) -> Evidence:
    """A validated, not yet added evidence record; a ValidationError names the field."""
    ref, title = ref.strip(), title.strip()
    if not ref:
        raise ValidationError("The evidence needs a reference.", field="ref")
    if not title:
        raise ValidationError("The evidence needs a title.", field="title")
    taken = session.execute(
        select(Evidence.id).where(func.lower(Evidence.ref) == ref.lower())
    ).first()
    if taken:
        raise ValidationError(f"Another piece of evidence is already {ref}.", field="ref")
    if period_start and period_end and period_start > period_end:
        raise ValidationError(
            f"The period starts ({period_start}) after it ends ({period_end}).",
            field="period_end",
        )
    if valid_days is not None and valid_days <= 0:
        raise ValidationError("Valid for must be a number of days above 0, or blank.",
                              field="valid_days")
    if valid_days is not None:
        check_valid_days(evidence_date, valid_days)
    if department_id is not None and session.get(Department, department_id) is None:
        raise ValidationError(f"There is no department with id {department_id}.",
                              field="department_id")
    wanted = list(dict.fromkeys(controls))
    found = list(session.execute(select(Control).where(Control.id.in_(wanted))).scalars())
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {c.id for c in found})
        raise ValidationError(
            f"There is no control with id {', '.join(map(str, missing))}.", field="controls"
        )
    local_controls.refuse_retired(found, "controls")
    return Evidence(
        ref=ref, title=title, kind=kind, evidence_date=evidence_date,
        period_start=period_start, period_end=period_end, valid_days=valid_days,
        department_id=department_id, controls=found,
    )
