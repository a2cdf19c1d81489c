"""The registers an auditor samples, as Reports to write with ``isms.io.exports`` (xlsx or
PDF), for one department (by id) or the whole council (None):

* ``risk_register`` - risks with scores, levels in the criteria colours, treatment, controls,
  review dates and acceptances;
* ``treatment_plan`` - every live risk with its option, its treatment actions (priority,
  resources, original and current due date, deferrals; overdue flagged) and its risk owners'
  acceptances, and a row saying so where a risk has no planned treatment;
* ``asset_inventory`` - assets with classification, C/I/A, personal data and handling findings.

Rows are generators over the database, so a 100,000-asset inventory is streamed to the file.
"""

from __future__ import annotations

from isms.services.documents.asset_register import asset_inventory
from isms.services.documents.risk_register import risk_register
from isms.services.documents.treatment_plan import treatment_plan

__all__ = ["asset_inventory", "risk_register", "treatment_plan"]
