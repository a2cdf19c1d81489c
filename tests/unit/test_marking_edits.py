"""The window's calls for protective markings (``edits.markings``), on a real register: a local
label placed above the marking it stands for, a refusal naming the field with nothing written,
and choosing the current scheme."""

from __future__ import annotations

import pytest

from isms.db import Register
from isms.errors import ValidationError
from isms.model import ClassificationMarking, ClassificationScheme
from isms.services import classification
from isms.services.edits import markings

pytestmark = pytest.mark.both_backends

GSC = "Government Security Classifications"
GPMS = "Government Protective Marking Scheme (2008)"


def rows(register: Register) -> list[tuple[str, str | None]]:
    with register.session() as session:
        return [(r.label, r.stands_for) for r in classification.markings(session)]


def test_a_local_label_stands_above_its_marking(register: Register) -> None:
    with register.transaction() as session:
        saved = markings.add_local_label(session, " Council Confidential ",
                                         stands_for="official-sensitive")
    assert rows(register)[1:3] == [("OFFICIAL-SENSITIVE", None),
                                   ("COUNCIL CONFIDENTIAL", "OFFICIAL-SENSITIVE")]
    with register.session() as session:
        made = session.get(ClassificationMarking, saved.record_id)
        assert made is not None and made.label == "COUNCIL CONFIDENTIAL"
    assert saved.count == 1 and saved.changed.touches(ClassificationMarking)


@pytest.mark.parametrize(("label", "stands_for", "field"), [
    ("Official", "OFFICIAL", "label"),
    ("Council Restricted", "PROTECT", "marking"),
    ("", "OFFICIAL", "label"),
])
def test_a_refused_label_names_the_field_and_writes_nothing(
    register: Register, label: str, stands_for: str, field: str
) -> None:
    before = rows(register)
    with pytest.raises(ValidationError) as refused, register.transaction() as session:
        markings.add_local_label(session, label, stands_for=stands_for)
    assert refused.value.field == field
    assert rows(register) == before


def test_choosing_the_current_scheme(register: Register) -> None:
    with register.transaction() as session:
        saved = markings.set_current_scheme(session, GPMS.lower())
    assert saved.count == 1 and saved.changed.touches(ClassificationScheme)
    with register.session() as session:
        assert classification.current_scheme(session).name == GPMS
    with register.transaction() as session:
        again = markings.set_current_scheme(session, GPMS)
    assert again.count == 0  # current already
