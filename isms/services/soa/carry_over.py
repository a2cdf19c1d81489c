"""Carrying a department's existing SoA spreadsheet over to the 2022 controls.

``plan_soa_import`` reads the file (2013 or 2022 edition) and builds a plan, one entry per 2022
control, writing nothing: the source rows behind each control (several 2013 rows that merge into
one 2022 control are kept side by side), the proposed decision, and what needs a person's
decision instead: the controls new in 2022, merged rows that disagree, exclusions with no
justification. ``apply_soa_import`` then writes the settled controls through
``records.save_soa_entry`` (the same rules and change log as an edit in the window), in one
transaction. Controls that need a decision are not written at all: an SoA entry always states
applicability, so writing one would be a guess; with no entry the control shows as a gap to fill.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from isms.catalogue import clause_refs
from isms.catalogue.clause_refs import Edition, RefCell
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.headers import SEARCH_ROWS, Header, find_header
from isms.io.importing.mapping import Mapping, column_letter, propose, vocabulary
from isms.io.importing.soa_vocabulary import SOA_FIELDS, TICK_REASONS, reason_codes
from isms.io.importing.value_map import (
    Tally,
    Translated,
    UnrecognisedValue,
    ValueMap,
    mapped_parse,
    nearest_word,
)
from isms.io.readers import CellValue, SourceFile, open_source
from isms.model import (
    Applicability,
    Control,
    ControlCorrespondence,
    ControlEdition,
    ImplementationStatus,
    SoaEntry,
)
from isms.services import records

#: An SoA has one row per control plus section rows: a sheet far longer is not an SoA.
MAX_ROWS = 5000

#: Merged rows that disagree on implementation give the least implemented of them: the 2022
#: control is only as implemented as its weakest part.
_STATUS_ORDER = (
    ImplementationStatus.NOT_IMPLEMENTED,
    ImplementationStatus.PLANNED,
    ImplementationStatus.PARTIAL,
    ImplementationStatus.IMPLEMENTED,
)


@dataclass
class SourceRow:
    """One control row of the file, read."""

    row: int
    raw_ref: str
    ref: str  # in the file's edition
    title: str = ""
    applicability: Applicability | None = None
    reasons: list[str] = field(default_factory=list)
    justification: str = ""
    exclusion: str = ""
    status: ImplementationStatus | None = None
    implementation: str = ""
    target_date: date | None = None
    recovered: str | None = None  # "2010-01-01 read as A.10.1.1"
    problems: list[str] = field(default_factory=list)  # cells that could not be read


@dataclass(frozen=True)
class Unmatched:
    row: int
    value: str
    reason: str


@dataclass
class ControlPlan:
    """What the import proposes for one 2022 control."""

    ref: str
    title: str
    control_id: int
    sources: list[SourceRow] = field(default_factory=list)
    #: save_soa_entry fields, when the sources settle the decision.
    proposal: dict[str, Any] | None = None
    #: Why a person must decide instead (the new controls, disagreeing rows...); empty if none.
    decision: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The department's current entry, if any (its version, so a later edit is not overwritten).
    existing_version: int | None = None
    new_in_2022: bool = False

    @property
    def status(self) -> str:
        if self.decision:
            return "needs decision"
        return "merged" if len(self.sources) > 1 else "mapped"


@dataclass
class SoaImportPlan:
    file_name: str
    sha256: str
    sheet: str
    header: Header
    mapping: Mapping
    edition: Edition
    edition_reason: str
    department_id: int
    controls: list[ControlPlan]  # the 93 controls of 2022, in clause order
    unmatched: list[Unmatched]
    recovered: list[str]  # "row 14: 2010-01-01 read as A.10.1.1"
    notes: list[str] = field(default_factory=list)
    section_rows: int = 0  # clause and objective rows ("A.5 Information security policies")
    #: The value choices the rows were read with, and the applicability and status words the
    #: file uses that were not recognised as written (each once).
    value_map: ValueMap = field(default_factory=ValueMap)
    unrecognised: list[UnrecognisedValue] = field(default_factory=list)

    def by_status(self, status: str) -> list[ControlPlan]:
        return [c for c in self.controls if c.status == status]

    @property
    def to_write(self) -> list[ControlPlan]:
        return [c for c in self.controls if c.proposal is not None and not c.decision]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "controls": len(self.controls),
            "mapped": len(self.by_status("mapped")),
            "merged": len(self.by_status("merged")),
            "needs_decision": len(self.by_status("needs decision")),
            "new_in_2022": sum(1 for c in self.controls if c.new_in_2022),
            "unmatched_rows": len(self.unmatched),
            "recovered_refs": len(self.recovered),
            "to_write": len(self.to_write),
        }


# --- reading the file ----------------------------------------------------------------------


def _read_rows(source: SourceFile, sheet: str) -> list[tuple[int, list[CellValue]]]:
    rows = []
    for number, cells in source.rows(sheet):
        if number > MAX_ROWS:
            raise ValidationError(
                f"{source.path.name}, sheet '{sheet}': more than {MAX_ROWS} rows; an SoA has "
                "one row per control. Choose the SoA's sheet with --sheet.",
                field="sheet",
            )
        rows.append((number, cells))
    return rows


def _ref_column(
    rows: list[tuple[int, list[CellValue]]], header: Header, mapping: Mapping
) -> int | None:
    """The column where most cells read as control references (an SoA whose "Control" column
    holds "A.5.1.1 Policies for information security"), or the one whose header says so when
    it holds about as many: a header alone is not enough ("Ref" may number the rows 1, 2, 3)."""
    mapped = next((index for index, key in mapping.items() if key == "ref"), None)
    counts: dict[int, int] = defaultdict(int)
    for number, cells in rows:
        if number <= header.last_row:
            continue
        for index, value in enumerate(cells):
            reading = clause_refs.read_cell(value)
            if reading and (reading.refs("2013") or reading.refs("2022")):
                counts[index] += 1
    if not counts:
        return mapped
    best = max(counts, key=lambda i: counts[i])
    if mapped is not None and 2 * counts.get(mapped, 0) >= counts[best]:
        return mapped
    return best if counts[best] >= 5 else mapped


def _choose_sheet(
    source: SourceFile, sheet: str | None
) -> tuple[str, list[tuple[int, list[CellValue]]], Header, Mapping]:
    """The given sheet, else the first visible sheet whose header has a control reference
    column (an SoA workbook often opens on a document-control sheet)."""
    names = [sheet] if sheet else [s.name for s in source.sheets if not s.hidden]
    words = vocabulary(SOA_FIELDS)
    first: tuple[str, list[tuple[int, list[CellValue]]], Header, Mapping] | None = None
    for name in names:
        rows = _read_rows(source, name)
        top = [(n, r) for n, r in rows if n <= SEARCH_ROWS + 1]
        header = find_header(top, source.merged_ranges(name), words)
        if header is None:
            continue
        mapping = propose(header.names, SOA_FIELDS)
        found = (name, rows, header, mapping)
        if _ref_column(rows, header, mapping) is not None:
            return found
        first = first or found
    where = f"sheet '{sheet}'" if sheet else "any sheet"
    if first is None:
        raise ValidationError(
            f"{source.path.name}: no header row found in {where} (looked in the first "
            f"{SEARCH_ROWS} rows for columns such as Control ref, Title, Applicable).",
            field="sheet",
        )
    raise ValidationError(
        f"{source.path.name}, sheet '{first[0]}': no column of control references (no header "
        "such as 'Ref', 'Control no' or 'Clause', and no column of values like A.5.1.1 or "
        "5.15).",
        field="ref",
    )


def _cell(cells: list[CellValue], index: int | None) -> CellValue:
    return cells[index] if index is not None and index < len(cells) else None


#: The SoA fields whose words are mapped: what the file writes for applicability and status.
MAPPED_FIELDS = ("applicable", "status")

#: column index -> (field key, how its cells are read, its tally of unrecognised words or None)
_Readers = dict[int, tuple[str, Callable[[Any], Any], Tally | None]]


def _readers(plan: SoaImportPlan) -> _Readers:
    """Each mapped column's parser; applicability and status read through the value map."""
    by_key = {f.key: f for f in SOA_FIELDS}
    readers: _Readers = {}
    for index, key in plan.mapping.items():
        if key == "ref":
            continue
        parse = by_key[key].parse
        tally = None
        if key in MAPPED_FIELDS:
            name = plan.header.names[index] if index < len(plan.header.names) else ""
            tally = Tally(key, column_letter(index), name)
            choices = plan.value_map.table(key)
            for written, target in plan.value_map.choices.get(key, {}).items():
                try:
                    parse(target)
                except values.Problem:
                    raise ValidationError(
                        f"'{target}' is not a target for '{written}' in {by_key[key].label}: "
                        f"choose one of {_targets_text(parse)}.", field="value") from None
            if choices or plan.value_map.accept_proposals:
                proposer = (partial(nearest_word, parse)
                            if plan.value_map.accept_proposals else None)
                parse = mapped_parse(parse, choices, proposer)
        readers[index] = (key, parse, tally)
    return readers


