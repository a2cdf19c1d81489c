"""Value mapping on the register's side: what a department's words most likely are (proposals),
what a field's values can be mapped to (targets), the people and departments an import creates,
and the labels as written that an imported asset keeps.

The types are in :mod:`isms.io.importing.value_map`; the planners (assets.py, records.py) read
the rows through the value map and list what they did not recognise with :func:`listed`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from isms.db.bulk import insert_rows, next_ids
from isms.db.changelog import write_entries
from isms.db.row_form import add_written_digests
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.marking_words import marking_proposal, nearest_marking
from isms.io.importing.near import Names
from isms.io.importing.plan import ImportPlan, RowVerdict
from isms.io.importing.value_map import (
    CREATES,
    NEW_DEPARTMENT,
    NEW_PERSON,
    NEW_THREAT,
    NEW_VULNERABILITY,
    NewRecord,
    Proposal,
    Proposer,
    Target,
    UnrecognisedValue,
    ValueMap,
    nearest_word,
    plain,
)
from isms.method.criteria import ScalePoint
from isms.model import (
    Asset,
    Department,
    ImportBatch,
    Person,
    PersonRole,
    Risk,
    Threat,
    Vulnerability,
)
from isms.model.base import utcnow
from isms.model.enums import ChangeAction, Role
from isms.services.imports.rows import Column, Directory
from isms.services.read.queries import current_criteria

#: The fields whose values come from a fixed vocabulary (a parser's words, or the register's
#: people, departments and markings), per import kind: their unrecognised values are listed.
MAPPED_FIELDS: dict[str, tuple[str, ...]] = {
    "assets": ("asset_type", "department", "owner", "custodian", "marking", "confidentiality",
               "integrity", "availability", "personal_data", "special_category", "status"),
    "handling": ("stage", "channel", "has_agreement", "offshore"),
    "risks": ("department", "owner", "threat", "vulnerability", "treatment_option", "status",
              *(f"{stage}_{axis}" for stage in ("inherent", "current", "residual")
                for axis in ("likelihood", "impact"))),
    "people": ("department", "roles"),
}

_PEOPLE_FIELDS = ("owner", "custodian")
_CATALOGUES: dict[str, tuple[type[Threat] | type[Vulnerability], str]] = {
    "threat": (Threat, NEW_THREAT), "vulnerability": (Vulnerability, NEW_VULNERABILITY)}
#: Where a new person can land in a row's values: a field NEW_PERSON applies to, or the id it
#: targets (owner -> owner_id). Only these are looked at, not every value of 100,000 rows.
_PERSON_KEYS = tuple(k for f in CREATES[NEW_PERSON][0] for k in (f, f"{f}_id"))


def _new_person_why(kind: str) -> str:
    # A risk register's owners own risks; an asset list's own (or look after) assets.
    role = "risk owner" if kind == "risks" else "information asset owner"
    return f"no such person in the register, so a new one of the department ({role}, marked " \
           "unverified)"


_NEW_DEPARTMENT_WHY = "no such department in the register, so a new one"


def mapped_fields(kind: str) -> tuple[str, ...]:
    """The field keys of ``kind`` whose values are mapped."""
    return MAPPED_FIELDS.get(kind, ())


class _People:
    """The register's people as targets: an e-mail where there is one (names repeat)."""

    def __init__(self, session: Session) -> None:
        self.rows = session.execute(
            select(Person.id, Person.name, Person.email, Department.code)
            .outerjoin(Department, Person.department_id == Department.id)
            .order_by(Person.name)
        ).all()
        self.by_name: dict[str, list[Any]] = {}
        for row in self.rows:
            self.by_name.setdefault(values.name_key(row.name), []).append(row)
        self.near = Names(self.by_name)

    @staticmethod
    def target(row: Any) -> str:
        return str(row.email or row.name)

    @staticmethod
    def label(row: Any) -> str:
        where = ", ".join(x for x in (row.code, row.email) if x)
        return f"{row.name} ({where})" if where else str(row.name)


