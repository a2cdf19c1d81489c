"""Which pages show which records, so a save repaints only the pages it could have changed.

A service that writes says what it changed (``isms.services.changed.Changed``: the tables and
ids); the window asks :func:`pages_to_refresh` which pages read any of those tables. A page is
listed under every table whose columns it shows, joined ones included: the Risks page shows the
owner's name, so a change to a person repaints it. The Change log page shows every write, and a
change that is too wide to list (``Changed.all()``) repaints everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from isms.services.changed import Changed

#: Names that appear on many pages: the owner, the department.
_NAMES = frozenset({"person", "department"})

#: page key -> the tables whose rows (or joined names) the page shows.
SHOWS: dict[str, frozenset[str]] = {
    "assets": _NAMES | {"asset", "classification_marking", "classification_scheme"},
    "risks": _NAMES | {"risk", "risk_acceptance", "risk_criteria", "treatment_action"},
    "handling": _NAMES | {"handling_practice", "handling_rule", "asset"},
    "actions": _NAMES | {"treatment_action", "risk"},
    "controls": _NAMES | {"control", "soa_entry", "soa_version", "evidence", "risk"},
    "evidence": _NAMES | {"evidence", "control", "soa_entry"},
    "reviews": _NAMES | {"review_meeting", "review_attendee", "agenda_item", "review_decision",
                         "review_action"},
    "findings": _NAMES | {"asset", "handling_practice", "handling_rule", "risk",
                          "classification_marking"},
    # Figures over nearly everything: the heat map, coverage, overdue work, what falls due.
    "dashboard": _NAMES | {"asset", "risk", "risk_acceptance", "risk_criteria",
                           "treatment_action", "control", "soa_entry", "soa_version", "evidence",
                           "handling_practice", "handling_rule", "review_meeting", "agenda_item",
                           "review_decision", "review_action", "classification_marking",
                           "controlled_document",
                           "context_issue"},  # its first steps ask for the climate decision
}
#: Pages that show every write (each one adds a change-log entry).
EVERY_WRITE = frozenset({"changes"})


def pages_to_refresh(changed: Changed, pages: Iterable[str]) -> set[str]:
    """The keys among ``pages`` that show something ``changed`` says was written."""
    keys = set(pages)
    if changed.everything:
        return keys
    if not changed:
        return set()
    tables = changed.tables
    return {key for key in keys
            if key in EVERY_WRITE or key not in SHOWS or SHOWS[key] & tables}