def _targets_text(parse: Callable[[Any], Any]) -> str:
    found = values.vocabulary(parse)
    return ", ".join(sorted({str(v.value) for v in found[0].values()})) if found else ""


def _read_values(
    number: int, cells: list[CellValue], readers: _Readers, header: Header
) -> tuple[dict[str, Any], list[str]]:
    parsed: dict[str, Any] = {}
    problems = []
    for index, (key, parse, tally) in readers.items():
        raw = _cell(cells, index)
        try:
            value = parse(raw)
        except values.Problem as exc:
            name = header.names[index] if index < len(header.names) else ""
            problems.append(f"row {number}, column {column_letter(index)} ({name}): {exc}")
            if tally is not None:
                tally.problem(values.text(raw) or "", str(exc))
            continue
        if type(value) is Translated:
            assert tally is not None
            tally.translated(value.written, value.target, value.problem)
            value = value.value
        if value is not None and value != "":
            parsed[key] = value
    return parsed, problems


def _source_row(
    resolved: clause_refs.Resolved, parsed: dict[str, Any], problems: list[str]
) -> SourceRow:
    reasons, rest = reason_codes(parsed.get("reasons"))
    reasons += [reason.value for key, reason in TICK_REASONS.items() if parsed.get(key)]
    justification = "\n".join(t for t in (rest, parsed.get("justification", "")) if t)
    return SourceRow(
        resolved.row,
        resolved.raw,
        resolved.ref or "",
        title=parsed.get("title", "") or resolved.title,
        applicability=parsed.get("applicable"),
        reasons=reasons,
        justification=justification,
        exclusion=parsed.get("exclusion", ""),
        status=parsed.get("status"),
        implementation=parsed.get("implementation", ""),
        target_date=parsed.get("target_date"),
        recovered=resolved.recovered,
        problems=problems,
    )


