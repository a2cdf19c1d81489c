"""Importing a staff list: people with their e-mail, job title, department and ISMS roles,
through the same pipeline as assets (plan as a dry run, apply all or the valid rows, undo).

Who a row is about: the person with its e-mail address first; else the person of the same name
in the same department. Two people of the same name are never merged silently: a row that
could be either of them is an error naming both, and a row that adds a second person of a name
already in the register says so. Roles are added to those a person holds, never taken away (a
staff list names the roles it knows of, not every role someone has), and a person found by e-mail
keeps the register's name (lists write "Patel, Priya"): a different one is a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db.locks import lock
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.mapping import Mapping, column_letter
from isms.io.importing.plan import ImportPlan, Issue, RowVerdict
from isms.io.importing.sheet import SheetData
from isms.io.importing.value_map import ValueMap
from isms.model import Department, ImportBatch, Person, Role
from isms.model.base import Base, utcnow
from isms.services import records
from isms.services.imports import value_choices
from isms.services.imports.batch_writer import (
    ImportResult,
    close_batch,
    lock_departments,
    open_batch,
    select_rows,
)
from isms.services.imports.rows import Directory, build_columns, is_help_row, read_row

#: Where a parsed field lands on the person.
PEOPLE_TARGETS = {"department": "department_id"}
#: Compared with the stored person to tell updates from unchanged rows.
COMPARED = ("name", "email", "job_title", "department_id", "roles")
_LONGEST = {"name": 200, "job_title": 200}


@dataclass(frozen=True)
class _Known:
    """A person of the register, as the matching needs them."""

    id: int
    name: str
    email: str | None
    department: str  # code, "" for none
    department_id: int | None

    def describe(self) -> str:
        where = self.department or "no department"
        return f"{self.name} ({self.email or 'no e-mail'}, {where})"


class _People:
    """The register's people, looked up by e-mail and by name."""

    def __init__(self, session: Session) -> None:
        codes: dict[int, str] = {
            i: c for i, c in session.execute(select(Department.id, Department.code))}
        self.by_id: dict[int, _Known] = {}
        self.by_email: dict[str, _Known] = {}
        self.by_name: dict[str, list[_Known]] = defaultdict(list)
        for pid, name, email, dept in session.execute(
            select(Person.id, Person.name, Person.email, Person.department_id)
        ):
            known = _Known(pid, name, email, codes.get(dept, "") if dept else "", dept)
            self.by_id[pid] = known
            if email:
                self.by_email[email.strip().lower()] = known
            self.by_name[name_key(name)].append(known)


def name_key(name: str) -> str:
    """A name in comparison form, "Surname, First names" (as HR systems list people) read as
    "First names Surname"."""
    surname, comma, first = name.partition(",")
    if comma and first.strip() and "," not in first:
        name = f"{first} {surname}"
    return values.name_key(name)


def _either(candidates: list[_Known]) -> str:
    return " or ".join(c.describe() for c in candidates)


def _match(verdict: RowVerdict, people: _People) -> None:
    """Find the person the row is about (record_id), or note why it cannot be told."""
    v = verdict.values
    verdict.record_id = None
    if "name" not in v:
        return
    email = str(v.get("email") or "").lower()
    if email and email in people.by_email:
        verdict.record_id = people.by_email[email].id
        return
    same_name = people.by_name.get(name_key(v["name"]), [])
    if "department_id" in v:
        candidates = [p for p in same_name if p.department_id == v["department_id"]]
    else:
        candidates = list(same_name)
    if email:
        # Someone of that name with another e-mail address is someone else.
        candidates = [p for p in candidates if not p.email]
    if len(candidates) == 1:
        verdict.record_id = candidates[0].id
    elif len(candidates) > 1:
        verdict.issues.append(Issue(
            "", "", f"could be {_either(candidates)}: give the e-mail address to say which"))
    elif same_name:
        verdict.issues.append(Issue(
            "", "", f"adds a second person called {v['name']}; the register has "
            f"{_either(same_name)}", warning=True))


def _match_rows(session: Session, plan: ImportPlan) -> None:
    """Match every row against the register as it is now, and mark rows about one person."""
    people = _People(session)
    by_person: dict[int, int] = {}
    for verdict in plan.rows:
        verdict.issues = [i for i in verdict.issues if not i.message.startswith(_MATCH_WORDS)]
        _match(verdict, people)
        if verdict.record_id is not None:
            if verdict.record_id in by_person:
                verdict.issues.append(Issue(
                    "", "", f"is about the same person as row {by_person[verdict.record_id]}"))
            by_person.setdefault(verdict.record_id, verdict.row)
        verdict.action = "new" if verdict.record_id is None else "update"
    _compare(session, plan)


