"""The evidence store on real temporary files: content-addressed copies, links, verification."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from isms.db import Register
from isms.db.location import resolve
from isms.errors import NotFoundError, StorageError, ValidationError
from isms.model import Control, Evidence, EvidenceKind
from isms.services import evidence

DAY = date(2026, 3, 2)


@pytest.fixture
def store(register: Register) -> Path:
    return evidence.evidence_dir(register.location)


def control_ids(register: Register, count: int) -> list[int]:
    with register.session() as session:
        return list(session.execute(select(Control.id).order_by(Control.id).limit(count))
                    .scalars())


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_store_is_a_folder_beside_a_sqlite_register(tmp_path: Path) -> None:
    location = resolve(str(tmp_path / "council" / "register.isms"))
    assert evidence.evidence_dir(location) == tmp_path / "council" / "register.evidence"


def test_a_server_register_has_no_file_store_yet() -> None:
    location = resolve("postgresql://isms:secret@db.council.example/isms")
    with pytest.raises(StorageError, match="need a file store") as caught:
        evidence.evidence_dir(location)
    assert "secret" not in str(caught.value)


def test_attach_copies_the_file_under_its_sha256(
    register: Register, store: Path, tmp_path: Path
) -> None:
    data = b"%PDF-1.7 quarterly access review\n" * 100
    source = write(tmp_path / "Access review Q1.pdf", data)
    controls = control_ids(register, 2)
    with register.transaction() as session:
        record = evidence.attach_file(
            session, store, source, ref="EV-001", title="Quarterly access review",
            evidence_date=DAY, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
            valid_days=90, controls=controls)
        record_id = record.id
    digest = hashlib.sha256(data).hexdigest()
    with register.session() as session:
        saved = session.get(Evidence, record_id)
        assert saved is not None
        assert saved.kind == EvidenceKind.FILE
        assert (saved.file_name, saved.sha256, saved.size_bytes) == (
            "Access review Q1.pdf", digest, len(data))
        assert saved.stored_name is not None and digest in saved.stored_name
        assert sorted(c.id for c in saved.controls) == controls
        assert (store / saved.stored_name).read_bytes() == data
        assert evidence.verify(store, saved)
    assert source.read_bytes() == data  # the user's file is left as it was
    assert not list(store.rglob("*.partial"))


def test_the_same_content_is_stored_once(
    register: Register, store: Path, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.xlsx", b"same bytes")
    second = write(tmp_path / "b.xlsx", b"same bytes")
    with register.transaction() as session:
        one = evidence.attach_file(session, store, first, ref="EV-1", title="One",
                                   evidence_date=DAY)
        two = evidence.attach_file(session, store, second, ref="EV-2", title="Two",
                                   evidence_date=DAY)
        assert one.stored_name == two.stored_name
        assert (one.file_name, two.file_name) == ("a.xlsx", "b.xlsx")
    assert [p for p in store.rglob("*") if p.is_file()] == [store / str(one.stored_name)]


def test_verify_notices_a_changed_or_missing_file(
    register: Register, store: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "log.csv", b"date,incident\n")
    with register.transaction() as session:
        record = evidence.attach_file(session, store, source, ref="EV-1", title="Log",
                                      evidence_date=DAY)
        stored = store / str(record.stored_name)
        assert evidence.verify(store, record)
        stored.write_bytes(b"tampered")
        assert not evidence.verify(store, record)
        stored.unlink()
        assert not evidence.verify(store, record)
        # Attaching the content again repairs the store.
        again = write(tmp_path / "log again.csv", b"date,incident\n")
        evidence.attach_file(session, store, again, ref="EV-2", title="Log", evidence_date=DAY)
        assert evidence.verify(store, record)


def test_links_are_recorded_without_a_file(register: Register, store: Path) -> None:
    with register.transaction() as session:
        link = evidence.add_link(session, ref="EV-L1", title="Patch dashboard",
                                 url=" https://intranet.council.example/patching ",
                                 evidence_date=DAY, valid_days=30)
        assert (link.kind, link.url, link.sha256) == (
            EvidenceKind.LINK, "https://intranet.council.example/patching", None)
        with pytest.raises(ValidationError, match="is a link"):
            evidence.verify(store, link)
    assert not store.exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"ref": " "}, "ref"),
    ({"title": ""}, "title"),
    ({"period_start": date(2026, 4, 1), "period_end": date(2026, 3, 1)}, "period_end"),
    ({"valid_days": 0}, "valid_days"),
    ({"department_id": 999_999}, "department_id"),
    ({"controls": [999_999]}, "controls"),
])
def test_invalid_fields_are_named_and_nothing_is_copied(
    register: Register, store: Path, tmp_path: Path, fields: dict[str, object], field: str
) -> None:
    source = write(tmp_path / "report.pdf", b"report")
    arguments: dict[str, object] = {"ref": "EV-9", "title": "Report", "evidence_date": DAY}
    arguments.update(fields)
    with register.session() as session:
        with pytest.raises(ValidationError) as caught:
            evidence.attach_file(session, store, source, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not store.exists()


def test_a_reference_is_used_once(register: Register, store: Path, tmp_path: Path) -> None:
    with register.transaction() as session:
        evidence.add_link(session, ref="EV-1", title="Link", url="https://x.example",
                          evidence_date=DAY)
    with register.session() as session, pytest.raises(ValidationError, match="already ev-1"):
        evidence.add_link(session, ref="ev-1", title="Again", url="https://y.example",
                          evidence_date=DAY)


def test_a_missing_source_file_is_named(register: Register, store: Path, tmp_path: Path) -> None:
    with register.session() as session, pytest.raises(NotFoundError, match="gone.pdf"):
        evidence.attach_file(session, store, tmp_path / "gone.pdf", ref="EV-1", title="Gone",
                             evidence_date=DAY)