# --- the plan ------------------------------------------------------------------------------


def plan_soa_import(
    session: Session,
    path: Path | str,
    department_id: int,
    *,
    edition: Edition | None = None,
    sheet: str | None = None,
    value_map: ValueMap | None = None,
) -> SoaImportPlan:
    """Read an SoA spreadsheet and propose the department's 2022 SoA from it; writes nothing.

    Raises ImportFormatError (not a readable spreadsheet) or ValidationError (no SoA in it: no
    header, no reference column, no references of either edition), each naming the file.
    """
    path = Path(path)
    with open_source(path) as source:
        name, rows, header, mapping = _choose_sheet(source, sheet)
        sha256 = source.sha256
    ref_index = _ref_column(rows, header, mapping)
    assert ref_index is not None  # _choose_sheet only returns a sheet that has one
    notes = []
    if mapping.get(ref_index) != "ref":
        headed = next((i for i, k in mapping.items() if k == "ref"), None)
        mapping = {i: k for i, k in mapping.items()
                   if i != ref_index and k != "ref"} | {ref_index: "ref"}
        notes.append(f"control references read from column {column_letter(ref_index)}" + (
            f", not column {column_letter(headed)} ({header.names[headed]}), which holds "
            "few or none" if headed is not None else ""))
    title_index = next((i for i, k in mapping.items() if k == "title"), None)
    data = [(n, c) for n, c in rows if n > header.last_row and any(v is not None for v in c)]
    cells = [
        RefCell(n, _cell(c, ref_index), values.text(_cell(c, title_index)) or "") for n, c in data
    ]
    found, reason, resolved = clause_refs.resolve(cells, edition)
    if found is None:
        raise ValidationError(
            f"{path.name}, sheet '{name}', column {column_letter(ref_index)}: no Annex A "
            "control references of the 2013 (A.5.1.1) or 2022 (5.1) edition.",
            field="ref",
        )
    plan = SoaImportPlan(
        path.name,
        sha256,
        name,
        header,
        dict(sorted(mapping.items())),
        found,
        reason,
        department_id,
        [],
        [],
        [],
        notes,
    )
    plan.value_map = value_map or ValueMap()
    readers = _readers(plan)
    sources = _sources(plan, data, resolved, readers)
    parsers = {f.key: f.parse for f in SOA_FIELDS}
    plan.unrecognised = [
        value
        for key, _parse, tally in readers.values()
        if tally is not None
        for value in tally.listed(partial(nearest_word, parsers[key]))
    ]
    _build_controls(session, plan, sources)
    return plan


