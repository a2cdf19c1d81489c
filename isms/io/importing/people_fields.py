"""What a staff list gives for each person, the headings councils use for it, and the role
words it is written in.

The fields are described here as plain specifications (``PersonFieldSpec``) that ``fields.py``
turns into its ``Field`` records: this module does not import ``fields.py``, so the two never
import each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict

from ...model.enums import Role
from . import values


class PersonFieldSpec(TypedDict):
    """The arguments of ``fields.Field`` a people field uses."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    parse: NotRequired[Callable[[Any], Any]]
    required: NotRequired[bool]
    help: NotRequired[str]
    repeats: NotRequired[bool]
    not_for: NotRequired[tuple[str, ...]]


#: An e-mail address: something, one @, a domain with a dot (as the people editor checks it).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def email(raw: Any) -> str | None:
    """An e-mail address as written, trimmed; "mailto:" links from Outlook exports lose it."""
    written = values.text(raw)
    if written is None:
        return None
    if written.lower().startswith("mailto:"):
        written = written[7:].strip()
    if len(written) > 254 or not _EMAIL.match(written):
        raise values.Problem(f"'{written}' is not an e-mail address")
    return written


#: Role words as staff lists and ISMS documents write them -> the register's roles.
_ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    Role.SIRO: ("siro", "senior information risk owner", "senior information risk officer"),
    Role.INFORMATION_ASSET_OWNER: (
        "information asset owner", "iao", "asset owner", "information owner", "data owner",
    ),
    Role.RISK_OWNER: ("risk owner", "risk lead", "risk manager"),
    Role.SMG_MEMBER: (
        "smg", "smg member", "security management group", "security management group member",
        "information governance group", "igg member", "isms group member",
    ),
    Role.APPROVER: ("approver", "approves", "approval", "sign off", "signs off", "signatory"),
    Role.CONTROL_OWNER: ("control owner", "control lead", "owner of controls"),
    Role.ADMINISTRATOR: (
        "administrator", "admin", "isms administrator", "register administrator",
        "system administrator of the register",
    ),
}
ROLE_WORDS: dict[str, Role] = {
    values.key(word): role for role, words in _ROLE_WORDS.items() for word in words
}
#: What separates several roles in one cell ("IAO; risk owner", "IAO / approver", "IAO and SIRO").
_ROLE_SEPARATORS = re.compile(r"[;,/+&\n]|\band\b", re.IGNORECASE)


def roles(raw: Any) -> list[Role] | None:
    """The roles named in one cell, in the register's order; blank -> None.

    Refused whole, naming the word, when one of them is not a role: a person given fewer roles
    than the list says would be a silent loss.
    """
    written = values.text(raw)
    if written is None:
        return None
    found: set[Role] = set()
    for part in _ROLE_SEPARATORS.split(written):
        word = values.key(part)
        if not word:
            continue
        if word not in ROLE_WORDS:
            known = ", ".join(role.value for role in Role)
            raise values.Problem(f"'{part.strip()}' is not a role of the register ({known})")
        found.add(ROLE_WORDS[word])
    return [role for role in Role if role in found] or None


PEOPLE_SPECS: tuple[PersonFieldSpec, ...] = (
    {
        "key": "name",
        "label": "Name",
        "synonyms": (
            "name", "full name", "person", "person name", "staff name", "employee name",
            "employee", "officer", "officer name", "display name", "contact name", "contact",
            "staff member", "member of staff", "colleague", "jméno", "jméno a příjmení",
            "ονοματεπώνυμο", "όνομα", "nombre", "nombre completo", "nom", "nom complet",
            "name des mitarbeiters", "mitarbeiter",
        ),
        "required": True,
        "help": "The person's full name, as colleagues write it.",
    },
    {
        "key": "email",
        "label": "E-mail",
        "synonyms": (
            "email", "e mail", "email address", "e mail address", "mail", "work email",
            "email id", "contact email", "emailová adresa", "ηλεκτρονικό ταχυδρομείο",
            "correo", "correo electrónico", "courriel", "adresse e mail", "e mail adresse",
        ),
        "parse": email,
        "help": "Their work e-mail address: it tells two people of the same name apart.",
    },
    {
        "key": "job_title",
        "label": "Job title",
        "synonyms": (
            "job title", "title", "position", "post", "post title", "role title", "job",
            "job role", "designation", "pracovní pozice", "funkce", "θέση", "puesto", "cargo",
            "poste", "fonction", "stelle", "position im unternehmen", "berufsbezeichnung",
        ),
        "help": "e.g. Head of Revenues.",
        "repeats": True,
    },
    {
        "key": "department",
        "label": "Department",
        "synonyms": (
            "department", "dept", "directorate", "service area", "service", "business unit",
            "division", "team", "section", "department name", "útvar", "odbor", "τμήμα",
            "departamento", "département", "abteilung",
        ),
        "help": "Code or name of a department in the register.",
        "repeats": True,
    },
    {
        "key": "roles",
        "label": "ISMS role",
        "synonyms": (
            "isms role", "role", "roles", "isms roles", "security role", "ig role",
            "information governance role", "responsibility", "responsibilities",
            "role in the isms",
        ),
        "parse": roles,
        "help": "information asset owner, risk owner, approver, SIRO, SMG member, control "
        "owner or administrator; several separated by commas.",
        "repeats": True,
        # "Role title" is a job title, not an ISMS role.
        "not_for": ("role title", "job role"),
    },
)