def proposers(session: Session, directory: Directory, kind: str) -> dict[str, Proposer]:
    """A proposal function for each mapped field of ``kind``."""
    fields = {f.key: f for f in FIELDS_BY_KIND[kind]}
    people: _People | None = None

    def person(written: str) -> Proposal | None:
        nonlocal people
        people = people or _People(session)
        wanted = values.name_key(written)
        if len(people.by_name.get(wanted, [])) > 1:
            return None  # two people of that name: a person picks, never the importer
        near = people.near.close_matches(wanted, n=1, cutoff=0.8)
        if near and len(people.by_name[near[0]]) == 1:
            row = people.by_name[near[0]][0]
            return Proposal(people.target(row), f"nearest name in the register ({row.name})")
        return Proposal(NEW_PERSON, _new_person_why(kind))

    def department(written: str) -> Proposal | None:
        wanted = values.key(written)
        near = difflib.get_close_matches(wanted, list(directory.department_names), n=1,
                                         cutoff=0.75) or _abbreviated(wanted, directory)
        if near:
            return Proposal(directory.departments[near[0]][1],
                            f"nearest department name ({directory.department_names[near[0]]})")
        return Proposal(NEW_DEPARTMENT, _NEW_DEPARTMENT_WHY)

    def marking(written: str) -> Proposal | None:
        found = (marking_proposal(written, directory.marking_labels)
                 or nearest_marking(written, directory.marking_labels))
        return Proposal(found.target, found.why) if found else None

    def word(parse: Callable[[Any], Any]) -> Proposer:
        return lambda written: nearest_word(parse, written)

    chosen: dict[str, Proposer] = {}
    for key in mapped_fields(kind):
        if key not in fields:
            continue
        if key in _CATALOGUES:
            chosen[key] = _catalogue_proposer(session, key)
        elif key.endswith(("_likelihood", "_impact")):
            chosen[key] = _scale_proposer(_scale(session, key))
        elif key in _PEOPLE_FIELDS:
            chosen[key] = _remembered(person)
        elif key == "department":
            chosen[key] = _remembered(department)
        elif key == "marking":
            chosen[key] = marking
        else:
            chosen[key] = word(fields[key].parse)
    return chosen


def _catalogue_proposer(session: Session, field_key: str) -> Proposer:
    """Threats and vulnerabilities are free text in real registers: the catalogue entry whose
    name is near the one written, else a new entry of that name."""
    model, new = _CATALOGUES[field_key]
    entries = {values.key(name): (code, name) for code, name in session.execute(
        select(model.code, model.name))}

    def propose(written: str) -> Proposal | None:
        wanted = values.key(written)
        near = difflib.get_close_matches(wanted, list(entries), n=1, cutoff=0.75)
        if near:
            code, name = entries[near[0]]
            return Proposal(code, f"nearest {field_key} of the catalogue ({code} {name})")
        # A shorter way of writing one entry ("Theft", "Flood"): its words in that entry only.
        words = set(wanted.split())
        holding = [k for k in entries if words <= set(k.split())]
        if words and all(len(w) > 3 for w in words) and len(holding) == 1:
            code, name = entries[holding[0]]
            return Proposal(code, f"the one {field_key} of the catalogue with those words "
                                  f"({code} {name})")
        return Proposal(new, f"no such {field_key} in the catalogue, so a new entry of that "
                             "name")

    return propose


def _scale(session: Session, field_key: str) -> tuple[ScalePoint, ...]:
    criteria = current_criteria(session)
    return criteria.likelihood if field_key.endswith("_likelihood") else criteria.impact


def _scale_proposer(scale: tuple[ScalePoint, ...]) -> Proposer:
    """A level word ("High", "Υψηλή") as a point of the register's scale, or a misspelt label
    of the scale as that point; numbers off the scale get no proposal."""
    labels = {values.key(p.label): p for p in scale}

    def propose(written: str) -> Proposal | None:
        found = values.level_point(written, len(scale))
        if found is not None:
            point, why = found
            return Proposal(str(point), why)
        if any(c.isdigit() for c in written):
            return None
        near = difflib.get_close_matches(values.key(written), list(labels), n=1, cutoff=0.8)
        if near:
            p = labels[near[0]]
            return Proposal(str(p.value), f"nearest label of the scale ({p.value} {p.label})")
        return None

    return propose


