"""Values of a register record as the window's editors and the command line give them (a
mapping of field -> value), checked the one way for the registers built on it (the context and
obligations registers): a ValidationError names the field. A person is named by name or e-mail,
a department by code or name, a date as a ``date`` or YYYY-MM-DD text, a control by reference."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError, ValidationError
from ..model import Control, ControlEdition
from .dates import check_review_date
from .read import queries

T = TypeVar("T")


def dated(value: Any, field: str, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(f"'{value}' is not a date (YYYY-MM-DD).", field=field) from None
    if not isinstance(value, date):
        raise ValidationError(f"{value!r} is not a date.", field=field)
    return check_review_date(value, what, field)


def person_id(session: Session, value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return queries.person(session, str(value)).id
    except (NotFoundError, ValidationError) as exc:
        raise ValidationError(str(exc), field=field) from None


def department_id(session: Session, value: Any) -> int | None:
    if value in (None, ""):
        return None  # council-wide
    try:
        return queries.department_id(session, str(value))
    except NotFoundError as exc:
        raise ValidationError(str(exc), field="department") from None


def refuse_unknown(values: Mapping[str, Any], fields: frozenset[str], what: str) -> None:
    extra = sorted(set(values) - fields)
    if extra:
        raise ValidationError(f"{what} has no field {', '.join(extra)}.", field=extra[0])


def next_ref(session: Session, column: Any, prefix: str) -> str:
    """The next free reference ("CI-004" after CI-003), never one a retired record holds."""
    numbers = [int(m.group(1)) for ref in session.execute(select(column)).scalars()
               if (m := re.fullmatch(rf"{prefix}-(\d+)", ref))]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def by_ref(session: Session, model: type[T], ref: str, what: str, listing: str) -> T:
    found = session.execute(
        select(model).where(func.upper(model.ref) == ref.strip().upper())  # type: ignore[attr-defined]
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"No {what} '{ref}' in this register (see `{listing}`).")
    return found


def controls_in_use(session: Session, refs: Iterable[str]) -> list[Control]:
    found: list[Control] = []
    for ref in refs:
        try:
            control = queries.control_by_ref(session, ref)
        except NotFoundError as exc:
            raise ValidationError(str(exc), field="controls") from None
        if control.edition == ControlEdition.ISO27001_2013 or control.retired_at is not None:
            raise ValidationError(f"Control {control.ref} is not in use: link a 2022 or a "
                                  "local control in use.", field="controls")
        if control not in found:
            found.append(control)
    return found
