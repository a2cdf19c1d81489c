"""Creating a register: the reference data every register starts with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from .. import __version__, catalogue
from ..db import Register, open_register
from ..db.audit_seal import Seals, sealable_tables, sealed_event
from ..db.location import Location
from ..db.session import default_actor
from ..errors import StorageError
from ..method.criteria import default_definition
from ..method.handling import DEFAULT_RULES
from ..model import (
    ClassificationMarking,
    ClassificationScheme,
    Control,
    ControlCorrespondence,
    ControlEdition,
    HandlingRule,
    RegisterSetting,
    RiskCriteria,
    Threat,
    Vulnerability,
)
from ..model.base import utcnow


@dataclass(frozen=True)
class InitSummary:
    location: str
    controls_2022: int
    controls_2013: int
    correspondences: int


def _versioned(**values: Any) -> dict[str, Any]:
    now = utcnow()
    return {"version": 1, "created_at": now, "updated_at": now, **values}


def seed_reference_data(connection: Connection, *, name: str, actor: str) -> InitSummary:
    """Catalogues, classification presets and the default risk criteria, in one Core pass.

    These are reference data rather than anyone's edits, so the change log gets one event entry
    saying what was loaded instead of several hundred inserts.
    """
    rows_2022 = [
        _versioned(
            edition=ControlEdition.ISO27001_2022,
            ref=c.ref,
            sort_key=catalogue.natural_key(c.ref),
            theme=c.theme,
            title=c.title,
            description="",
        )
        for c in catalogue.annex_a_2022()
    ]
    rows_2013 = [
        _versioned(
            edition=ControlEdition.ISO27001_2013,
            ref=c.ref,
            sort_key=catalogue.natural_key(c.ref),
            theme=c.theme,
            title=c.title,
            description="",
        )
        for c in catalogue.annex_a_2013()
    ]
    connection.execute(insert(Control), rows_2022 + rows_2013)
    ids = {
        (edition, ref): cid
        for cid, edition, ref in connection.execute(
            select(Control.id, Control.edition, Control.ref)
        )
    }
    pairs = [
        {
            "control_2013_id": ids[(ControlEdition.ISO27001_2013, old)],
            "control_2022_id": ids[(ControlEdition.ISO27001_2022, new)],
        }
        for old, new in catalogue.correspondence_2013_2022()
    ]
    connection.execute(insert(ControlCorrespondence), pairs)

    scheme_ids: dict[str, int] = {}
    for scheme_name, labels in catalogue.CLASSIFICATION_PRESETS.items():
        scheme_id = scheme_ids[scheme_name] = connection.execute(
            insert(ClassificationScheme).returning(ClassificationScheme.id),
            [
                _versioned(
                    name=scheme_name,
                    description="",
                    is_current=scheme_name == catalogue.DEFAULT_SCHEME,
                )
            ],
        ).scalar_one()
        connection.execute(
            insert(ClassificationMarking),
            [
                _versioned(scheme_id=scheme_id, label=label, rank=rank, description="")
                for rank, label in enumerate(labels, start=1)
            ],
        )

    _seed_handling_rules(connection, scheme_ids[catalogue.DEFAULT_SCHEME])
    connection.execute(
        insert(Threat),
        [
            _versioned(
                code=t.code,
                name=t.name,
                category=t.category,
                affects=t.affects,
                description="",
                local=False,
            )
            for t in catalogue.threats()
        ],
    )
    connection.execute(
        insert(Vulnerability),
        [
            _versioned(code=v.code, name=v.name, category=v.category, description="", local=False)
            for v in catalogue.vulnerabilities()
        ],
    )
    criteria_id = connection.execute(
        insert(RiskCriteria).returning(RiskCriteria.id),
        [
            {
                "version_number": 1,
                "definition": default_definition(),
                "note": "Default 5 x 5 council method",
                "created_at": utcnow(),
                "created_by": actor,
            }
        ],
    ).scalar_one()
    connection.execute(
        insert(RegisterSetting),
        [
            {
                "key": "register",
                "value": {
                    "name": name,
                    "created_by": actor,
                    "created_at": utcnow().isoformat(),
                    "isms_version": __version__,
                },
            },
            {"key": "criteria", "value": {"current_id": criteria_id}},
        ],
    )
    summary = InitSummary("", len(rows_2022), len(rows_2013), len(pairs))
    # Written in bulk: sealed, so `isms audit verify` can tell the reference data was not
    # changed behind the application's back (isms.db.audit_seal).
    seals = Seals()
    seals.tables(connection, sealable_tables())
    sealed_event(
        connection,
        seals,
        actor=actor,
        table_name="register",
        label=f"register '{name}' created",
        details={
            "controls_2022": summary.controls_2022,
            "controls_2013": summary.controls_2013,
            "correspondences": summary.correspondences,
            "classification_schemes": list(catalogue.CLASSIFICATION_PRESETS),
        },
    )
    return summary


def _seed_handling_rules(connection: Connection, scheme_id: int) -> None:
    rows = connection.execute(
        select(ClassificationMarking.label, ClassificationMarking.id).where(
            ClassificationMarking.scheme_id == scheme_id
        )
    )
    markings = {label: marking_id for label, marking_id in rows}
    connection.execute(
        insert(HandlingRule),
        [
            _versioned(
                code=rule.code,
                title=rule.title,
                stage=rule.stage,
                channel=rule.channel,
                min_marking_id=markings[rule.min_label] if rule.min_label else None,
                applies_to_personal_data=rule.personal_data,
                applies_to_special_category=rule.special_category,
                required_safeguards=list(rule.required),
                prohibited=rule.prohibited,
                active=True,
            )
            for rule in DEFAULT_RULES
        ],
    )


def is_initialised(register: Register) -> bool:
    with register.engine.connect() as connection:
        return (
            connection.execute(
                select(RegisterSetting.key).where(RegisterSetting.key == "register")
            ).first()
            is not None
        )


def init_register(
    db: str | Location | None, *, name: str = "Council ISMS register", actor: str | None = None
) -> tuple[Register, InitSummary]:
    """Create a register at ``db`` and load its reference data; refuses one already in use."""
    register = open_register(db, create=True)
    try:
        if is_initialised(register):
            raise StorageError(f"{register.location.display()} already holds a register.")
        with register.engine.begin() as connection:
            # The creator is the register's first administrator (isms.db.access_guard): on a
            # server register the database login, which is who access control knows.
            creator = actor or default_actor(register.engine)
            summary = seed_reference_data(connection, name=name, actor=creator)
        return register, InitSummary(
            register.location.display(),
            summary.controls_2022,
            summary.controls_2013,
            summary.correspondences,
        )
    except BaseException:
        register.close()
        raise