_JOINING = {"and", "of", "the", "for", "dept", "department"}


def _abbreviated(wanted: str, directory: Directory) -> list[str]:
    """The department whose name the written one shortens, word by word ("Env & Highways":
    Environment and Highways), when exactly one does: never a second department made for a
    name the register already has."""
    words = [w for w in wanted.split() if w not in _JOINING]
    if not words:
        return []
    found = []
    for name in directory.department_names:
        theirs = [w for w in name.split() if w not in _JOINING]
        if len(words) == len(theirs) and all(
                t.startswith(w) for w, t in zip(words, theirs, strict=True)):
            found.append(name)
    return found if len(found) == 1 else []


def _remembered(propose: Proposer) -> Proposer:
    """``propose`` asked once per value: a name is compared with every person of the register,
    and a council file repeats thousands of owners (asked when read, and again when listed)."""
    known: dict[str, Proposal | None] = {}

    def cached(written: str) -> Proposal | None:
        if written not in known:
            known[written] = propose(written)
        return known[written]

    return cached


def targets(session: Session, kind: str, field_key: str) -> list[Target]:
    """What a value of ``field_key`` can be mapped to (for a combo box, or to name the choices
    when a target is refused)."""
    if field_key in _PEOPLE_FIELDS:
        people = _People(session)
        return [Target(NEW_PERSON, "a new person (unverified)"),
                *(Target(people.target(r), people.label(r)) for r in people.rows)]
    if field_key == "department":
        rows = session.execute(select(Department.code, Department.name).order_by(Department.name))
        return [Target(NEW_DEPARTMENT, "a new department"),
                *(Target(code, f"{name} ({code})") for code, name in rows)]
    if field_key == "marking":
        return [Target(label, label) for label in Directory(session).marking_labels]
    if field_key in _CATALOGUES and kind == "risks":
        model, new = _CATALOGUES[field_key]
        return [Target(new, f"a new {field_key} of the catalogue"),
                *(Target(code, f"{code} {name}") for code, name in session.execute(
                    select(model.code, model.name).order_by(model.code)))]
    if kind == "risks" and field_key.endswith(("_likelihood", "_impact")):
        return [Target(str(p.value), f"{p.value} {p.label}") for p in _scale(session, field_key)]
    f = next((f for f in FIELDS_BY_KIND[kind] if f.key == field_key), None)
    vocabulary = values.vocabulary(f.parse) if f is not None else None
    if vocabulary is None:
        return []
    if f is not None and f.parse is values.rating:
        return [Target(str(n), str(n)) for n in range(values.RATING_MIN, values.RATING_MAX + 1)]
    seen = sorted({plain(v) for v in vocabulary[0].values()})
    return [Target(v, v) for v in seen]


def allowed(session: Session, kind: str) -> Callable[[str], list[str]]:
    """The target values of a field, to name them when a choice is refused."""
    return lambda field_key: [t.value for t in targets(session, kind, field_key)]


def listed(columns: Iterable[Column], proposers: dict[str, Proposer],
           directory: Directory) -> list[UnrecognisedValue]:
    """Every distinct value the columns did not recognise as written, in column order then by
    how many rows have it, with its proposal."""
    found: list[UnrecognisedValue] = []
    for column in columns:
        if column.tally is None:
            continue
        for value in column.tally.listed(proposers.get(column.tally.field_key)):
            if value.field in _PEOPLE_FIELDS and value.proposal is None:
                value = replace(value, candidates=_same_name(directory, value.written))
            found.append(value)
    return found


def chosen_map(plan: ImportPlan) -> ValueMap:
    """The choices a plan was read with, accepted proposals included, as a mapping profile
    keeps them for the next file of the same layout. Creations are left out: the people and
    departments made by this import are in the register by then, and the value as written
    finds them by name instead of making them again."""
    kept = ValueMap()
    for value in plan.unrecognised:
        if value.chosen is not None and value.chosen not in CREATES:
            kept.choose(value.field, value.written, value.chosen)
    return kept


