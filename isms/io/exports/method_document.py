"""What the risk method document says, as plain data: assembled from the register by
``isms.services.method.method_document`` and laid out by ``method_pdf`` (kept apart so building
it does not load reportlab)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ...method.criteria import Criteria
from ...method.handling import Rule


@dataclass(frozen=True)
class MethodDocument:
    register_name: str
    #: The criteria version in force and who made it when, with their note.
    version_number: int
    created_at: datetime
    created_by: str
    note: str
    criteria: Criteria
    #: The active data-handling rules, in code order.
    rules: Sequence[Rule]
