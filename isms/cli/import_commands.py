"""`isms import assets | handling | risks | soa | template | batches | undo`: department
spreadsheets in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import select

from isms.services import classification
from isms.services.documents.marking import scale
from isms.services.imports import files as import_files
from isms.services.imports import mapping_profiles, value_choices
from isms.services.imports.batches import list_batches, undo_batch
from isms.services.read import queries
from isms.services.soa import carry_over as soa_import

from ..db import commit
from ..db.changelog import plain as json_plain  # enums as text, dates in ISO form
from ..errors import UsageError, ValidationError
from ..io.importing import values
from ..io.importing.fields import FIELDS_BY_KIND
from ..io.importing.mapping import Mapping, column_index, column_letter
from ..io.importing.plan import ImportPlan
from ..io.importing.stamp import has_stamp
from ..io.importing.template import write_template
from ..io.importing.value_map import UnrecognisedValue, ValueMap
from ..model import Department
from ..model.enums import AssetType
from . import round_trip_commands
from .common import command, json_option, opened, whole_number
from .output import Progress, print_json, print_table

#: Exit status when the file was refused and nothing was written.
REJECTED = 1
_SHOWN_PROBLEMS = 20


def _column_index(text: str, names: list[str]) -> int:
    """A column given as a letter ("C") or as its header text ("Asset Owner")."""
    wanted = text.strip()
    if wanted.isalpha() and len(wanted) <= 3 and wanted.upper() == wanted:
        return column_index(wanted)
    for i, name in enumerate(names):
        if name.strip().lower() == wanted.lower():
            return i
    raise UsageError(f"No column '{text}' in the header ({', '.join(n for n in names if n)}).")


def _given_mapping(kind: str, pairs: list[str], names: list[str]) -> Mapping:
    fields = {f.key for f in FIELDS_BY_KIND[kind]}
    mapping: Mapping = {}
    for pair in pairs:
        column, sep, key = pair.partition("=")
        if not sep or key.strip() not in fields:
            raise UsageError(
                f"--map takes COLUMN=FIELD with FIELD one of {', '.join(sorted(fields))}; "
                f"got '{pair}'."
            )
        mapping[_column_index(column, names)] = key.strip()
    return mapping


def _value_map(
    mapped: tuple[str, ...],
    given: ValueMap,
    pairs: list[str],
    accept: bool,
    mapping: Mapping,
    names: list[str],
) -> ValueMap:
    """The profile's value choices, then each ``--value COLUMN:VALUE=TARGET`` over them;
    ``mapped``: the fields whose values may be mapped."""
    chosen = ValueMap(
        {k: dict(v) for k, v in given.choices.items()}, accept_proposals=accept
    )
    for pair in pairs:
        index, rest = _value_column(pair, names)
        written, equals, target = rest.rpartition("=")  # a value may hold "=", a target not
        if not equals or not written.strip() or not target.strip():
            raise UsageError(f"--value takes COLUMN:VALUE=TARGET; got '{pair}'.")
        key = mapping.get(index)
        if key is None or key not in mapped:
            raise UsageError(
                f"--value: column {column_letter(index)} is not mapped to a field whose values "
                "are mapped "
                f"({', '.join(mapped)})."
            )
        chosen.choose(key, written.strip(), target.strip())
    return chosen


def _value_column(pair: str, names: list[str]) -> tuple[int, str]:
    """The column of ``COLUMN:VALUE=TARGET`` and the rest: the first ':' that ends a column's
    letter or header (a header may hold a ':' itself, "Classification: GPMS")."""
    for at, char in enumerate(pair):
        if char == ":":
            try:
                return _column_index(pair[:at], names), pair[at + 1 :]
            except (UsageError, ValueError):
                continue
    if ":" not in pair:
        raise UsageError(f"--value takes COLUMN:VALUE=TARGET; got '{pair}'.")
    return _column_index(pair.partition(":")[0], names), ""  # names the columns there are


def _values_table(values: list[UnrecognisedValue]) -> None:
    """The unrecognised values, once each: what the department fixes, or the user maps."""
    if not values:
        return
    print(f"Values not recognised ({len(values)}):")
    print_table(
        ["Column", "Value", "Rows", "Proposal", "Read as"],
        [
            (
                f"{v.column} ({v.header})" if v.header else v.column,
                v.written,
                v.rows,
                v.proposal or ("one of: " + "; ".join(v.candidates) if v.candidates else "-"),
                v.chosen or "(unmapped)",
            )
            for v in values
        ],
    )
    # Where each proposal comes from, said once for all the values it covers.
    reasons: dict[str, list[str]] = {}
    for v in values:
        if v.proposal_reason:
            reasons.setdefault(v.proposal_reason, []).append(v.written)
    for reason, written in reasons.items():
        print(f"  {', '.join(written)}: {reason}")
    if any(v.chosen is None for v in values):
        print(
            "  map them with --value COLUMN:VALUE=TARGET (TARGET new-person / new-department "
            "/ new-threat / new-vulnerability creates one), or take the proposals with "
            "--accept-proposals"
        )


def _report(plan: ImportPlan, origin: str, result: dict[str, Any]) -> None:
    header = plan.header
    rows = (
        f"row {header.last_row}"
        if header.first_row == header.last_row
        else (f"rows {header.first_row}-{header.last_row}")
    )
    print(f"{plan.file_name}, sheet '{plan.sheet}': header on {rows}; mapping {origin}:")
    print("  " + ", ".join(f"{plan.column_name(i)} -> {key}" for i, key in plan.mapping.items()))
    for note in plan.notes:
        print(f"  note: {note}")
    _values_table(plan.unrecognised)
    # One line per problem with the rows it stands on, not one line per row: the department
    # fixes "'Confidental' in column J" once, wherever it is. The values in the table above
    # are not repeated.
    tabled = {(v.column, v.problem) for v in plan.unrecognised}
    groups = [
        g for g in plan.problem_groups() if (g.issue.column, g.issue.message) not in tabled
    ]
    for group in groups[:_SHOWN_PROBLEMS]:
        print(f"  {group.describe()}")
    if len(groups) > _SHOWN_PROBLEMS:
        print(
            f"  ... and {len(groups) - _SHOWN_PROBLEMS} more problems "
            "(--errors FILE.xlsx writes every row with what to fix)"
        )
    counts = plan.counts
    print(
        f"{counts['rows']} rows: {counts['new']} new, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged, {counts['warning']} with warnings, "
        f"{counts['error']} with errors."
    )
    print(result["summary"])


def _new_type(args: argparse.Namespace) -> AssetType | None:
    """``--type``: the type of new assets of a file with no type column, in the words the
    type column takes ("hardware", "device", "laptop"...)."""
    written = getattr(args, "type", None)
    if not written:
        return None
    try:
        return values.asset_type(written)
    except values.Problem as problem:
        raise ValidationError(f"--type: {problem}.", field="type") from None


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if args.kind == "assets" and has_stamp(path):  # a department's export coming back
        return round_trip_commands.import_round_trip(args)
    progress = Progress()
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department) if args.department else None
        prepared = import_files.prepare(
            session,
            path,
            kind=args.kind,
            sheet=args.sheet,
            header_row=args.header_row,
            profile=args.profile,
            department_id=department,
            progress=progress,
            encoding=args.encoding,
        )
        with prepared.source:
            if args.map:
                prepared.mapping = _given_mapping(args.kind, args.map, prepared.sheet.header.names)
                prepared.mapping_origin = "given"
            value_map = _value_map(
                value_choices.mapped_fields(args.kind),
                prepared.value_map,
                args.value or [],
                args.accept_proposals,
                prepared.mapping,
                prepared.sheet.header.names,
            )
            plan = import_files.plan(session, prepared, department, value_map,
                                     new_type=_new_type(args))
            if args.errors:
                from ..io.importing.error_workbook import write_error_workbook

                write_error_workbook(plan, prepared.source.rows(plan.sheet), Path(args.errors))
        result: dict[str, Any] = {
            "file": plan.file_name,
            "sheet": plan.sheet,
            "counts": plan.counts,
            "notes": plan.notes,
            "values": [v.as_json() for v in plan.unrecognised],
            "batch": None,
        }
        code = 0
        if args.dry_run:
            result["summary"] = "Dry run: nothing was written."
            code = 0 if plan.ok else REJECTED
        elif not plan.ok and not args.valid_only:
            result["summary"] = (
                "Nothing was imported: fix the rows with errors, or import the "
                "valid rows only (--valid-only)."
            )
            code = REJECTED
        else:
            outcome = import_files.apply(
                session, plan, valid_only=args.valid_only, progress=progress
            )
            if args.save_profile:
                mapping_profiles.save_profile(
                    session,
                    kind=args.kind,
                    name=args.save_profile,
                    names=plan.header.names,
                    mapping=plan.mapping,
                    department_id=department,
                    value_map=value_choices.chosen_map(plan),
                )
            commit(session)
            result["batch"] = outcome.batch_id
            result["summary"] = (
                f"Imported: {outcome.created} created, {outcome.updated} updated, "
                f"{outcome.unchanged} unchanged"
                + (f", {outcome.skipped} rows with errors left out" if outcome.skipped else "")
                + (
                    f" (batch {outcome.batch_id}; undo with `isms import undo {outcome.batch_id}`)."
                    if outcome.batch_id
                    else "."
                )
            )
    if args.errors:
        result["errors_workbook"] = str(Path(args.errors).expanduser().resolve())
    if args.json:
        result["rows"] = [
            {"row": r.row, "status": r.status, "message": r.message} for r in plan.rows if r.issues
        ]
        result["problems"] = [group.as_json() for group in plan.problem_groups()]
        print_json(result)
    else:
        _report(plan, prepared.mapping_origin, result)
        if args.errors:
            print(f"Wrote the rows with their status to {result['errors_workbook']}")
    return code


def _soa_summary(plan: soa_import.SoaImportPlan) -> dict[str, Any]:
    def control(c: soa_import.ControlPlan) -> dict[str, Any]:
        return {
            "ref": c.ref,
            "title": c.title,
            "status": c.status,
            "sources": [{"row": s.row, "ref": s.ref, "cell": s.raw_ref} for s in c.sources],
            "proposal": {k: json_plain(v) for k, v in (c.proposal or {}).items()},
            "decision": c.decision,
            "notes": c.notes,
        }

    return {
        "file": plan.file_name,
        "sheet": plan.sheet,
        "edition": plan.edition,
        "edition_reason": plan.edition_reason,
        "counts": plan.counts,
        "recovered": plan.recovered,
        "unmatched": [{"row": u.row, "cell": u.value, "reason": u.reason} for u in plan.unmatched],
        "notes": plan.notes,
        "values": [v.as_json() for v in plan.unrecognised],
        "controls": [control(c) for c in plan.controls],
    }


def _soa_report(plan: soa_import.SoaImportPlan) -> None:
    counts = plan.counts
    print(
        f"{plan.file_name}, sheet '{plan.sheet}': a {plan.edition} SoA ({plan.edition_reason}); "
        f"header on row {plan.header.last_row}."
    )
    for note in plan.notes:
        print(f"  note: {note}")
    _values_table(plan.unrecognised)
    print(f"Recovered references ({len(plan.recovered)}):")
    for line in plan.recovered:
        print(f"  {line}")
    merged = plan.by_status("merged")
    print(f"Merged side by side ({len(merged)}):")
    for c in merged:
        print(f"  {c.ref} {c.title} <- " + ", ".join(f"{s.ref} (row {s.row})" for s in c.sources))
        for note in c.notes:
            print(f"      {note}")
    undecided = plan.by_status("needs decision")
    print(f"Need a decision ({len(undecided)}):")
    for c in undecided:
        print(f"  {c.ref} {c.title}: {'; '.join(c.decision)}")
    print(f"Rows not matched ({len(plan.unmatched)}):")
    for u in plan.unmatched:
        print(f"  row {u.row}: {u.reason}")
    print(
        f"{counts['controls']} controls of 2022: {counts['mapped']} mapped, {counts['merged']} "
        f"merged, {counts['needs_decision']} need a decision"
        + (f" ({counts['new_in_2022']} new in 2022)" if counts["new_in_2022"] else "")
        + f"; {counts['unmatched_rows']} rows not matched."
    )


def _soa(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department)
        plan = soa_import.plan_soa_import(
            session,
            Path(args.file).expanduser(),
            department,
            edition=args.edition,
            sheet=args.sheet,
        )
        if args.value or args.accept_proposals:
            # Read again with the choices: the columns they name are known once it is read.
            value_map = _value_map(
                soa_import.MAPPED_FIELDS,
                ValueMap(),
                args.value or [],
                args.accept_proposals,
                plan.mapping,
                plan.header.names,
            )
            plan = soa_import.plan_soa_import(
                session,
                Path(args.file).expanduser(),
                department,
                edition=args.edition,
                sheet=args.sheet,
                value_map=value_map,
            )
        result = _soa_summary(plan)
        if args.dry_run:
            summary = "Dry run: nothing was written."
        else:
            outcome = soa_import.apply_soa_import(session, plan, department)
            commit(session)
            result["written"] = {"created": outcome.created, "updated": outcome.updated}
            summary = (
                f"Wrote {outcome.created + outcome.updated} SoA entries ({outcome.created} new, "
                f"{outcome.updated} updated); {outcome.left_for_decision} controls left for a "
                "decision, with no entry written for them."
            )
    result["summary"] = summary
    if args.json:
        print_json(result)
    else:
        _soa_report(plan)
        print(summary)
    return 0


def _template(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        markings = [m.label for m in classification.current_scheme(session).markings]
        departments = list(
            session.execute(select(Department.name).order_by(Department.name)).scalars()
        )
        department = None
        if args.department:
            department = session.get(Department, queries.department_id(session, args.department))
        # Blank, it holds nothing of the register's: the scheme's lowest marking.
        marking = scale(session).baseline
    path = write_template(
        Path(args.out),
        markings=markings,
        departments=departments,
        department=department.name if department else None,
        marking=marking,
    )
    marked = f", marked {marking}," if marking else ""
    print(f"Wrote the asset template{marked} to {path}")
    return 0


def _batches(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        batches = list_batches(session)
    data = [
        {
            "batch": b.id,
            "kind": b.kind,
            "file": b.file_name,
            "sheet": b.sheet,
            "department": b.department or None,
            "by": b.actor,
            "at": b.applied_at.isoformat(timespec="seconds"),
            "created": b.created,
            "updated": b.updated,
            "skipped": b.skipped,
            "undone": b.undone_at.isoformat(timespec="seconds") if b.undone_at else None,
            "sha256": b.sha256,
        }
        for b in reversed(batches)  # oldest first, as a log reads
    ]
    if args.json:
        print_json(data)
    else:
        print_table(
            ["Batch", "What", "File", "By", "At", "Created", "Updated", "Undone"],
            [
                (
                    d["batch"],
                    d["kind"],
                    d["file"],
                    d["by"],
                    d["at"],
                    d["created"],
                    d["updated"],
                    d["undone"] or "",
                )
                for d in data
            ],
        )
    return 0


def _undo(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        result = undo_batch(session, args.batch)
        commit(session)
    print(
        f"Undid import batch {result.batch_id}: {result.removed} records removed, "
        f"{result.restored} restored to their earlier values."
    )
    return 0


def _add_value_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--value",
        action="append",
        metavar="COLUMN:VALUE=TARGET",
        help="read VALUE in COLUMN (letter or header) as TARGET: a marking, type, person, "
        "department, threat code, scale point..., or new-person / new-department / new-threat / "
        "new-vulnerability to create it; repeatable",
    )
    p.add_argument(
        "--accept-proposals",
        action="store_true",
        help="read each unrecognised value as its proposal (the dry run lists them)",
    )


def _add_import(p: argparse.ArgumentParser, kind: str) -> None:
    p.set_defaults(kind=kind)
    p.add_argument("file", help="the spreadsheet")
    p.add_argument("--sheet", help="sheet name (default: the first visible sheet with data)")
    p.add_argument("--encoding", metavar="NAME",
                   help="the text encoding of a CSV file, e.g. mac_roman or cp1250 (default: "
                   "detected; the preview says when the detected one reads as garbled)")
    p.add_argument(
        "--header-row",
        type=whole_number,
        metavar="N",
        help="the header's (last) row, if it is not found by itself",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="NAME", help="use a saved column mapping")
    source.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="map a column (letter or header) to a field; repeatable",
    )
    p.add_argument(
        "--save-profile",
        metavar="NAME",
        help="save the mapping, with the value choices, under this name",
    )
    _add_value_options(p)
    p.add_argument("--department", metavar="CODE|NAME", help="the department the file is for")
    p.add_argument("--dry-run", action="store_true", help="check and preview only")
    p.add_argument(
        "--valid-only",
        action="store_true",
        help="import the rows without errors and leave the others out",
    )
    p.add_argument(
        "--errors",
        metavar="OUT.xlsx",
        help="write the rows with their status and messages, to send back",
    )
    if kind == "assets":
        round_trip_commands.add_options(p)
        p.add_argument("--type", metavar="TYPE",
                       help="the type of new assets when the file has no type column (an IT "
                       "inventory's devices: hardware)")
    json_option(p)


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "import", help="department spreadsheets in", description="department spreadsheets in"
    )
    actions = group.add_subparsers(dest="what", metavar="WHAT", required=True)
    for kind, what in (
        ("assets", "an asset list"),
        ("handling", "data-handling practices"),
        ("risks", "a risk register"),
        ("people", "a staff list (name, e-mail, job title, department, ISMS role)"),
    ):
        _add_import(
            command(
                actions, kind, _import, f"import {what} (xlsx, xlsm, xls, ods, csv): all or nothing"
            ),
            kind,
        )
    p = command(
        actions,
        "soa",
        _soa,
        "carry an SoA spreadsheet (2013 or 2022 edition) over to the 2022 controls",
    )
    p.add_argument("file", help="the SoA spreadsheet")
    p.add_argument("--department", required=True, metavar="CODE|NAME", help="whose SoA it is")
    p.add_argument(
        "--edition", choices=("2013", "2022"), help="the edition it was written against (detected)"
    )
    p.add_argument(
        "--sheet", help="sheet name (default: the first with a control reference column)"
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan only")
    _add_value_options(p)
    json_option(p)
    p = command(actions, "template", _template, "write a blank asset workbook for departments")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--department", metavar="CODE|NAME", help="fill in this department")
    json_option(command(actions, "batches", _batches, "list the imports made"))
    p = command(actions, "undo", _undo, "take a whole import back")
    p.add_argument("batch", type=whole_number, help="the batch number (`isms import batches`)")