def _same_name(directory: Directory, written: str) -> tuple[str, ...]:
    ids = directory.people.get(values.name_key(written), [])
    if len(ids) < 2:
        return ()
    rows = directory.session.execute(
        select(Person.name, Person.email, Department.code)
        .outerjoin(Department, Person.department_id == Department.id)
        .where(Person.id.in_(ids))
    ).all()
    return tuple(_People.label(r) for r in rows)


# --- applying: the people and departments a plan asks for ---------------------------------


def create_new_records(session: Session, plan: ImportPlan, rows: list[RowVerdict]) -> dict[
        str, list[int]]:
    """Create the departments, people and catalogue entries the chosen ``rows`` stand on
    (NEW_DEPARTMENT, NEW_PERSON, NEW_THREAT and NEW_VULNERABILITY targets) and put their ids
    in the rows: in the import's own transaction, so they are written with the import or not
    at all. Returns the ids made, for the batch's undo."""
    made: dict[NewRecord, int] = {}
    created: dict[str, list[int]] = {"people": [], "departments": []}
    # Only the kinds of record the choices make are looked for (each a pass over every row).
    making = {v.chosen for v in plan.unrecognised if v.chosen in CREATES}
    if not making:
        return created  # nothing to make: no need to look through every row
    if making & {NEW_THREAT, NEW_VULNERABILITY}:
        _new_catalogue_entries(session, rows, created)
    # A risk register's owners own risks; an asset list's own (or look after) assets.
    role = Role.RISK_OWNER if plan.kind == "risks" else Role.INFORMATION_ASSET_OWNER
    for verdict in rows if NEW_DEPARTMENT in making else ():
        # Departments first: a new person belongs to the row's department.
        department = verdict.values.get("department_id")
        if type(department) is NewRecord:
            if department not in made:
                made[department] = _new_department(session, department.name)
                created["departments"].append(made[department])
            verdict.values["department_id"] = made[department]
    if NEW_PERSON not in making:
        return _changes_take_ids(session, rows, created)
    # One new person per name and department: "Head of IT" of Planning and "Head of IT" of
    # Finance are two people, never merged into one.
    # Keyed by (name, department): a str hashes once, a NewRecord on every lookup (x 100,000).
    # A dict keeps the file's order.
    people: dict[tuple[str, int | None], tuple[NewRecord, int | None]] = {}
    # Where each new person is named, so the ids go in without a second pass over every row.
    named: list[tuple[dict[str, Any], str, tuple[str, int | None]]] = []
    for verdict in rows:
        found = verdict.values
        department_id = found.get("department_id") or plan.department_id
        for key in _PERSON_KEYS:
            value = found.get(key)
            if type(value) is NewRecord and value.kind == "person":
                wanted = (value.name, department_id)
                if wanted not in people:
                    people[wanted] = (value, department_id)
                named.append((found, key, wanted))
    ids: dict[tuple[str, int | None], int] = dict(
        zip(people, _new_people(session, list(people.values()), role), strict=True))
    created["people"].extend(ids.values())
    for found, key, wanted in named:
        found[key] = ids[wanted]
    return _changes_take_ids(session, rows, created)


def _changes_take_ids(session: Session, rows: list[RowVerdict],
                       created: dict[str, list[int]]) -> dict[str, list[int]]:
    """The rows' changes (before, after) take the ids their values now hold."""
    for verdict in rows:
        if verdict.changes:
            for key, (before, after) in list(verdict.changes.items()):
                if type(after) is NewRecord:
                    verdict.changes[key] = (before, verdict.values[key])
    if created["people"] or created["departments"]:
        session.flush()
    return created


