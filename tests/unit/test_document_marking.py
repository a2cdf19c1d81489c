"""The marking a document carries by default is the highest of what it contains (issue 17,
point 8): a register's risks take their assets' markings, the minutes take the markings of what
their items are about, and a chosen marking below the content's is said and recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from isms.db import Register
from isms.errors import ValidationError
from isms.model import AgendaItem, AgendaKind, ReviewMeeting
from isms.services import classification
from isms.services.documents import marking
from tests import builders


@pytest.fixture
def council(register: Register) -> dict[str, int]:
    """Two departments: ENV holds a SECRET asset that one of its risks is about; CHS holds
    only OFFICIAL assets and no risk."""
    with register.transaction(actor="test") as session:
        env = builders.department(session, code="ENV", name="Environment")
        chs = builders.department(session, code="CHS", name="Children")
        secret = builders.asset(session, env, marking=classification.marking(session, "SECRET"))
        plain = builders.asset(session, chs,
                               marking=classification.marking(session, "OFFICIAL"))
        risk = builders.risk(session, env, assets=[secret])
        meeting = ReviewMeeting(ref="SMG-1", meeting_date=date(2026, 3, 1), title="SMG")
        session.add(meeting)
        session.flush()
        other = ReviewMeeting(ref="SMG-2", meeting_date=date(2026, 4, 1), title="SMG")
        session.add(other)
        session.flush()
        session.add_all([
            AgendaItem(meeting_id=meeting.id, position=1, kind=AgendaKind.RISK_DUE,
                       subject_table="risk", subject_id=risk.id, title="R"),
            AgendaItem(meeting_id=other.id, position=1, kind=AgendaKind.ASSET_INCOMPLETE,
                       subject_table="asset", subject_id=plain.id, title="A"),
        ])
        return {"env": env.id, "chs": chs.id, "risk_meeting": meeting.id,
                "asset_meeting": other.id}


def test_each_document_defaults_to_the_highest_marking_of_its_content(
    register: Register, council: dict[str, int]
) -> None:
    with register.session() as session:
        def of(kind: marking.ContentKind, department: int | None) -> str:
            return marking.content_marking(session, kind, department)

        # ENV's risk is about a SECRET asset: its registers are SECRET, not the old fixed
        # OFFICIAL-SENSITIVE; CHS has no risk, so the registers keep the sensitive floor.
        assert of("risks", council["env"]) == of("treatment", council["env"]) == "SECRET"
        assert of("risks", council["chs"]) == "OFFICIAL-SENSITIVE"
        assert of("risks", None) == "SECRET"
        assert of("assets", council["env"]) == "SECRET"
        assert of("assets", council["chs"]) == "OFFICIAL"
        assert of("soa", council["chs"]) == "OFFICIAL-SENSITIVE"
        assert of("method", None) == "OFFICIAL"
        # Minutes about that risk carry its asset's marking; about an OFFICIAL asset, OFFICIAL.
        assert marking.meetings_marking(session, [council["risk_meeting"]]) == "SECRET"
        assert marking.meetings_marking(session, [council["asset_meeting"]]) == "OFFICIAL"
        assert marking.meetings_marking(session, []) == "OFFICIAL"
        assert marking.highest(session, ["OFFICIAL", "SECRET", "OFFICIAL-SENSITIVE"]) == "SECRET"


def test_a_chosen_marking_is_checked_and_a_lower_one_is_said_and_recorded(
    register: Register, council: dict[str, int]
) -> None:
    with register.session() as session:
        default = marking.choose(session, None, "OFFICIAL-SENSITIVE")
        assert (default.label, default.chosen, default.lower) == ("OFFICIAL-SENSITIVE", False,
                                                                  False)
        assert default.warning("risk register") is None and default.control() == []
        higher = marking.choose(session, "secret", "OFFICIAL-SENSITIVE")
        assert (higher.label, higher.lower) == ("SECRET", False)
        assert higher.warning("risk register") is None
        lower = marking.choose(session, "official", "OFFICIAL-SENSITIVE")
        assert (lower.label, lower.lower) == ("OFFICIAL", True)
        warning = lower.warning("risk register")
        assert warning is not None and "OFFICIAL-SENSITIVE" in warning
        assert lower.control() == [("Marking chosen", "OFFICIAL by the person exporting, "
                                    "below the OFFICIAL-SENSITIVE of the content")]
        with pytest.raises(ValidationError, match="TOP SECRET"):
            marking.choose(session, "RESTRICTED", "OFFICIAL")


def test_no_scheme_no_marking(register: Register) -> None:
    with register.transaction(actor="test") as session:
        for scheme in classification.schemes(session):
            scheme.is_current = False
    with register.session() as session:
        assert marking.content_marking(session, "risks", None) == ""
        assert marking.choose(session, None, "").label == ""



def test_the_round_trip_workbook_carries_its_assets_marking(
    register: Register, council: dict[str, int], tmp_path: Path
) -> None:
    import openpyxl

    from isms.services.imports.comparison import write_round_trip

    with register.session() as session:
        write_round_trip(session, tmp_path / "env.xlsx", council["env"])
        write_round_trip(session, tmp_path / "chs.xlsx", council["chs"])
    for name, expected in (("env.xlsx", "SECRET"), ("chs.xlsx", "OFFICIAL")):
        book = openpyxl.load_workbook(tmp_path / name)
        header, footer = book["Assets"].oddHeader, book["Assets"].oddFooter
        assert header is not None and footer is not None
        assert header.right.text == footer.left.text == expected
        assert book.properties.category == expected
