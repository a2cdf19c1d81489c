"""People by id, for screens that hold ids (pickers) and call a service that takes the person."""

from __future__ import annotations

from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.model import Person


def person_by_id(session: Session, person_id: int) -> Person:
    """The person with this id; NotFoundError when they are no longer in the register."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {person_id} in the register: "
                            "refresh and choose again.")
    return person