def _sources(
    plan: SoaImportPlan,
    data: list[tuple[int, list[CellValue]]],
    resolved: list[clause_refs.Resolved],
    readers: _Readers,
) -> list[SourceRow]:
    found = []
    ref_column = column_letter(next(i for i, k in plan.mapping.items() if k == "ref"))
    for (number, cells), item in zip(data, resolved, strict=True):
        if item.heading:
            plan.section_rows += 1
            continue
        parsed, problems = _read_values(number, cells, readers, plan.header)
        if item.ref is None:
            if item.problem:
                plan.unmatched.append(Unmatched(number, item.raw, item.problem))
            elif "applicable" in parsed or "status" in parsed:
                plan.unmatched.append(
                    Unmatched(number, item.raw, f"no control reference in column {ref_column}")
                )
            continue  # free text between the controls (notes, a legend)
        if item.recovered:
            plan.recovered.append(f"row {number}: {item.recovered}")
        found.append(_source_row(item, parsed, problems))
    return found


def _targets(session: Session, edition: Edition) -> dict[str, list[str]]:
    """File reference -> the 2022 references it becomes (2013 through ISO/IEC 27002 Annex B)."""
    if edition == "2022":
        return {}
    old, new = aliased(Control), aliased(Control)
    pairs = session.execute(
        select(old.ref, new.ref)
        .join(ControlCorrespondence, ControlCorrespondence.control_2013_id == old.id)
        .join(new, ControlCorrespondence.control_2022_id == new.id)
    )
    targets: dict[str, list[str]] = defaultdict(list)
    for ref_2013, ref_2022 in pairs:
        targets[ref_2013].append(ref_2022)
    return targets


def _build_controls(session: Session, plan: SoaImportPlan, sources: list[SourceRow]) -> None:
    controls = list(
        session.execute(
            select(Control)
            .where(Control.edition == ControlEdition.ISO27001_2022)
            .order_by(Control.sort_key)
        ).scalars()
    )
    existing = dict(
        session.execute(
            select(SoaEntry.control_id, SoaEntry.version).where(
                SoaEntry.department_id == plan.department_id
            )
        ).all()
    )
    targets = _targets(session, plan.edition)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for ref_2013, refs_2022 in targets.items():
        for ref in refs_2022:
            predecessors[ref].append(ref_2013)
    by_ref: dict[str, list[SourceRow]] = defaultdict(list)
    for source in sources:
        for ref in targets.get(source.ref, [source.ref]) if targets else [source.ref]:
            by_ref[ref].append(source)
    for control in controls:
        item = ControlPlan(
            control.ref,
            control.title,
            control.id,
            sorted(by_ref.get(control.ref, []), key=lambda s: s.row),
            existing_version=existing.get(control.id),
        )
        if plan.edition == "2013" and not predecessors[control.ref]:
            item.new_in_2022 = True
            item.decision.append("new in 2022: no 2013 control corresponds to it")
        elif not item.sources:
            wanted = ", ".join(predecessors[control.ref]) or control.ref
            item.decision.append(f"no row in the file for {wanted}")
        else:
            _merge(item)
        plan.controls.append(item)


def _label(source: SourceRow) -> str:
    return f"{source.ref} (row {source.row})"


