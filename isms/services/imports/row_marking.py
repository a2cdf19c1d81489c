"""The protective marking of the rows an import read: the error workbook that sends a
department's rows back (with what to fix) holds them, so it carries the highest marking
among them (issue 17, point 8), worked out with :mod:`isms.services.documents.marking`.

What the rows reveal: the markings they give their assets, the markings of the assets they
update or are about (a handling practice's asset, a risk's assets); risks describe
vulnerabilities, so a risk file is at least the scheme's sensitive marking, as the risk
register is. Rows from which no marking could be read are marked as the register's own
document of the same records for the department (the asset inventory, the risk register).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.io.importing.plan import ImportPlan
from isms.model import Asset, ClassificationMarking
from isms.services.documents.marking import ContentKind, content_marking, scale

#: The register's document holding the same records as an import of each kind.
_DOCUMENT: dict[str, ContentKind] = {"assets": "assets", "handling": "assets",
                                     "risks": "risks"}


def _ids(value: object) -> Iterable[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list | tuple | set):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return ()


def plan_marking(session: Session, plan: ImportPlan) -> str:
    """The highest marking of what ``plan``'s rows hold ("" with no current scheme)."""
    marks = scale(session)
    if not marks.labels:
        return ""
    marking_ids: set[int] = set()
    asset_ids: set[int] = set()
    for verdict in plan.rows:
        values = verdict.values
        marking_ids.update(_ids(values.get("marking_id", values.get("marking"))))
        asset_ids.update(_ids(values.get("asset_id")))
        asset_ids.update(_ids(values.get("asset_ids")))
        if plan.kind == "assets" and verdict.record_id is not None:
            asset_ids.add(verdict.record_id)  # an update: what the register holds now too
    labels: list[str] = []
    if marking_ids:
        labels += session.execute(select(ClassificationMarking.label)
                                  .where(ClassificationMarking.id.in_(marking_ids))).scalars()
    if asset_ids:
        labels += session.execute(
            select(ClassificationMarking.label).distinct()
            .join(Asset, Asset.marking_id == ClassificationMarking.id)
            .where(Asset.id.in_(asset_ids))).scalars()
    floor = marks.sensitive if plan.kind == "risks" else marks.baseline
    if labels:
        return marks.highest([floor, *labels])
    document = _DOCUMENT.get(plan.kind)
    if document is None:  # people: names and e-mails, no register content
        return floor
    return marks.highest([floor, content_marking(session, document, plan.department_id)])


__all__ = ["plan_marking"]