#: Issues _match adds, dropped before the rows are matched again under the import lock.
_RENAMED = "the register calls this person "
_MATCH_WORDS = ("could be ", "adds a second person", "is about the same person as row", _RENAMED)


def _stored(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 5000):
        for person in session.execute(
            select(Person).where(Person.id.in_(ids[start : start + 5000]))
        ).scalars():
            found[person.id] = {
                "name": person.name,
                "email": person.email,
                "job_title": person.job_title,
                "department_id": person.department_id,
                "roles": [role for role in Role if role in person.roles],
                "version": person.version,
            }
    return found


def _compare(session: Session, plan: ImportPlan) -> None:
    stored = _stored(session, [r.record_id for r in plan.rows if r.record_id is not None])
    for verdict in plan.rows:
        verdict.changes = {}
        if verdict.record_id is None:
            continue
        before = stored[verdict.record_id]
        for key, value in verdict.values.items():
            if key == "roles":
                value = [role for role in Role if role in set(before["roles"]) | set(value)]
            if key == "email" and str(before[key] or "").lower() == str(value).lower():
                continue  # the address it was matched by, written in other capitals
            if key == "name":
                # A person is never renamed by a list ("Patel, Priya" for Priya Patel): the
                # register's name stays, and a different one is said.
                if name_key(value) != name_key(before["name"]):
                    verdict.issues.append(Issue(
                        "", "", f"{_RENAMED}{before['name']}; the list's '{value}' is not taken "
                        "(isms people update renames)", warning=True))
                continue
            if key in COMPARED and before[key] != value:
                verdict.changes[key] = (before[key], value)
        if not verdict.changes:
            verdict.action = "unchanged"


def plan_people(
    session: Session,
    sheet: SheetData,
    mapping: Mapping,
    department: int | None = None,
    value_map: ValueMap | None = None,
) -> ImportPlan:
    """Read every row of a staff list against the mapping and the register, writing nothing.
    ``department``: the file is this department's (rows without one are in it); ``value_map``:
    the value choices (a department written as the file writes it -> one of the register, or
    a new department; a role word -> a role)."""
    directory = Directory(session)
    value_map = value_map or ValueMap()
    proposers = value_choices.proposers(session, directory, "people")
    columns = build_columns(
        sheet, mapping, FIELDS_BY_KIND["people"], {"department": directory.department},
        PEOPLE_TARGETS, value_map, proposers, value_choices.allowed(session, "people"),
    )
    if "name" not in {c.field.key for c in columns}:
        raise ValidationError(
            "Map a column to the person's name: it is the one field every row needs.",
            field="mapping",
        )
    plan = ImportPlan("people", sheet.file_name, sheet.sha256, sheet.sheet, sheet.header,
                      mapping, department, [], list(sheet.notes), value_map)
    by_column = {c.field.key: c for c in columns}
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in sheet.rows:
        if number == sheet.header.data_starts and is_help_row(cells, columns):
            continue
        verdict = read_row(number, cells, columns, sheet.cell_notes)
        if verdict is None:
            continue
        _check_row(verdict, department, directory, by_column)
        identity = _identity(verdict.values)
        if identity is not None:
            if identity in seen:
                verdict.issues.append(Issue("", "", f"repeats the person of row {seen[identity]}"))
            seen.setdefault(identity, verdict.row)
        plan.rows.append(verdict)
    if not plan.rows:
        plan.notes.append("No data rows under the header.")
    plan.unrecognised = value_choices.listed(columns, proposers, directory)
    _match_rows(session, plan)
    return plan


def _check_row(verdict: RowVerdict, department: int | None, directory: Directory,
               by_column: dict[str, Any]) -> None:
    v = verdict.values
    if "name" not in v:
        verdict.issues.append(Issue("", "", "no name"))
    for key, longest in _LONGEST.items():
        if len(str(v.get(key) or "")) > longest and key in by_column:
            column = by_column[key]
            verdict.issues.append(Issue(column_letter(column.index), column.header,
                                        f"longer than {longest} characters"))
    if department is None:
        return
    # The whole file is for one department: a row naming another is a mistake, not a move.
    row_dept = v.get("department_id", department)
    if row_dept != department and "department" in by_column:
        column = by_column["department"]
        codes = directory.department_codes
        verdict.issues.append(Issue(
            column_letter(column.index), column.header,
            f"says {codes.get(row_dept, row_dept)} but this import is for "
            f"{codes.get(department, department)}"))
    v["department_id"] = department


def _identity(v: dict[str, Any]) -> tuple[Any, ...] | None:
    """Two rows with this in common are the same person."""
    if v.get("email"):
        return ("email", str(v["email"]).lower())
    if "name" in v:
        return ("name", name_key(v["name"]), v.get("department_id"))
    return None


# --- applying -------------------------------------------------------------------------------


