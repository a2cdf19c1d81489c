"""The people fields of a staff list: headings other councils use, role words, e-mail addresses."""

from __future__ import annotations

import pytest

from isms.io.importing import values
from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.mapping import propose
from isms.io.importing.people_fields import email, roles
from isms.model import Role


@pytest.mark.parametrize(("headings", "fields"), [
    (["Full name", "Email address", "Position", "Service area", "ISMS role"],
     ["name", "email", "job_title", "department", "roles"]),
    (["Employee", "E-mail", "Job title", "Directorate", "Role"],
     ["name", "email", "job_title", "department", "roles"]),
    (["Name", "Job role", "Team", "Responsibilities"],
     ["name", "job_title", "department", "roles"]),
    (["Ονοματεπώνυμο", "Θέση", "Τμήμα"], ["name", "job_title", "department"]),
])
def test_headings_of_other_staff_lists_are_mapped(headings: list[str], fields: list[str]) -> None:
    assert list(propose(headings, FIELDS_BY_KIND["people"]).values()) == fields


@pytest.mark.parametrize(("written", "expected"), [
    ("IAO", [Role.INFORMATION_ASSET_OWNER]),
    ("Information Asset Owner; Risk owner", [Role.INFORMATION_ASSET_OWNER, Role.RISK_OWNER]),
    ("SIRO and approver", [Role.SIRO, Role.APPROVER]),
    ("smg member / control owner", [Role.SMG_MEMBER, Role.CONTROL_OWNER]),
    ("Senior Information Risk Owner", [Role.SIRO]),
    ("  ", None),
    (None, None),
])
def test_role_words(written: str | None, expected: list[Role] | None) -> None:
    assert roles(written) == expected


def test_an_unknown_role_word_is_refused_naming_it_and_the_roles() -> None:
    with pytest.raises(values.Problem, match="'chief worrier' is not a role of the register "
                       r"\(siro, information asset owner"):
        roles("IAO, chief worrier")


@pytest.mark.parametrize(("written", "expected"), [
    (" jo.bloggs@example.gov.uk ", "jo.bloggs@example.gov.uk"),
    ("mailto:Jo@Example.gov.uk", "Jo@Example.gov.uk"),
    ("", None),
])
def test_email_addresses(written: str, expected: str | None) -> None:
    assert email(written) == expected


@pytest.mark.parametrize("written", ["jo.bloggs", "jo@localhost", "a b@example.org"])
def test_what_is_not_an_email_address_is_refused(written: str) -> None:
    with pytest.raises(values.Problem, match="is not an e-mail address"):
        email(written)
