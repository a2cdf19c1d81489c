"""Who may do what, in one place: the rules the services check whatever the window shows."""

from __future__ import annotations

from ..method.criteria import Authority
from ..model import Person, Role

#: Roles that may sign off residual risk above appetite and approve the SoA.
APPROVING_ROLES = frozenset({Role.APPROVER, Role.SIRO})

#: The roles that may sign off accepting a risk, per acceptance authority of the risk
#: criteria (``owner``: no sign-off is needed; one given is an approver's).
AUTHORITY_ROLES: dict[Authority, frozenset[Role]] = {
    "owner": APPROVING_ROLES,
    "approver": APPROVING_ROLES,
    "siro": frozenset({Role.SIRO}),
}


def can_approve(person: Person) -> bool:
    return bool(APPROVING_ROLES & person.roles)


def may_sign_off(person: Person, authority: Authority) -> bool:
    """Whether ``person`` holds a role that may sign off accepting a risk whose level needs
    ``authority`` (the risk criteria's acceptance authority)."""
    return bool(AUTHORITY_ROLES[authority] & person.roles)