def apply_people(
    session: Session,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    actor: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Write the plan in the session's transaction (the caller commits). Refused whole when any
    row has an error, unless ``valid_only``."""
    taken = select_rows(plan, valid_only)  # refuse a file with errors before the lock
    # The departments the value choices create, so the rows stand on their ids.
    made = value_choices.create_new_records(session, plan, taken.new + taken.changed)
    lock_departments(session, plan)
    # People of every department share one e-mail space: one people import at a time.
    lock(session, "import", "people")
    _match_rows(session, plan)
    chosen = select_rows(plan, valid_only)
    if chosen.empty:
        return chosen.result(None)
    actor = actor or str(session.info.get("actor", "unknown"))
    batch_id = open_batch(session, plan, actor, chosen.counts, utcnow())
    created = []
    for done, verdict in enumerate(chosen.new, start=1):
        person = records.add_person(session, **_fields(verdict.values))
        person.job_title = verdict.values.get("job_title") or ""
        session.flush()
        created.append(person.id)
        if progress and (done % 200 == 0 or done == len(chosen.new)):
            progress("importing new people", done, len(chosen.new))
    updated: dict[str, Any] = {}
    for verdict in chosen.changed:
        assert verdict.record_id is not None
        person = _person(session, verdict.record_id)
        after = {key: new for key, (_, new) in verdict.changes.items()}
        _assign(session, person, after)
        updated[str(person.id)] = {"before": {
            key: _plain(old) for key, (old, _) in verdict.changes.items()}}
    session.flush()
    for person_id, entry in updated.items():
        entry["version"] = _person(session, int(person_id)).version
    close_batch(session, plan, batch_id, actor, chosen.counts,
                {"created": created, "updated": updated, **made,
                 "values": plan.value_map.as_json()})
    return chosen.result(batch_id)


def _fields(v: dict[str, Any]) -> dict[str, Any]:
    return {key: v[key] for key in ("name", "email", "department_id", "roles") if key in v}


def _assign(session: Session, person: Person, changes: dict[str, Any]) -> None:
    if "job_title" in changes:
        person.job_title = changes["job_title"] or ""
    rest = {k: v for k, v in changes.items() if k != "job_title"}
    if rest:
        records.update_person(session, person, **rest)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [getattr(v, "value", v) for v in value]
    return value


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise ConflictError(f"A person (id {person_id}) was removed meanwhile.",
                            record="person", yours=None, theirs=None)
    return person


# --- undoing --------------------------------------------------------------------------------


def _referenced(session: Session, person_ids: list[int]) -> list[int]:
    """The people among ``person_ids`` some record points at (an owner, a reviewer, an author...):
    every column of the register with a foreign key to a person, so none is forgotten."""
    found: set[int] = set()
    for table in Base.metadata.sorted_tables:
        if table.name in ("person", "person_role", "person_department"):
            continue  # the person's own rows go with it
        for column in table.columns:
            if any(fk.column.table.name == "person" for fk in column.foreign_keys):
                found.update(session.execute(
                    select(column).where(column.in_(person_ids)).distinct()).scalars())
    return sorted(found)


def undo_people(session: Session, batch: ImportBatch) -> tuple[int, int]:
    """Remove the people a batch created and restore those it updated: (removed, restored).

    Refused (nothing changed) if any of them has been edited since, or a record names one of
    the people it created (an asset's owner, a risk's...): removing them would lose that link.
    """
    created = [int(i) for i in batch.undo.get("created", [])]
    updated = {int(k): e for k, e in batch.undo.get("updated", {}).items()}
    edited = list(session.execute(
        select(Person.id).where(Person.id.in_(created), Person.version != 1)).scalars())
    for person_id, entry in updated.items():
        person = session.get(Person, person_id)
        if person is None or person.version != entry["version"]:
            edited.append(person_id)
    if edited:
        raise ConflictError(
            f"Cannot undo: {len(edited)} person record(s) from this import have been changed "
            "since.", record="import batch", yours=None, theirs=None)
    linked = _referenced(session, created)
    if linked:
        names = session.execute(select(Person.name).where(Person.id.in_(linked[:5]))).scalars()
        raise ConflictError(
            f"Cannot undo: people this import created are named in the register since "
            f"({', '.join(names)}).", record="import batch", yours=None, theirs=None)
    for person_id in created:
        person = session.get(Person, person_id)
        if person is not None:
            session.delete(person)
    for person_id, entry in updated.items():
        before = dict(entry["before"])
        if "roles" in before:
            before["roles"] = [Role(r) for r in before["roles"]]
        _assign(session, _person(session, person_id), before)
    session.flush()
    # Then the departments the value choices created, once nobody is in them any more.
    return len(created) + value_choices.undo_created(session, batch), len(updated)


