"""Shared by every import kind: looking up the register's names, and reading one row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.errors import ValidationError
from isms.io.importing import values
from isms.io.importing.fields import Field, help_text
from isms.io.importing.mapping import Mapping, column_letter
from isms.io.importing.marking_words import marking_proposal
from isms.io.importing.near import Names
from isms.io.importing.plan import Issue, RowVerdict
from isms.io.importing.sheet import SheetData
from isms.io.importing.value_map import (
    CREATES,
    Proposer,
    Tally,
    Translated,
    ValueMap,
    mapped_parse,
)
from isms.model import Asset, Department, Person, Threat, Vulnerability
from isms.services import classification


def _near(wanted: str, known: dict[str, str], names: Names, cutoff: float) -> str:
    """ "; did you mean X?" for a near miss among ``names`` (the keys of ``known``), else ""."""
    near = names.close_matches(wanted, n=1, cutoff=cutoff)
    return f"; did you mean {known[near[0]]}?" if near else ""


class Directory:
    """The register's departments, people, markings (and, on demand, assets, threats and
    vulnerabilities), looked up the way departments write them."""

    def __init__(self, session: Session, department_id: int | None = None) -> None:
        self.session = session
        #: The department the file is for: of two people with one name, the one in it is meant.
        self.department_id = department_id
        self.person_departments: dict[int, int | None] = {}
        self.departments: dict[str, tuple[int, str]] = {}
        self.department_names: dict[str, str] = {}
        for dept_id, code, name in session.execute(
            select(Department.id, Department.code, Department.name)
        ):
            self.departments[values.key(code)] = (dept_id, code)
            self.departments[values.key(name)] = (dept_id, code)
            self.department_names[values.key(name)] = name
        self.department_codes = {dept_id: code for dept_id, code in self.departments.values()}
        people: dict[str, list[int]] = defaultdict(list)
        self.person_names: dict[str, str] = {}
        for person_id, name, email, dept in session.execute(
            select(Person.id, Person.name, Person.email, Person.department_id)
        ):
            self.person_departments[person_id] = dept
            people[values.name_key(name)].append(person_id)
            self.person_names[values.name_key(name)] = name
            if email:
                people[email.strip().lower()].append(person_id)
        self.people = dict(people)
        self._near_people = Names(self.person_names)
        self._near_departments = Names(self.department_names)
        scheme = classification.current_scheme(session)
        self.scheme = scheme.name
        self.markings = {values.key(m.label): m.id for m in scheme.markings}
        self.marking_labels = [m.label for m in scheme.markings]
        self._assets: dict[str, int] | None = None

    def department(self, raw: Any) -> int:
        wanted = values.key(raw)
        if wanted in self.departments:
            return self.departments[wanted][0]
        hint = _near(wanted, self.department_names, self._near_departments, 0.75)
        raise values.Problem(f"no department '{str(raw).strip()}' in the register{hint}")

    def person(self, raw: Any) -> int:
        text = str(raw).strip()
        wanted = text.lower() if "@" in text else values.name_key(text)
        found = self.people.get(wanted, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ours = [i for i in found if self.department_id is not None
                    and self.person_departments.get(i) == self.department_id]
            if len(ours) == 1:
                return ours[0]
            raise values.Problem(f"{len(found)} people are called '{text}'; give an e-mail")
        hint = _near(wanted, self.person_names, self._near_people, 0.8)
        raise values.Problem(
            f"'{text}' is not a person in the register{hint}; left blank", warning=True
        )

    def marking(self, raw: Any) -> int:
        wanted = values.key(raw)
        if wanted in self.markings:
            return self.markings[wanted]
        written = str(raw).strip()
        proposal = marking_proposal(written, self.marking_labels)
        raise values.Problem(
            f"'{written}' is not a marking of the {self.scheme} scheme "
            f"({', '.join(self.marking_labels)})"
            + (f"; {proposal.hint(written)}" if proposal else "")
        )

    def asset(self, raw: Any) -> int:
        if self._assets is None:
            self._assets = {
                ref.lower(): asset_id
                for asset_id, ref in self.session.execute(select(Asset.id, Asset.ref))
            }
        ref = str(raw).strip()
        if ref.lower() not in self._assets:
            raise values.Problem(f"no asset '{ref}' in the register")
        return self._assets[ref.lower()]

    def assets(self, raw: Any) -> list[int]:
        """Several asset references in one cell: "ENV-0001, ENV-0002" or one per line."""
        refs = [r for r in str(raw).replace(";", ",").replace("\n", ",").split(",") if r.strip()]
        return [self.asset(r) for r in refs]

    def _catalogue(self, model: type[Threat] | type[Vulnerability], raw: Any, what: str) -> int:
        wanted = values.key(raw)
        for item_id, code, name in self.session.execute(select(model.id, model.code, model.name)):
            if wanted in (values.key(code), values.key(name)):
                return int(item_id)
        raise values.Problem(f"'{str(raw).strip()}' is not a {what} in the register's catalogue")

    def threat(self, raw: Any) -> int:
        return self._catalogue(Threat, raw, "threat")

    def vulnerability(self, raw: Any) -> int:
        return self._catalogue(Vulnerability, raw, "vulnerability")


@dataclass(frozen=True)
class Column:
    index: int
    field: Field
    header: str
    parse: Callable[[Any], Any]
    #: Parsed results (or the Problem raised) per distinct raw value, for repeating fields.
    seen: dict[Any, Any] | None = None
    #: Where the parsed value lands when it is not the field's own name (owner -> owner_id).
    target: str | None = None
    #: The distinct values not recognised as written, for a fixed-vocabulary field.
    tally: Tally | None = None
    #: Text read before to a plain value (no problem, no translation to tally): read_row's
    #: fast path, one dict lookup instead of a call per cell of a repeating column.
    plain: dict[str, Any] | None = None
    #: Where the value lands in the row: ``target`` or the field's own key.
    key: str = ""

    def __post_init__(self) -> None:
        # Frozen: worked out once here rather than per cell.
        object.__setattr__(self, "key", self.target or self.field.key)
        if self.seen is not None:
            object.__setattr__(self, "plain", {})

    def read(self, raw: Any) -> Any:
        """``parse(raw)``, remembered for fields whose values repeat down the file."""
        if self.seen is None:
            return self.parse(raw)
        # True, 1 and 1.0 are equal dict keys but not the same cell; text never equals them.
        memo = raw if type(raw) is str else (type(raw), raw)
        try:
            outcome = self.seen[memo]
        except KeyError:
            try:
                outcome = self.parse(raw)
            except values.Problem as problem:
                outcome = problem
            if len(self.seen) < _MAX_REMEMBERED:
                self.seen[memo] = outcome
        except TypeError:  # an unhashable value: parse it every time
            return self.parse(raw)
        if isinstance(outcome, values.Problem):
            raise outcome
        return outcome


#: Distinct values remembered per column (a "repeating" column with more is unusual).
_MAX_REMEMBERED = 20_000


def _no_targets(_field_key: str) -> list[str]:
    return []


def check_choices(field: Field, parse: Callable[[Any], Any], choices: dict[str, str],
                  allowed: Callable[[], list[str]]) -> None:
    """Refuse a choice whose target is not one of the field's targets, naming it and them."""
    for written, target in choices.items():
        if target in CREATES and field.key in CREATES[target][0]:
            continue
        if target not in CREATES:
            try:
                parse(target)
                continue
            except values.Problem:
                pass
        shown = allowed()
        listed = ", ".join(shown[:30]) + (f" and {len(shown) - 30} more" if len(shown) > 30
                                          else "")
        raise ValidationError(
            f"'{target}' is not a target for '{written}' in {field.label}"
            + (f": choose one of {listed}." if listed else "."), field="value")


