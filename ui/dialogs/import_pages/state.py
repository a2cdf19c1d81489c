"""What the import wizard's pages share, and the reads and writes they make through ``isms``.

The pages hold no sessions: each step opens one (in a worker thread for the long ones) and hands
back plain values. ``ImportRequest`` is the frozen copy of the user's choices a worker thread
reads, so it never touches the state the UI thread is editing.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from isms.db import Register
from isms.io.importing.error_workbook import write_error_workbook
from isms.io.importing.fields import FIELDS_BY_KIND, Field
from isms.io.importing.headers import Header, Row
from isms.io.importing.mapping import Mapping
from isms.io.importing.plan import ImportPlan
from isms.io.importing.value_map import ValueMap
from isms.io.readers import SheetInfo, open_source
from isms.services.imports import files as import_files
from isms.services.imports import mapping_profiles, value_choices
from isms.services.imports.batch_writer import ImportResult
from isms.services.read import queries

from ...models.register_table import display_text
from ...operations import Progress

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: kind -> (what the menu and the first page call it, singular noun, plural noun)
KINDS: dict[str, tuple[str, str, str]] = {
    "assets": ("Assets", "asset", "assets"),
    "handling": ("Handling practices", "handling practice", "handling practices"),
    "risks": ("Risks", "risk", "risks"),
    "people": ("People", "person", "people"),
}
#: Kinds whose records belong to a department (handling practices follow their asset's).
NEEDS_DEPARTMENT = frozenset({"assets", "risks"})

FIRST_ROWS = 15  # raw rows the sheet page shows, enough to see titles above a 3-row header
SAMPLES = 3  # sample values per column on the mapping page
_SAMPLE_SCAN = 200  # rows looked through for samples (a sheet may start with blank rows)


@dataclass(frozen=True)
class DepartmentChoice:
    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


def load_departments(session: Session) -> list[DepartmentChoice]:
    """The register's departments by name."""
    return [DepartmentChoice(d.id, d.code, d.name) for d in queries.departments(session)]


@dataclass(frozen=True)
class SheetLook:
    """One sheet as the sheet page found it: where its header is and what lies under it."""

    sheet: str
    header_row: int | None  # set by hand (the header's last row), or None: found
    header: Header
    mapping: Mapping  # proposed from the headers, or a saved profile's
    origin: str  # ``PreparedImport.mapping_origin``
    first_rows: list[Row]  # the sheet's first rows as read, header included
    samples: dict[int, list[str]]  # column -> a few values from the first data rows
    value_map: ValueMap  # the value choices saved with the profile used (empty: none)


@dataclass(frozen=True)
class ImportRequest:
    """The user's choices, frozen for a worker thread."""

    register: Register
    path: Path
    kind: str
    sheet: str
    header_row: int | None
    department_id: int | None
    mapping: Mapping | None = None
    encoding: str | None = None
    value_map: ValueMap | None = None


@dataclass
class ImportState:
    """The wizard's choices so far; each page fills in its part."""

    register: Register
    kind: str
    path: Path | None = None
    department_id: int | None = None
    sheets: list[SheetInfo] = field(default_factory=list)
    default_sheet: str = ""
    look: SheetLook | None = None
    mapping: Mapping = field(default_factory=dict)
    mapping_changed: bool = False
    plan: ImportPlan | None = None
    #: The value choices (the Values page's; at first those saved with the profile used).
    value_map: ValueMap = field(default_factory=ValueMap)
    #: The name of the saved mapping used or saved last ("" for none).
    profile_name: str = ""
    #: Why value choices were left out (saved ones that no longer fit), for the values page.
    values_note: str = ""
    result: ImportResult | None = None
    #: A CSV's text encoding chosen on the file page (None: detected).
    encoding: str | None = None

    @property
    def fields(self) -> tuple[Field, ...]:
        return FIELDS_BY_KIND[self.kind]

    @property
    def noun(self) -> str:
        return KINDS[self.kind][1]

    @property
    def plural(self) -> str:
        return KINDS[self.kind][2]

    def request(self) -> ImportRequest:
        assert self.path is not None and self.look is not None
        return ImportRequest(self.register, self.path, self.kind, self.look.sheet,
                             self.look.header_row, self.department_id, dict(self.mapping),
                             self.encoding, copy.deepcopy(self.value_map))

    def values_to_save(self) -> ValueMap:
        """The value choices a saved mapping keeps: those the preview was read with (the
        people and departments it creates left out: by the next file they exist), or, before
        any preview, those of the profile the mapping came from."""
        if self.plan is not None:
            return value_choices.chosen_map(self.plan)
        return self.look.value_map if self.look is not None else ValueMap()

    def missing(self) -> list[str]:
        """What the mapping still lacks before a preview can be made, in the user's words."""
        mapped = set(self.mapping.values())
        missing = [f.label for f in self.fields if f.required and f.key not in mapped]
        if (self.kind in NEEDS_DEPARTMENT and self.department_id is None
                and "department" not in mapped):
            missing.append("Department (or choose the department on the first page)")
        return missing


