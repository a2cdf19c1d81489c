"""Who may do what, in one place: the rules the services check whatever the window shows."""

from __future__ import annotations

from ..model import Person, Role

#: Roles that may sign off residual risk above appetite and approve the SoA.
APPROVING_ROLES = frozenset({Role.APPROVER, Role.SIRO})


def can_approve(person: Person) -> bool:
    return bool(APPROVING_ROLES & person.roles)