def build_columns(
    sheet: SheetData,
    mapping: Mapping,
    fields: Sequence[Field],
    resolvers: dict[str, Callable[[Any], Any]],
    targets: dict[str, str] | None = None,
    value_map: ValueMap | None = None,
    proposers: dict[str, Proposer] | None = None,
    allowed: Callable[[str], list[str]] | None = None,
) -> list[Column]:
    """The mapped columns, each with its parser (a resolver for names that become record ids)
    and ``targets``: where a field's value lands when it is an id (owner -> owner_id).

    Fields in ``proposers`` have a fixed vocabulary: their unrecognised values are counted,
    and read through ``value_map`` (its choices, and the proposals if it accepts them);
    ``allowed(field)`` lists a field's targets when a choice names none of them."""
    targets = targets or {}
    value_map = value_map or ValueMap()
    proposers = proposers or {}
    by_key = {f.key: f for f in fields}
    columns = []
    for index, key in sorted(mapping.items()):
        if key not in by_key:
            raise ValidationError(
                f"'{key}' is not a field of this import; choose from {', '.join(by_key)}.",
                field="mapping",
            )
        f = by_key[key]
        name = sheet.header.names[index] if index < len(sheet.header.names) else ""
        parse = resolvers.get(key, f.parse)
        tally = None
        if key in proposers:
            tally = Tally(key, column_letter(index), name)
            choices = value_map.table(key)
            check_choices(f, parse, value_map.choices.get(key, {}),
                          partial(allowed or _no_targets, key))
            if choices or value_map.accept_proposals:
                parse = mapped_parse(parse, choices,
                                     proposers[key] if value_map.accept_proposals else None)
        columns.append(
            Column(
                index,
                f,
                name,
                parse,
                {} if f.repeats else None,
                targets.get(key),
                tally,
            )
        )
    return columns


