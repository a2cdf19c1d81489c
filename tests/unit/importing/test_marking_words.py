"""Proposals for markings written in another scheme: named for a person to confirm, only into
markings the register's scheme has."""

from __future__ import annotations

from isms.catalogue import CLASSIFICATION_PRESETS
from isms.io.importing.marking_words import marking_proposal

GSC = list(CLASSIFICATION_PRESETS["Government Security Classifications"])
GPMS = list(CLASSIFICATION_PRESETS["Government Protective Marking Scheme (2008)"])


def test_2008_markings_and_organisational_labels_into_the_current_scheme() -> None:
    proposals = {word: marking_proposal(word, GSC) for word in (
        "PROTECT", "Restricted", "unclassified", "Public", "Internal", "Confidential",
        "Highly Confidential", "Sensitive")}
    assert {w: p.target if p else None for w, p in proposals.items()} == {
        "PROTECT": "OFFICIAL", "Restricted": "OFFICIAL", "unclassified": "OFFICIAL",
        "Public": "OFFICIAL", "Internal": "OFFICIAL", "Confidential": "OFFICIAL-SENSITIVE",
        "Highly Confidential": "OFFICIAL-SENSITIVE", "Sensitive": "OFFICIAL-SENSITIVE"}
    protect = proposals["PROTECT"]
    assert protect is not None and "transition guidance (2014)" in protect.why


def test_a_register_on_the_2008_scheme_gets_proposals_the_other_way() -> None:
    official = marking_proposal("OFFICIAL-SENSITIVE", GPMS)
    assert official is not None and official.target == "RESTRICTED"


def test_no_proposal_for_an_unknown_word_or_into_a_marking_the_scheme_lacks() -> None:
    assert marking_proposal("Purple", GSC) is None
    assert marking_proposal("PROTECT", ["GREEN", "AMBER"]) is None
