"""Small builders for records in tests: each adds one valid record with overridable fields."""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from isms.model import Asset, AssetType, Department, Person, Risk

_seq = count(1)


def department(session: Session, **fields: Any) -> Department:
    n = next(_seq)
    dept = Department(**({"code": f"D{n}", "name": f"Department {n}"} | fields))
    session.add(dept)
    session.flush()
    return dept


def person(session: Session, **fields: Any) -> Person:
    n = next(_seq)
    who = Person(**({"name": f"Person {n}", "email": f"p{n}@example.org"} | fields))
    session.add(who)
    session.flush()
    return who


def asset(session: Session, dept: Department, **fields: Any) -> Asset:
    n = next(_seq)
    item = Asset(
        **(
            {
                "ref": f"{dept.code}-{n:04d}",
                "name": f"Asset {n}",
                "asset_type": AssetType.INFORMATION,
                "department": dept,
            }
            | fields
        )
    )
    session.add(item)
    session.flush()
    return item


def risk(session: Session, dept: Department, **fields: Any) -> Risk:
    n = next(_seq)
    item = Risk(**({"ref": f"R-{n:04d}", "title": f"Risk {n}", "department": dept} | fields))
    session.add(item)
    session.flush()
    return item