def is_help_row(cells: list[Any], columns: list[Column]) -> bool:
    """The help row of our own template (under the header): skipped, not read as an asset."""
    matches = sum(
        1
        for c in columns
        if c.index < len(cells) and values.text(cells[c.index]) == help_text(c.field)
    )
    return matches >= 2


def read_row(
    number: int,
    cells: list[Any],
    columns: list[Column],
    cell_notes: dict[tuple[int, int], str] | None = None,
) -> RowVerdict | None:
    """Parse a row's mapped cells; None for a row with nothing in its mapped columns.

    A parser may return a dict to fill several fields from one cell (C/I/A in one cell); those
    fill only what separate columns did not give.
    """
    verdict = RowVerdict(number)
    found = verdict.values
    filled = False
    width = len(cells)
    for column in columns:
        index = column.index
        raw = cells[index] if index < width else None
        plain = column.plain
        if plain is not None and type(raw) is str:
            value = plain.get(raw, _UNSEEN)
            if value is not _UNSEEN:
                found[column.key] = value
                filled = True
                continue
        if raw is None:
            if cell_notes and (number, index) in cell_notes:
                # Not blank: the reader could not take the value (a formula with no saved
                # value).
                verdict.issues.append(
                    Issue(column_letter(index), column.header, cell_notes[(number, index)])
                )
                filled = True
            continue
        if type(raw) is str and not raw.strip():
            continue
        filled = True
        try:
            value = column.read(raw)
        except values.Problem as problem:
            verdict.issues.append(
                Issue(column_letter(index), column.header, str(problem), problem.warning)
            )
            if column.tally is not None:
                column.tally.problem(values.text(raw) or "", str(problem))
            continue
        if value is None:
            continue
        if type(value) is Translated:
            assert column.tally is not None
            column.tally.translated(value.written, value.target, value.problem)
            verdict.written[column.field.key] = value.written
            value = value.value
            plain = None  # a translation is tallied on every row it is read on
        if type(value) is dict:
            for key, part in value.items():
                if part is not None:
                    found.setdefault(key, part)
            continue
        if plain is not None and type(raw) is str and len(plain) < _MAX_REMEMBERED:
            plain[raw] = value
        found[column.key] = value
    return verdict if filled else None


#: Not in a column's ``plain`` memo.
_UNSEEN = object()
