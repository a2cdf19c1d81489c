"""From a file on disk to a plan: open it, pick the sheet, find the header, choose the mapping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from isms.errors import ValidationError
from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.headers import Row
from isms.io.importing.mapping import Mapping, column_letter, propose, vocabulary
from isms.io.importing.plan import ImportPlan
from isms.io.importing.sheet import SheetData, split_header
from isms.io.importing.value_map import ValueMap
from isms.io.readers import SourceFile, open_source
from isms.model.enums import AssetType
from isms.services.imports import mapping_profiles
from isms.services.imports.assets import apply_plan, plan_assets
from isms.services.imports.batch_writer import ImportResult
from isms.services.imports.people import apply_people, plan_people
from isms.services.imports.records import apply_records, plan_records
from isms.services.imports.round_trip import flag_conflicts
from isms.services.imports.row_marking import plan_marking

Progress = Callable[[str, int, int], None]


@dataclass
class PreparedImport:
    kind: str
    source: SourceFile
    sheet: SheetData
    mapping: Mapping
    #: Where the mapping came from: "proposed", "profile NAME", or "given".
    mapping_origin: str
    #: The value choices saved with the profile the mapping came from (else none).
    value_map: ValueMap = field(default_factory=ValueMap)


def _counted(rows: Iterator[Row], total: int | None, progress: Progress | None) -> Iterator[Row]:
    if progress is None:
        yield from rows
        return
    for count, row in enumerate(rows, start=1):
        if count % 2000 == 0:
            progress("reading rows", count, total or count)
        yield row


def prepare(
    session: Session,
    path: Path,
    *,
    kind: str = "assets",
    sheet: str | None = None,
    header_row: int | None = None,
    profile: str | None = None,
    mapping: Mapping | None = None,
    department_id: int | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> PreparedImport:
    """Open the file and settle the mapping: one given, a named profile, a saved profile for
    the same header layout, or one proposed from the header names. ``encoding`` overrides the
    text encoding detected in a CSV file."""
    source = open_source(path, encoding=encoding)
    try:
        sheet_data, mapping, origin, value_map = _settle(
            session,
            source,
            path,
            kind,
            sheet,
            header_row,
            profile,
            mapping,
            department_id,
            progress,
        )
    except BaseException:
        source.close()  # nothing else will: the caller never gets the source back
        raise
    return PreparedImport(kind, source, sheet_data, mapping, origin, value_map)


def _settle(
    session: Session,
    source: SourceFile,
    path: Path,
    kind: str,
    sheet: str | None,
    header_row: int | None,
    profile: str | None,
    mapping: Mapping | None,
    department_id: int | None,
    progress: Progress | None,
) -> tuple[SheetData, Mapping, str, ValueMap]:
    fields = FIELDS_BY_KIND[kind]
    name = sheet or source.default_sheet()
    info = next((s for s in source.sheets if s.name == name), None)
    if info is None:
        listed = ", ".join(s.name + (" (hidden)" if s.hidden else "") for s in source.sheets)
        raise ValidationError(
            f"{path.name} has no sheet '{name}'; it has: {listed}.", field="sheet"
        )
    found = source.notes(name)
    cell_notes = {(n.row, n.column - 1): n.message for n in found}
    notes = [f"row {n.row}, column {column_letter(n.column - 1)}: {n.message}" for n in found]
    notes[:0] = [f"{path.name}: {warning}" for warning in source.warnings]
    data = split_header(
        path.name,
        source.sha256,
        name,
        _counted(source.rows(name), info.rows, progress),
        source.merged_ranges(name),
        vocabulary(fields),
        notes,
        header_row,
        cell_notes,
    )
    if mapping is not None:
        return data, mapping, "given", ValueMap()
    if profile is not None:
        saved = mapping_profiles.profile_named(session, kind, profile)
        return (
            data,
            mapping_profiles.apply_profile(saved, data.header.names),
            (f"profile {saved.name}"),
            mapping_profiles.profile_values(saved),
        )
    match = mapping_profiles.matching_profile(session, kind, data.header.names, department_id)
    if match is not None:
        return (
            data,
            mapping_profiles.apply_profile(match, data.header.names),
            (f"profile {match.name}"),
            mapping_profiles.profile_values(match),
        )
    return data, propose(data.header.names, fields), "proposed", ValueMap()


def plan(
    session: Session,
    prepared: PreparedImport,
    department_id: int | None,
    value_map: ValueMap | None = None,
    *,
    new_type: AssetType | None = None,
) -> ImportPlan:
    """Read every row (a dry run). ``value_map``: the value choices (default: those saved with
    the profile the mapping came from); the plan lists the values it did not recognise.
    ``new_type``: for assets, the type of new ones when the file has no type column."""
    value_map = prepared.value_map if value_map is None else value_map
    if prepared.kind == "assets":
        found = plan_assets(session, prepared.sheet, prepared.mapping, department_id, value_map,
                            new_type)
        flag_conflicts(session, prepared.source, found)  # a round-trip file read plainly
    elif prepared.kind == "people":
        found = plan_people(session, prepared.sheet, prepared.mapping, department_id, value_map)
    else:
        found = plan_records(
            session, prepared.sheet, prepared.mapping, prepared.kind, department_id, value_map
        )
    found.marking = plan_marking(session, found)  # the error workbook sending them back
    return found


def apply(
    session: Session, plan: ImportPlan, *, valid_only: bool, progress: Progress | None = None
) -> ImportResult:
    if plan.kind == "assets":
        return apply_plan(session, plan, valid_only=valid_only, progress=progress)
    if plan.kind == "people":
        return apply_people(session, plan, valid_only=valid_only, progress=progress)
    return apply_records(session, plan, valid_only=valid_only, progress=progress)