def _new_catalogue_entries(session: Session, rows: list[RowVerdict],
                           created: dict[str, list[int]]) -> None:
    """The threats and vulnerabilities written as free text that the choices make catalogue
    entries of: one per name, local to the register, numbered on from the catalogue's codes
    (T23, V17...), C/I/A left for a person to say."""
    for field_key, (model, _new) in _CATALOGUES.items():
        target = f"{field_key}_id"
        wanted = {values.key(v.values[target].name): v.values[target].name for v in rows
                  if type(v.values.get(target)) is NewRecord}
        if not wanted:
            continue
        prefix = field_key[0].upper()
        numbers = [int(code[1:]) for code in session.execute(select(model.code)).scalars()
                   if code[:1].upper() == prefix and code[1:].isdigit()]
        number = max(numbers, default=0)
        ids: dict[str, int] = {}
        for name_key, name in wanted.items():
            number += 1
            entry = model(code=f"{prefix}{number:02d}", local=True, category="", description="",
                          name=_checked_name(name, 200, field_key))
            session.add(entry)
            session.flush()
            ids[name_key] = int(entry.id)
            created.setdefault(f"{field_key}s" if field_key == "threat" else "vulnerabilities",
                               []).append(ids[name_key])
        for verdict in rows:
            value = verdict.values.get(target)
            if type(value) is NewRecord:
                verdict.values[target] = ids[values.key(value.name)]
            change = verdict.changes.get(target)
            if change is not None and type(change[1]) is NewRecord:
                verdict.changes[target] = (change[0], verdict.values[target])


def _checked_name(name: str, limit: int, what: str) -> str:
    if len(name) > limit:
        raise ValidationError(f"'{name[:40]}…' is too long for a {what}'s name ({limit} "
                              "characters at most): map it to a shorter one.", field="value")
    return name


def _new_people(session: Session, wanted: list[tuple[NewRecord, int | None]],
                role: Role) -> list[int]:
    """New (unverified) people, one per (name, department), each holding ``role``: written
    with Core bulk inserts in the session's transaction (an import may make thousands, and the
    ORM spent about half a millisecond on each), with the change-log entries the ORM's flush
    would have written for them. Files name owners by job title as often as by name: the title
    is kept as written too. Returns their ids, in ``wanted``'s order."""
    if not wanted:
        return []
    names = [_checked_name(new.name, 200, "person") for new, _ in wanted]
    session.flush()  # anything pending goes first, so the ids below are free
    connection = session.connection()
    person, person_role = cast(Table, Person.__table__), cast(Table, PersonRole.__table__)
    ids = next_ids(connection, person, len(wanted))
    now = utcnow()
    insert_rows(
        connection, person, ("id", "name", "job_title", "department_id"),
        [(i, name, name, department) for i, name, (_, department) in zip(
            ids, names, wanted, strict=True)],
        {"active": True, "verified": False, "version": 1, "created_at": now, "updated_at": now},
    )
    insert_rows(connection, person_role, ("person_id",), [(i,) for i in ids], {"role": role})
    actor = str(session.info.get("actor", "unknown"))

    def logged(table: str, record: str, label: str, changes: dict[str, Any]) -> dict[str, Any]:
        return {"at": now, "actor": actor, "action": ChangeAction.INSERT, "table_name": table,
                "record_id": record, "label": label[:300], "changes": changes}

    people = [logged("person", str(i), f"person {name}", {
        "id": i, "name": name, "email": None, "job_title": name, "department_id": department,
        "username": None, "active": True, "verified": False})
        for i, name, (_, department) in zip(ids, names, wanted, strict=True)]
    roles = [logged("person_role", f"{i}/{role}", f"role {role} of person {i}",
                    {"person_id": i, "role": role.value}) for i in ids]
    # Each entry holds its row whole, as written: its digest, as the flush hook gives a saved
    # row's, so replay checks these rows.
    add_written_digests(person, people)
    add_written_digests(person_role, roles)
    write_entries(connection, [entry for pair in zip(people, roles, strict=True)
                               for entry in pair])
    return ids


def _new_department(session: Session, name: str) -> int:
    taken = set(session.execute(select(func.upper(Department.code))).scalars())
    words = re.findall(r"[^\W_]+", name.upper())
    stem = ("".join(w[0] for w in words) if len(words) > 1 else "".join(words)[:6]) or "DEPT"
    stem = stem[:12]
    code, number = stem, 1
    while code in taken:
        number += 1
        code = f"{stem}{number}"
    department = Department(code=code, name=_checked_name(name, 200, "department"),
                            in_scope=True, description="")
    session.add(department)
    session.flush()
    return int(department.id)