def _joined(item: ControlPlan, texts: list[tuple[SourceRow, str]]) -> str:
    """The sources' texts; with several rows each is prefixed by its 2013 reference, so the
    merged entry still says which old control it came from."""
    texts = [(s, t) for s, t in texts if t]
    if len(item.sources) == 1:
        return "\n".join(t for _, t in texts)
    return "\n".join(f"{s.ref}: {t}" for s, t in texts)


def _merge(item: ControlPlan) -> None:
    sources = item.sources
    seen: dict[str, int] = {}
    for source in sources:
        item.decision += source.problems
        if source.ref in seen:
            item.decision.append(f"{source.ref} is on rows {seen[source.ref]} and {source.row}")
        seen.setdefault(source.ref, source.row)
    given = {s.applicability for s in sources if s.applicability is not None}
    if len(given) > 1:
        listed = ", ".join(
            f"{_label(s)} {s.applicability.value if s.applicability else 'not said'}"
            for s in sources
        )
        item.decision.append(f"the rows disagree on applicability: {listed}")
    elif not given:
        item.decision.append("no applicability given")
    if item.decision:
        return
    chosen = given.pop()
    if chosen == Applicability.EXCLUDED:
        why = _joined(item, [(s, s.exclusion or s.justification) for s in sources])
        if not why:
            item.decision.append("excluded with no justification")
            return
        item.proposal = {"applicability": chosen, "exclusion_justification": why}
        return
    proposal: dict[str, Any] = {
        "applicability": chosen,
        "reasons": sorted({r for s in sources for r in s.reasons}),
        "inclusion_note": _joined(item, [(s, s.justification) for s in sources]),
        "implementation": _joined(item, [(s, s.implementation) for s in sources]),
    }
    statuses = [s.status for s in sources if s.status is not None]
    if statuses:
        least = min(statuses, key=_STATUS_ORDER.index)
        if len(set(statuses)) > 1:
            item.notes.append(
                "implementation differs: "
                + ", ".join(f"{s.ref} {s.status.value}" for s in sources if s.status)
                + f"; taken as {least.value}, the least of them"
            )
        proposal["implementation_status"] = least
        if least == ImplementationStatus.PLANNED:
            dates = [s.target_date for s in sources if s.target_date]
            if not dates:
                item.decision.append("planned with no target date")
                return
            proposal["target_date"] = max(dates)
    item.proposal = proposal


# --- applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoaImportResult:
    created: int
    updated: int
    left_for_decision: int


def apply_soa_import(
    session: Session,
    plan: SoaImportPlan,
    department_id: int | None = None,
    *,
    actor: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SoaImportResult:
    """Write the plan's settled controls as the department's SoA entries, all or nothing.

    Runs in a savepoint: if any entry is refused (a rule of save_soa_entry, or an entry someone
    changed since the plan was made) nothing of the import stays in the session. The caller
    commits. Controls that need a decision are left without an entry (or as they were).
    """
    department_id = plan.department_id if department_id is None else department_id
    if department_id != plan.department_id:
        raise ValidationError(
            "The plan was made for another department: plan the import again.",
            field="department_id",
        )
    previous_actor = session.info.get("actor")
    if actor:
        session.info["actor"] = actor
    chosen = plan.to_write
    created = updated = 0
    try:
        with session.begin_nested():
            for done, item in enumerate(chosen, start=1):
                entry = records.soa_entry(session, department_id, item.control_id)
                version = entry.version if entry is not None else None
                if version != item.existing_version:
                    raise ConflictError(
                        f"The SoA entry for control {item.ref} changed since the import was "
                        "planned: plan it again.",
                        record=f"control {item.ref}",
                        yours=item.existing_version,
                        theirs=version,
                    )
                assert item.proposal is not None
                records.save_soa_entry(session, department_id, item.control_id, **item.proposal)
                created += entry is None
                updated += entry is not None
                if progress and (done % 20 == 0 or done == len(chosen)):
                    progress("writing the SoA", done, len(chosen))
            session.flush()  # change-logged under the actor, inside the savepoint
    finally:
        session.info["actor"] = previous_actor
    return SoaImportResult(created, updated, len(plan.controls) - len(chosen))
