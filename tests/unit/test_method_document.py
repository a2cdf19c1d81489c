"""The risk method document says who owns and approved it, when it is next reviewed, what the
current and residual levels mean, the treatment options and who may accept what (issue 17,
point 6); read back page by page with pdftotext, its structure checked by qpdf."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from isms.db import Register
from isms.method.criteria import AUTHORITY_WORDS, Criteria
from isms.model import Role, TreatmentOption
from isms.services.documents.render import write_method
from isms.services.method import change_criteria, method_document
from isms.services.read.queries import current_criteria
from tests import builders as b
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

pytestmark = pytest.mark.both_backends

GENERATED = datetime(2026, 12, 7)


def _approved_version(register: Register) -> None:
    """Version 2 of the criteria, made and approved by Sue (the SIRO), owned by the Head of
    Information Governance, reviewed every 180 days; High needs the SIRO too."""
    with register.transaction() as s:
        b.person(s, name="Sue Siro", username="sue").add_role(Role.SIRO)
    with register.transaction(actor="sue") as s:
        definition = current_criteria(s).to_definition()
        definition["method_owner"] = "Head of Information Governance"
        definition["method_review_days"] = 180
        definition["acceptance_authority"]["High"] = "siro"
        change_criteria(s, Criteria.from_definition(definition), note="High by the SIRO",
                        actor="sue", today=GENERATED.date())


def test_the_method_names_its_owner_approver_and_next_review(register: Register,
                                                              tmp_path: Path) -> None:
    _approved_version(register)
    path = tmp_path / "method.pdf"
    with register.session() as s:
        document = method_document(s)
        write_method(s, path, GENERATED)
    assert (document.owner, document.approved_by) == ("Head of Information Governance",
                                                      "Sue Siro")
    assert document.approved_at is not None
    approved = document.approved_at.date()
    assert document.next_review == approved + timedelta(days=180)
    assert_pdf_sound(path)
    pages = pdf_pages(path)
    first = pages[0]
    assert "Method owner" in first and "Head of Information Governance" in first
    assert "Approved by" in first and "Sue Siro" in first
    assert "Approval date" in first and approved.isoformat() in first
    assert f"{approved + timedelta(days=180):%Y-%m-%d} (the method is reviewed every 180 days)" \
        in first
    assert "Risk criteria version" in first and "2 (of" in first
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page and "OFFICIAL" in page


def test_the_method_defines_the_levels_the_options_and_who_may_accept(
    register: Register, tmp_path: Path
) -> None:
    _approved_version(register)
    path = tmp_path / "method.pdf"
    with register.session() as s:
        write_method(s, path, GENERATED)
        criteria = current_criteria(s)
    pages = pdf_pages(path)
    text = "\n".join(" ".join(line.split()) for page in pages for line in page.splitlines())
    assert "Current and residual levels" in text
    assert "Today's exposure, with the controls in place now. It is the level compared with " \
           "the risk appetite" in text
    assert "Residual (target) The level the treatment plan is to reach" in text
    assert '"target without a plan"' in text
    assert "Treatment options" in text
    for option in TreatmentOption:
        assert f"\n{option.value.capitalize()} " in text, option
    assert "Who may accept what" in text
    for level in criteria.levels:
        words = AUTHORITY_WORDS[criteria.authority(level)]
        assert f"{level.name} {words[:1].upper()}{words[1:]}" in text, level.name
    assert "High The risk owner with the SIRO's sign-off" in text  # as version 2 says
    assert "accepted at current level" in text
    assert_not_split(pages, ["OFFICIAL", "SIRO's", "Residual", "appetite", "sign-off"])


def test_a_register_with_no_approval_and_no_owner_says_so(register: Register,
                                                          tmp_path: Path) -> None:
    """The version the register was made with was never signed: the document says so rather
    than leaving the fields out; with no owner named, the register's SIRO owns the method."""
    with register.transaction() as s:
        b.person(s, name="Sue Siro").add_role(Role.SIRO)
    with register.transaction() as s:
        definition = current_criteria(s).to_definition()
        definition["method_owner"] = ""
        change_criteria(s, Criteria.from_definition(definition), note="no owner",
                        actor="nobody", today=GENERATED.date())
    path = tmp_path / "method.pdf"
    with register.session() as s:
        write_method(s, path, GENERATED)
        created = method_document(s).created_at.date()
    first = pdf_pages(path)[0]
    assert "Sue Siro (SIRO)" in first
    assert "no approval recorded for this version" in first
    assert f"{created + timedelta(days=365):%Y-%m-%d}" in first


def test_the_demo_method_is_approved_by_its_siro(register: Register) -> None:
    from sqlalchemy import select

    from isms.demo import build_demo
    from isms.model import Person, PersonRole

    build_demo(register, assets=50, today=GENERATED.date())
    with register.session() as s:
        document = method_document(s)
        siro = s.execute(select(Person.name).join(PersonRole)
                         .where(PersonRole.role == Role.SIRO)).scalars().all()
    assert document.approved_by in siro
    assert document.approved_at is not None
    assert document.owner == "Senior Information Risk Owner (SIRO)"
