"""Planning, applying and undoing an asset import on a real register file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.errors import ConflictError
from isms.io.importing.fields import ASSET_FIELDS
from isms.io.importing.mapping import propose, vocabulary
from isms.io.importing.sheet import split_header
from isms.model import (
    Asset,
    AssetStatus,
    AssetType,
    ChangeLogEntry,
    ImportBatch,
    Risk,
)
from isms.services import classification
from isms.services.imports.assets import apply_plan, plan_assets
from isms.services.imports.batch_writer import ImportRejected
from isms.services.imports.batches import undo_batch
from tests import builders as b

HEADER = [
    "Asset Ref",
    "Asset",
    "Type",
    "Dept",
    "IAO",
    "Protective Marking",
    "C",
    "I",
    "A",
    "Personal data?",
    "Review date",
]


def sheet(*rows: list[Any], header: list[str] = HEADER) -> Any:
    numbered = [(1, ["Asset register"]), (2, header)] + [
        (n, row) for n, row in enumerate(rows, start=3)
    ]
    return split_header("assets.xlsx", "0" * 64, "Assets", numbered, [], vocabulary(ASSET_FIELDS))


def plan(s: Any, data: Any, department: int | None = None) -> Any:
    return plan_assets(s, data, propose(data.header.names, ASSET_FIELDS), department)


@pytest.fixture
def org(register: Register) -> dict[str, int]:
    with register.session() as s:
        env = b.department(s, code="ENV", name="Environment")
        fin = b.department(s, code="FIN", name="Finance")
        bob = b.person(s, name="Bob Smith", email="bob.smith@example.gov.uk")
        b.person(s, name="Alice Jones")
        existing = b.asset(
            s, env, ref="ENV-0001", name="Highways defects", owner=bob, confidentiality=2
        )
        commit(s)
        return {"env": env.id, "fin": fin.id, "bob": bob.id, "existing": existing.id}


def test_new_update_unchanged_warning_error(register: Register, org: dict[str, int]) -> None:
    data = sheet(
        [
            "ENV-0001",
            "Highways defects",
            "information",
            "ENV",
            "Bob Smith",
            None,
            2,
            None,
            None,
            "No",
            None,
        ],  # unchanged (blank cells leave values as they are)
        [
            "env-0001 ",
            "Highways defects",
            "Info",
            "Environment",
            "bob.smith@example.gov.uk",
            "OFFICIAL-SENSITIVE",
            "3",
            "Medium",
            "high",
            "Yes ",
            "31/03/2027",
        ],  # duplicate ref
        [None, "Gritting routes", "Data", "ENV", "Bobby Smith", "OFFICIAL", 1, 1, 5, "x", None],
        [None, "Pothole claims", "spaceship", "ENV", None, "RESTRICTED", 9, 1, 1, "maybe", None],
        [None, None, None, None, None, None, None, None, None, None, None],  # blank: skipped
    )
    with register.session() as s:
        result = plan(s, data)
    statuses = [(r.row, r.status) for r in result.rows]
    assert statuses == [(3, "unchanged"), (4, "error"), (5, "warning"), (6, "error")]
    dup, warned, bad = result.rows[1], result.rows[2], result.rows[3]
    assert "duplicate reference env-0001 (also on row 3)" in dup.message
    assert warned.action == "new"
    assert warned.message == (
        "column E (IAO): 'Bobby Smith' is not a person in the register; "
        "did you mean Bob Smith?; left blank"
    )
    assert "column C (Type): 'spaceship' is not an asset type" in bad.message
    assert (
        "column F (Protective Marking): 'RESTRICTED' is not a marking of the Government "
        "Security Classifications scheme"
    ) in bad.message
    assert "column G (C): 9 is not a rating from 1 to 5" in bad.message
    assert "column J (Personal data?): 'maybe' is not yes or no" in bad.message
    assert result.counts == {
        "rows": 4,
        "new": 1,
        "update": 0,
        "unchanged": 1,
        "warning": 1,
        "error": 2,
    }


def test_all_or_nothing_and_valid_only(register: Register, org: dict[str, int]) -> None:
    data = sheet(
        [
            None,
            "Gritting routes",
            "information",
            "ENV",
            "Alice Jones",
            "OFFICIAL",
            1,
            2,
            5,
            "no",
            "01/04/2027",
        ],
        [None, "Broken row", "information", "Nowhere", None, None, None, None, None, None, None],
    )
    with register.session() as s:
        result = plan(s, data)
        with pytest.raises(
            ImportRejected, match="1 row\\(s\\) have errors, so nothing was imported. First: row 4"
        ):
            apply_plan(s, result)
        s.rollback()
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 1
        outcome = apply_plan(s, result, valid_only=True)
        commit(s)
        assert (outcome.created, outcome.updated, outcome.skipped) == (1, 0, 1)
        created = s.execute(select(Asset).where(Asset.name == "Gritting routes")).scalar_one()
        assert created.owner is not None and created.owner.name == "Alice Jones"
        assert created.marking is not None and created.marking.label == "OFFICIAL"
    assert created.ref == "ENV-0002"  # numbered after the department's highest
    assert created.status == AssetStatus.PENDING_VERIFICATION
    assert (created.confidentiality, created.integrity, created.availability) == (1, 2, 5)
    assert created.next_review == date(2027, 4, 1)
    assert created.import_batch_id == outcome.batch_id


def test_update_changes_exactly_the_edited_cells_and_can_be_undone(
    register: Register, org: dict[str, int]
) -> None:
    data = sheet(
        ["ENV-0001", "Highways defect reports", None, "ENV", None, None, 3, None, None, None, None]
    )
    with register.session(actor="importer") as s:
        before = s.get(Asset, org["existing"])
        assert before is not None
        snapshot = {
            c: getattr(before, c)
            for c in ("name", "owner_id", "confidentiality", "integrity", "asset_type", "version")
        }
        result = plan(s, data)
        assert result.rows[0].changes == {
            "name": ("Highways defects", "Highways defect reports"),
            "confidentiality": (2, 3),
        }
        outcome = apply_plan(s, result)
        commit(s)
    with register.session() as s:
        after = s.get(Asset, org["existing"])
        assert after is not None
        assert after.name == "Highways defect reports" and after.confidentiality == 3
        assert after.owner_id == snapshot["owner_id"] and after.asset_type == AssetType.INFORMATION
        assert after.version == snapshot["version"] + 1
        batch = s.get(ImportBatch, outcome.batch_id)
        assert batch is not None and batch.actor == "importer" and batch.counts["updated"] == 1
        assert batch.mapping["columns"]["B"] == {"header": "Asset", "field": "name"}
        events = (
            s.execute(select(ChangeLogEntry).where(ChangeLogEntry.table_name == "import_batch"))
            .scalars()
            .all()
        )
        assert [e.label for e in events] == [f"import batch {outcome.batch_id} (assets.xlsx)"]
        assert outcome.batch_id is not None
        undone = undo_batch(s, outcome.batch_id)
        commit(s)
        assert (undone.removed, undone.restored) == (0, 1)
        restored = s.get(Asset, org["existing"])
        assert restored is not None
        s.refresh(restored)
        assert restored.name == "Highways defects" and restored.confidentiality == 2


def test_undo_removes_created_assets_unless_touched_since(
    register: Register, org: dict[str, int]
) -> None:
    data = sheet(
        [None, "Bin collection rounds", None, "ENV", None, None, None, None, None, None, None],
        [None, "Salt stock", None, "ENV", None, None, None, None, None, None, None],
    )
    with register.session() as s:
        first = apply_plan(s, plan(s, data))
        commit(s)
        assert first.batch_id is not None
        salt = s.execute(select(Asset).where(Asset.name == "Salt stock")).scalar_one()
        env = b.department(s, code="X", name="x")
        s.add(Risk(ref="R-1", title="Salt runs out", department=env, assets=[salt]))
        commit(s)
        with pytest.raises(ConflictError, match="changed or linked since"):
            undo_batch(s, first.batch_id)
        s.rollback()
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 3


def test_department_import_refuses_rows_of_another_department(
    register: Register, org: dict[str, int]
) -> None:
    data = sheet(
        [None, "Invoices", None, "FIN", None, None, None, None, None, None, None],
        [None, "Verges", None, None, None, None, None, None, None, None, None],
    )
    with register.session() as s:
        result = plan(s, data, department=org["env"])
    assert result.rows[0].message == "column D (Dept): says FIN but this import is for ENV"
    assert result.rows[1].status == "new" and result.rows[1].values["department_id"] == org["env"]


def test_special_category_implies_personal_data_and_names_match_by_department(
    register: Register, org: dict[str, int]
) -> None:
    header = ["Asset", "Dept", "Special category data", "Personal data"]
    data = sheet(
        ["Safeguarding referrals", "ENV", "Yes", None],
        ["Case notes", "ENV", "Yes", "No"],
        ["highways   DEFECTS", "ENV", None, None],
        header=header,
    )
    with register.session() as s:
        result = plan(s, data)
    assert result.rows[0].values["personal_data"] is True
    assert "special-category data is personal data" in result.rows[1].message
    assert result.rows[2].record_id == org["existing"]  # matched by name within the department


def test_unknown_department_suggests_the_near_miss(register: Register, org: dict[str, int]) -> None:
    data = sheet([None, "Verges", None, "Enviroment", None, None, None, None, None, None, None])
    with register.session() as s:
        result = plan(s, data)
    assert "no department 'Enviroment' in the register; did you mean Environment?" in (
        result.rows[0].message
    )


def test_local_marking_is_recognised(register: Register, org: dict[str, int]) -> None:
    with register.session() as s:
        classification.add_marking(s, "OFFICIAL-SENSITIVE PERSONAL", after="OFFICIAL-SENSITIVE")
        commit(s)
        data = sheet(
            [
                None,
                "Care records",
                None,
                "ENV",
                None,
                "Official Sensitive Personal",
                None,
                None,
                None,
                None,
                None,
            ]
        )
        result = plan(s, data)
    assert result.rows[0].status == "new"


def test_a_pending_asset_stays_pending_when_a_file_says_active(
    register: Register, org: dict[str, int]
) -> None:
    """Only the owner's attestation makes a department's new asset active, never a re-import
    of a file whose status column says "Active"."""
    header = ["Asset", "Dept", "IAO", "Status"]
    row = ["Gritting routes", "ENV", "Bob Smith", "Active"]
    with register.session() as s:
        apply_plan(s, plan(s, sheet(row, header=header)), valid_only=False)
        commit(s)
        created = s.execute(select(Asset).where(Asset.name == "Gritting routes")).scalar_one()
        assert created.status == AssetStatus.PENDING_VERIFICATION
        again = plan(s, sheet(row, header=header))
        (verdict,) = again.rows
        assert verdict.action == "unchanged" and verdict.status == "warning"
        assert "stays pending verification" in verdict.message
        apply_plan(s, again, valid_only=False)
        commit(s)
        s.refresh(created)
        assert created.status == AssetStatus.PENDING_VERIFICATION
