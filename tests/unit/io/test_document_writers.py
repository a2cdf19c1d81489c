"""The method and minutes PDF writers lay out the data they are given, with no register behind
them: every value handed in is read back from the PDF."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from isms.io.exports.method_document import MethodDocument
from isms.io.exports.method_pdf import write_method_pdf
from isms.io.exports.minutes import (
    Attendee,
    Minutes,
    MinutesAction,
    MinutesInput,
    MinutesItem,
    SubjectHistory,
)
from isms.io.exports.minutes_pdf import write_minutes_pdf
from isms.method.criteria import Criteria, Level, ScalePoint
from isms.method.handling import SAFEGUARDS, Rule
from isms.model import AgendaKind, DecisionKind, HandlingChannel, HandlingStage, ReviewStatus
from tests.unit.io.test_pdf_report import page_texts, qpdf_check

GENERATED = datetime(2026, 3, 2, 9, 0)


def _text(path: Path) -> str:
    """The PDF's text with runs of whitespace (line wraps in table cells) as one space."""
    return re.sub(r"\s+", " ", " ".join(page_texts(path)))


def _criteria() -> Criteria:
    return Criteria(
        likelihood=(ScalePoint(1, "Seldom", "Once a decade"), ScalePoint(2, "Often", "Monthly"),
                    ScalePoint(3, "Always", "Every day")),
        impact=(ScalePoint(1, "Slight", "Hardly felt", {"finance": "under 1k"}),
                ScalePoint(2, "Serious", "Felt by a service", {"finance": "1k to 50k"}),
                ScalePoint(3, "Grave", "Felt by the council", {"finance": "over 50k"})),
        levels=(Level("Calm", 1, 2, "#2e7d32"), Level("Watch", 3, 4, "#f9a825"),
                Level("Alarm", 5, 9, "#c62828")),
        appetite="Watch",
        cadence_days={"Calm": 400, "Watch": 180, "Alarm": 30},
        attestation_days=200,
        impact_areas=("finance",),
    )


def test_method_pdf_lays_out_the_document_it_is_given(tmp_path: Path) -> None:
    document = MethodDocument(
        register_name="Testshire Council", version_number=7,
        created_at=datetime(2026, 1, 15, 10, 0), created_by="alice", note="Appetite lowered",
        criteria=_criteria(),
        rules=(Rule("HR-77", "Removable media is encrypted", stage=HandlingStage.TRANSFERRED,
                    channel=HandlingChannel.REMOVABLE_MEDIA, min_label="RESTRICTED",
                    required=("encrypted",)),
               Rule("HR-78", "No special category by e-mail", channel=HandlingChannel.EMAIL,
                    special_category=True, prohibited=True)))
    path = tmp_path / "method.pdf"
    write_method_pdf(document, path, GENERATED)
    qpdf_check(path)
    text = _text(path)
    assert text.startswith("Risk assessment method - Testshire Council")
    assert "7 (of 2026-01-15, by alice)" in text and "Appetite lowered" in text
    assert "2026-03-02 09:00" in text  # dated as told, not now
    for label in ("Seldom", "Once a decade", "Always", "Grave", "Felt by the council",
                  "Finance", "over 50k"):
        assert label in text, label
    assert "Alarm (9)" in text and "Calm (1)" in text  # the matrix's corners
    for level, days in (("Calm", 400), ("Watch", 180), ("Alarm", 30)):
        assert f"{days} days" in text, level
    assert "Risk appetite: Watch" in text and "every 200 days" in text
    assert "HR-77" in text and "RESTRICTED and above" in text
    assert SAFEGUARDS["encrypted"] in text and "removable media" in text
    assert "HR-78" in text and "not allowed" in text and "special category" in text


def test_method_pdf_without_handling_rules_says_so(tmp_path: Path) -> None:
    document = MethodDocument("Testshire Council", 1, datetime(2026, 1, 1), "", "",
                              _criteria(), ())
    path = tmp_path / "method.pdf"
    write_method_pdf(document, path, GENERATED)
    text = _text(path)
    assert "No handling rules are active." in text
    assert "1 (of 2026-01-01)" in text  # no author given, none named