def save_mapping(state: ImportState, name: str) -> None:
    """Save the column mapping and the value choices under ``name`` (replacing a mapping of
    that name): files with the same column names use them next time. Raises ValidationError
    (no name...)."""
    assert state.look is not None
    with state.register.transaction() as session:
        mapping_profiles.save_profile(
            session, kind=state.kind, name=name, names=state.look.header.names,
            mapping=state.mapping, department_id=state.department_id,
            value_map=state.values_to_save(),
        )


def rows_text(n: int) -> str:
    """'1 row', '2,000 rows'."""
    return f"{n:,} row{'' if n == 1 else 's'}"


def origin_text(origin: str, changed: bool) -> str:
    """Where the mapping came from, as the mapping page says it."""
    if origin.startswith("profile "):
        text = f"Using saved mapping '{origin.removeprefix('profile ')}'"
    elif origin == "proposed":
        text = "Mapping proposed from the headers"
    else:
        text = "Mapping as you set it"
    return text + (", changed by you." if changed and origin != "given" else ".")


def look_at_sheet(
    register: Register, path: Path, kind: str, sheet: str, header_row: int | None,
    department_id: int | None, encoding: str | None = None,
) -> SheetLook:
    """Find the header of ``sheet`` (or take ``header_row``) and the mapping to start from.

    Reads only the first rows, so it runs on the UI thread. Raises ImportFormatError (no header,
    unreadable file) or ValidationError (no such sheet) with a one-line reason.
    """
    with register.session() as session:
        prepared = import_files.prepare(session, path, kind=kind, sheet=sheet,
                                        header_row=header_row, department_id=department_id,
                                        encoding=encoding)
    with prepared.source:
        first = list(itertools.islice(prepared.source.rows(sheet), FIRST_ROWS))
        samples: dict[int, list[str]] = {}
        for _number, cells in itertools.islice(prepared.sheet.rows, _SAMPLE_SCAN):
            texts = [_sample(v) for v in cells]
            if not any(texts):
                continue
            for column, text in enumerate(texts):
                column_samples = samples.setdefault(column, [])
                if text and len(column_samples) < SAMPLES and text not in column_samples:
                    column_samples.append(text)
            if all(len(s) >= SAMPLES for s in samples.values()):
                break
    return SheetLook(sheet, header_row, prepared.sheet.header, dict(prepared.mapping),
                     prepared.mapping_origin, first, samples, prepared.value_map)


def _sample(value: object) -> str:
    text = " ".join(display_text(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def plan_import(request: ImportRequest, progress: Progress) -> ImportPlan:
    """Read every row against the mapping (a dry run: nothing is written). For a worker thread:
    the file is read again because a sheet's rows stream once."""
    with request.register.session() as session:
        prepared = import_files.prepare(
            session, request.path, kind=request.kind, sheet=request.sheet,
            header_row=request.header_row, mapping=request.mapping,
            department_id=request.department_id, progress=progress,
            encoding=request.encoding,
        )
        with prepared.source:
            return import_files.plan(session, prepared, request.department_id,
                                     value_map=request.value_map)


def apply_import(
    register: Register, plan: ImportPlan, valid_only: bool, progress: Progress
) -> ImportResult:
    """Write the plan in one transaction (for a worker thread): all of it or nothing."""
    with register.transaction() as session:
        result = import_files.apply(session, plan, valid_only=valid_only, progress=progress)
        # A last look at Cancel before the commit: services that report no progress of their
        # own (handling practices, risks) can then still be stopped, and rolled back.
        progress("Saving to the register…", 1, 1)
        return result


def write_errors(
    plan: ImportPlan, source_path: Path, target: Path, encoding: str | None = None
) -> Path:
    """The department's own rows with a status and what to fix, as an .xlsx to send back."""
    with open_source(source_path, encoding=encoding) as source:
        return write_error_workbook(plan, source.rows(plan.sheet), target)