def undo_created(session: Session, batch: ImportBatch) -> int:
    """Remove the people and departments a batch created (after its records are removed),
    refused if anything else has come to use them since. Returns how many were removed."""
    people = [int(i) for i in batch.undo.get("people", [])]
    departments = [int(i) for i in batch.undo.get("departments", [])]
    _undo_catalogue_entries(session, batch)
    if people:
        used = session.execute(
            select(Person.name).where(Person.id.in_(people)).where(or_(
                Person.version != 1,
                Person.id.in_(select(Asset.owner_id).where(Asset.owner_id.in_(people))),
                Person.id.in_(select(Asset.custodian_id).where(Asset.custodian_id.in_(people))),
                Person.id.in_(select(Risk.owner_id).where(Risk.owner_id.in_(people))),
            )).limit(5)
        ).scalars().all()
        if used:
            raise ConflictError(
                "Cannot undo: people created by this import have been changed or given other "
                f"records since ({', '.join(used)}).", record="import batch", yours=None,
                theirs=None)
    if departments:
        used = session.execute(
            select(Department.code).where(Department.id.in_(departments)).where(or_(
                Department.version != 1,
                Department.id.in_(select(Asset.department_id)),
                Department.id.in_(select(Risk.department_id)),
                Department.id.in_(select(Person.department_id).where(Person.id.not_in(people))),
                Department.id.in_(select(Department.parent_id)),
            )).limit(5)
        ).scalars().all()
        if used:
            raise ConflictError(
                "Cannot undo: departments created by this import have been changed or given "
                f"other records since ({', '.join(used)}).", record="import batch", yours=None,
                theirs=None)
    for person in session.execute(select(Person).where(Person.id.in_(people))).scalars():
        session.delete(person)
    session.flush()
    for department in session.execute(
            select(Department).where(Department.id.in_(departments))).scalars():
        session.delete(department)
    session.flush()
    return len(people) + len(departments)


def _undo_catalogue_entries(session: Session, batch: ImportBatch) -> None:
    """Remove the threats and vulnerabilities a batch made (its risks are removed by then),
    refused if one has been edited or another risk has come to name it since."""
    made: list[tuple[type[Threat] | type[Vulnerability], list[int], Any]] = [
        (Threat, batch.undo.get("threats", []), Risk.threat_id),
        (Vulnerability, batch.undo.get("vulnerabilities", []), Risk.vulnerability_id),
    ]
    for model, ids, column in made:
        if not ids:
            continue
        used = session.execute(
            select(model.code).where(model.id.in_(ids)).where(or_(
                model.version != 1, model.id.in_(select(column).where(column.in_(ids)))))
        ).scalars().all()
        if used:
            raise ConflictError(
                f"Cannot undo: catalogue entries created by this import have been changed or "
                f"named by other risks since ({', '.join(used)}).", record="import batch",
                yours=None, theirs=None)
        for entry in session.execute(select(model).where(model.id.in_(ids))).scalars():
            session.delete(entry)
        session.flush()


# --- provenance ----------------------------------------------------------------------------


def written_undo(ids: Iterable[int], rows: Iterable[RowVerdict]) -> dict[str, dict[str, str]]:
    """For the batch record: record id -> {field: value as written} of the values read through
    the value map."""
    return {str(i): dict(v.written) for i, v in zip(ids, rows, strict=True) if v.written}


def written_labels(session: Session, asset_id: int) -> dict[str, str]:
    """The values as the department wrote them, for an asset whose values were mapped on
    import ("marking": "Confidential"): field -> written, from the batch that last wrote it."""
    batch_id = session.execute(select(Asset.import_batch_id).where(Asset.id == asset_id)).scalar()
    if batch_id is None:
        return {}
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.undone_at is not None:
        return {}
    found = batch.undo.get("written", {}).get(str(asset_id), {})
    return {str(k): str(v) for k, v in found.items()}
