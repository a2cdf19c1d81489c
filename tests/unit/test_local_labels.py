"""Local labels: the words a department uses for a marking of the current scheme, on a register
(file and server) — where they sit, what they stand for, and the handling rules they get."""

from __future__ import annotations

import pytest

from isms.db import Register, commit
from isms.model import HandlingChannel, HandlingPractice, HandlingStage
from isms.services import classification
from isms.services import handling as service
from tests import builders as b

pytestmark = pytest.mark.both_backends


def test_a_local_label_stands_for_the_scheme_marking_below_it(register: Register) -> None:
    with register.transaction(actor="tests") as s:
        added = classification.add_local_label(s, " council confidential ",
                                               stands_for="official-sensitive")
        assert (added.label, added.rank, added.stands_for) == (
            "COUNCIL CONFIDENTIAL", 3, "OFFICIAL-SENSITIVE")
        # A label given for another local label stands for the same marking of the scheme.
        again = classification.add_local_label(s, "Team Confidential",
                                               stands_for="Council Confidential")
        assert (again.rank, again.stands_for) == (4, "OFFICIAL-SENSITIVE")
    with register.session() as s:
        assert [(m.label, m.stands_for) for m in classification.markings(s)] == [
            ("OFFICIAL", None),
            ("OFFICIAL-SENSITIVE", None),
            ("COUNCIL CONFIDENTIAL", "OFFICIAL-SENSITIVE"),
            ("TEAM CONFIDENTIAL", "OFFICIAL-SENSITIVE"),
            ("SECRET", None),
            ("TOP SECRET", None),
        ]


def test_an_asset_with_a_local_label_gets_the_handling_rules_of_its_marking(
    register: Register,
) -> None:
    with register.session(actor="tests") as s:
        classification.add_local_label(s, "Council Confidential", stands_for="OFFICIAL-SENSITIVE")
        asset = b.asset(s, b.department(s), name="Tenancy files")
        classification.mark_asset(s, asset, "council confidential")
        s.add(HandlingPractice(asset=asset, stage=HandlingStage.TRANSFERRED,
                               channel=HandlingChannel.EMAIL, safeguards=[]))
        commit(s)
        # HR-06: OFFICIAL-SENSITIVE may not be sent by ordinary e-mail.
        assert [f.rule_code for f in service.check_handling(s)] == ["HR-06"]


def test_choosing_a_scheme_makes_only_it_current(register: Register) -> None:
    with register.transaction(actor="tests") as s:
        chosen = classification.set_current_scheme(
            s, " GOVERNMENT PROTECTIVE MARKING SCHEME (2008)")
        assert chosen.name == "Government Protective Marking Scheme (2008)"
    with register.session() as s:
        assert [(x.name, x.is_current) for x in classification.schemes(s)] == [
            ("Government Security Classifications", False),
            ("Government Protective Marking Scheme (2008)", True),
        ]
        assert classification.markings(s)[2] == classification.MarkingRow("RESTRICTED", 3, None)
