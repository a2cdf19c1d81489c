"""`isms import assets FILE` when FILE is a department's round-trip workbook (exported with
`isms export assets --for-import`): the comparison of each row with what was exported, and the
rows taken.

By default the changed and new rows are taken and conflicts (the register changed the asset
since the export) are left out and listed; `--dry-run` shows the comparison first, `--accept
ROWS` takes only those rows (naming a conflict is the decision to overwrite the cells the
department changed), `--reject ROWS` leaves rows out.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from isms.services.imports import round_trip
from isms.services.imports.comparison import open_comparison
from isms.services.read import queries

from ..db import commit
from ..errors import UsageError, ValidationError
from .common import opened
from .output import Progress, print_json, print_table

#: Exit status when the file was refused and nothing was written.
REJECTED = 1
#: Characters of a cell shown in a change ("Location: Leeds depot → York").
_SHOWN = 24


def add_options(p: argparse.ArgumentParser) -> None:
    """The round-trip options of `isms import assets`."""
    p.add_argument("--accept", metavar="ROWS",
                   help="round-trip file: take only these rows, e.g. 4,7-9 (a conflict is "
                   "taken only when named here); default: every changed and new row")
    p.add_argument("--reject", metavar="ROWS",
                   help="round-trip file: leave these rows out")


def _short(text: str) -> str:
    text = text or "(blank)"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _changes(changes: list[round_trip.CellChange]) -> str:
    return "; ".join(f"{c.column}: {_short(c.before)} → {_short(c.after)}" for c in changes)


def _report(comparison: round_trip.Comparison, summary: str) -> None:
    stamp = comparison.stamp
    plan = comparison.plan
    where = f"department {stamp.department}" if stamp.department else "the whole council"
    print(f"{plan.file_name}: the round-trip file of {where}, exported {stamp.exported_at} "
          f"by {stamp.exported_by or 'unknown'}; each row compared with what was exported.")
    rows = []
    for row in comparison.rows:
        if row.status == "unchanged":
            continue
        what = _changes(row.changes)
        if row.register_changes:
            what += f" | register since: {_changes(row.register_changes)}"
        if row.problems:
            what += f" | {'; '.join(row.problems)}"
        rows.append((row.row, row.ref or "(new)", row.name, row.status.upper()
                     if row.status == "conflict" else row.status, what))
    if rows:
        print_table(["Row", "Ref", "Name", "Status", "Changes (exported → file)"], rows,
                    max_width=120)
    counts = comparison.counts
    print(f"{counts['rows']} rows: {counts['changed']} changed, {counts['new']} new, "
          f"{counts['unchanged']} unchanged, {counts['conflict']} conflicts, "
          f"{counts['error']} with errors.")
    if comparison.missing:
        shown = ", ".join(comparison.missing[:10])
        more = f" and {len(comparison.missing) - 10} more" if len(comparison.missing) > 10 else ""
        print(f"Exported but no longer in the file (not retired by an import; isms assets retire "
              f"does that): {shown}{more}.")
    print(summary)


def _rows_option(text: str | None) -> set[int] | None:
    return None if text is None else round_trip.parse_rows(text)


#: Options of `isms import assets` a round-trip file has no use for: it is read with its own
#: columns, and its values are compared with what was exported.
_NOT_FOR_ROUND_TRIP = {"map": "--map", "profile": "--profile", "save_profile": "--save-profile",
                       "errors": "--errors", "value": "--value",
                       "accept_proposals": "--accept-proposals", "header_row": "--header-row"}


def import_round_trip(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    given = [option for key, option in _NOT_FOR_ROUND_TRIP.items() if getattr(args, key, None)]
    if given:
        raise UsageError(
            f"{path.name} is a round-trip workbook, read with its own columns and compared with "
            f"what was exported: {', '.join(given)} do not apply to it.")
    progress = Progress()
    code = 0
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department) if args.department else None
        comparison = open_comparison(session, path, sheet=args.sheet,
                                     department_id=department, progress=progress)
        stamp = comparison.stamp
        accept, reject = _rows_option(args.accept), _rows_option(args.reject) or set()
        result: dict[str, Any] = {"file": comparison.plan.file_name, "batch": None,
                                  "round_trip": {"register": stamp.register,
                                                 "department": stamp.department or None,
                                                 "exported_at": stamp.exported_at,
                                                 "exported_by": stamp.exported_by}}
        try:
            # A dry run lists what would be taken from the valid rows, and the errors apart.
            taken = round_trip.chosen_rows(comparison, accept, reject,
                                           args.valid_only or args.dry_run)
        except ValidationError as refusal:
            taken, code = [], REJECTED
            summary = str(refusal)
        left = [r.row for r in comparison.rows if r.status == "conflict" and r not in taken]
        errors = [r.row for r in comparison.rows if r.status == "error" and r.row not in reject]
        if code:
            pass
        elif args.dry_run:
            summary = (f"Dry run: nothing was written. Importing takes rows "
                       f"{_listed([r.row for r in taken])}"
                       + (f"; conflicts {_listed(left)} only when named in --accept" if left
                          else "")
                       + (f"; rows {_listed(errors)} have errors: fix them, --reject them or "
                          "add --valid-only" if errors else "") + ".")
            code = REJECTED if errors and not args.valid_only else 0
        elif not taken:
            summary = "Nothing to take: no row is changed or new" + (
                f" (conflicts {_listed(left)} are taken only when named in --accept)."
                if left else ".")
        else:
            outcome = round_trip.apply_comparison(session, comparison, taken, progress=progress)
            commit(session)
            result["batch"] = outcome.batch_id
            summary = (f"Imported: {outcome.created} created, {outcome.updated} updated "
                       f"(batch {outcome.batch_id}; undo with `isms import undo "
                       f"{outcome.batch_id}`)."
                       + (f" Conflicts left out: rows {_listed(left)}." if left else ""))
    result.update(counts=comparison.counts, taken=[r.row for r in taken],
                  rows=[r.as_json() for r in comparison.rows if r.status != "unchanged"],
                  missing=comparison.missing, summary=summary)
    if args.json:
        print_json(result)
    else:
        _report(comparison, summary)
    return code


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) if numbers else "none"
