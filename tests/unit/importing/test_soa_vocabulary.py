"""The words departments write in their SoA spreadsheets, read without a register."""

from __future__ import annotations

import pytest

from isms.io.importing.mapping import propose
from isms.io.importing.soa_vocabulary import (
    SOA_FIELDS,
    TICK_REASONS,
    applicability,
    implementation_status,
    reason_codes,
    tick,
)
from isms.io.importing.values import Problem
from isms.model import Applicability, ImplementationStatus, InclusionReason


@pytest.mark.parametrize(("cell", "expected"), [
    ("Applicable", Applicability.APPLICABLE), (" in scope ", Applicability.APPLICABLE),
    ("Yes", Applicability.APPLICABLE), ("Not applicable", Applicability.EXCLUDED),
    ("N/A", Applicability.EXCLUDED), ("Outsourced", Applicability.THIRD_PARTY),
    ("Provided by a third party", Applicability.THIRD_PARTY), (None, None), ("", None),
])
def test_applicability_words(cell: object, expected: Applicability | None) -> None:
    assert applicability(cell) == expected


def test_implementation_status_words_and_refusal() -> None:
    assert implementation_status("Partly implemented") == ImplementationStatus.PARTIAL
    assert implementation_status("to do") == ImplementationStatus.PLANNED
    assert implementation_status("N/A") is None and implementation_status(None) is None
    with pytest.raises(Problem, match="'sort of' is not an implementation status"):
        implementation_status("sort of")


def test_reason_codes_take_the_2013_codes_and_keep_other_text() -> None:
    assert reason_codes("LR, CO, BR/BP") == (
        [InclusionReason.LEGAL.value, InclusionReason.CONTRACTUAL.value,
         InclusionReason.BUSINESS.value, InclusionReason.BEST_PRACTICE.value], "")
    assert reason_codes("Legal and risk assessment") == (
        [InclusionReason.LEGAL.value, InclusionReason.RISK_ASSESSMENT.value], "")
    found, rest = reason_codes("LR, because the auditor asked")
    assert found == [InclusionReason.LEGAL.value] and rest == "LR, because the auditor asked"


def test_tick_columns_and_headers() -> None:
    assert tick("✓") and tick("x") and not tick("") and not tick(None)
    assert set(TICK_REASONS) <= {f.key for f in SOA_FIELDS}
    mapping = propose(["Control No", "Control Name", "Applicable Y/N", "Reason for exclusion",
                       "LR", "Implementation Status"], SOA_FIELDS)
    assert mapping == {0: "ref", 1: "title", 2: "applicable", 3: "exclusion", 4: "legal",
                       5: "status"}
