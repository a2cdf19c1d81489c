"""A department's round-trip workbook written, then opened and compared with its export and the
register, in one call each for the command line and the window alike (``round_trip`` has the
comparison itself)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from isms.errors import ValidationError
from isms.io.exports.asset_table import write_assets
from isms.io.importing.stamp import has_stamp
from isms.services.documents.marking import content_marking
from isms.services.imports import files
from isms.services.imports.round_trip import Comparison, compare, stamp_of


def is_round_trip(path: Path) -> bool:
    """Whether ``path`` is a round-trip workbook (``isms export assets --for-import``)."""
    return has_stamp(path)


def open_comparison(
    session: Session,
    path: Path,
    *,
    sheet: str | None = None,
    department_id: int | None = None,
    progress: files.Progress | None = None,
) -> Comparison:
    """Read the workbook at ``path`` and compare each row with the stamp it carries and with
    the register; writes nothing. Refused (ValidationError) for a file without the stamp."""
    prepared = files.prepare(session, path, kind="assets", sheet=sheet,
                             department_id=department_id, progress=progress)
    with prepared.source:
        stamp = stamp_of(prepared.source)
        if stamp is None:
            raise ValidationError(
                f"{path.name} is not a round-trip workbook (it has no stamp sheet): import it "
                "as an asset list.", field="file")
        return compare(session, prepared.sheet, stamp, department_id)


def write_round_trip(session: Session, path: Path, department_id: int | None) -> int:
    """Write the department's assets (every department's with None) to the round-trip workbook
    ``path`` (.xlsx): references locked, stamped for the comparison when it comes back, marked
    with the highest marking of the assets it lists. Returns the number of assets written."""
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"Give the round-trip workbook an .xlsx name, not '{path.name}'.",
                              field="path")
    return write_assets(session, path, department=department_id,
                        marking=content_marking(session, "assets", department_id))