def _minutes() -> Minutes:
    return Minutes(
        register_name="Testshire Council", ref="SMG-2026-03", title="Spring review",
        meeting_date=date(2026, 3, 9), location="Room 4", chair="Ada Chair",
        scope=["FIN Finance", "HR Human resources"],
        attendees=[Attendee("Zed Present", "SIRO", True), Attendee("Bea Present", "", True),
                   Attendee("Cal Absent", "DPO", False)],
        status=ReviewStatus.SIGNED_OFF, signed_off_by="Ada Chair",
        signed_off_at=datetime(2026, 3, 12, 15, 30, tzinfo=UTC),
        items=[
            MinutesItem(1, "Internal audit results", AgendaKind.MANAGEMENT_INPUT,
                        "Two minor findings", DecisionKind.NOTED, "Accepted as read"),
            MinutesItem(2, "R-0042 Payroll outage", AgendaKind.RISK_DUE, "",
                        DecisionKind.DEFER, "Awaiting supplier report",
                        next_review=date(2026, 6, 1)),
            MinutesItem(3, "A-0007 Old file server", AgendaKind.ASSET_CHANGED, ""),
        ],
        actions=[MinutesAction("Chase the supplier", "Bea Present", date(2026, 4, 30), "open",
                               2),
                 MinutesAction("R-0042: Second data link", None, None, "planned", None)],
        histories=[SubjectHistory("R-0042", [(date(2026, 3, 9), "SMG-2026-03: defer"),
                                             (date(2025, 9, 1), "SMG-2025-09: noted")])],
        inputs=[MinutesInput("a", "Status of actions from previous management reviews",
                             "Actions set by earlier reviews: none recorded.", None),
                MinutesInput("", "Internal audit results", "Two minor findings", 1,
                             "noted: Accepted as read")],
        conclusions=[("Continuing suitability of the ISMS", "Suitable"),
                     ("Resources needed", "")],
    )


def test_minutes_pdf_lays_out_the_minutes_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    write_minutes_pdf(_minutes(), path)
    qpdf_check(path)
    text = _text(path)
    assert text.startswith("Minutes: Spring review (SMG-2026-03) - Testshire Council")
    assert "2026-03-12 15:30" in text  # dated by the sign-off
    for value in ("Room 4", "Ada Chair", "FIN Finance, HR Human resources",
                  "Bea Present; Zed Present (SIRO)", "Cal Absent (DPO)",
                  "Signed off by Ada Chair on 2026-03-12"):
        assert value in text, value
    assert "1. Internal audit results" in text and "Two minor findings" in text
    assert "noted: Accepted as read" in text  # the input's outcome
    assert "a) Status of actions from previous management reviews" in text
    assert "Other) Internal audit results (item 1)" in text
    assert "Conclusions (9.3.3)" in text and "Continuing suitability of the ISMS" in text
    assert "Not recorded yet" in text  # a draft's missing conclusion says so
    assert "2. R-0042 Payroll outage" in text and "Awaiting supplier report" in text
    assert "2026-06-01" in text and "undecided" in text  # item 3 was not decided
    assert "Chase the supplier" in text and "2026-04-30" in text
    assert "R-0042: Second data link" in text
    assert "2026-03-09 SMG-2026-03: defer" in text and "2025-09-01 SMG-2025-09: noted" in text


def test_draft_minutes_say_so_and_are_dated_by_the_meeting(tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    write_minutes_pdf(replace(_minutes(), status=ReviewStatus.COMPLETED, signed_off_by=None,
                              signed_off_at=None, scope=[], actions=[], histories=[],
                              location="", chair=None), path)
    text = _text(path)
    assert "Not signed off: these minutes are a draft" in text
    # Dated by the meeting's day, never by a midnight that was never a real time.
    assert "As at 2026-03-09" in text and "00:00" not in text and "Whole council" in text
    assert "The meeting set no actions." in text
    assert "No risk or asset on the agenda had been reviewed before." in text


def test_minutes_pdf_same_minutes_same_bytes(tmp_path: Path) -> None:
    write_minutes_pdf(_minutes(), tmp_path / "a.pdf")
    write_minutes_pdf(_minutes(), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
