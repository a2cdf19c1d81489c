"""The read-only pages of the smaller registers, in the order the navigation shows them.

Each is an ordinary ``RegisterPage`` (search box, SQL-sorted lazy table, department filter,
export); editors come later.
"""

from __future__ import annotations

from ..models.lists import (
    action_model,
    change_model,
    control_model,
    evidence_model,
    handling_model,
    review_model,
)
from .register_page import PageSpec

HANDLING = PageSpec("handling", "handling practice", "handling practices", "Data handling",
                    "asset reference, asset name or third party", handling_model)
#: The pages after Risks, in navigation order.
AFTER_RISKS = (
    PageSpec("actions", "treatment action", "treatment actions", "Treatment actions",
             "risk reference, action or owner", action_model, sort="due_date"),
    PageSpec("controls", "control", "controls", "Controls & SoA", "control number or title",
             control_model),
    PageSpec("evidence", "evidence item", "evidence items", "Evidence",
             "reference, title or description", evidence_model),
    PageSpec("reviews", "review", "reviews", "Reviews", "reference, title or chair",
             review_model),
    PageSpec("changes", "change", "changes", "Change log", "record or who made it",
             change_model, sort="at", descending=True),
)
