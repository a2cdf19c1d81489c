"""Reading Annex A control references back from what a spreadsheet cell holds.

Excel "helps" whoever types a clause number: ``10.1.1`` becomes the date 2010-01-01 (or 10 Jan
2001, depending on the locale), ``5.12`` may become 5 December of the year it was typed, and
``8.20`` typed as a number is stored as 8.2. A cell alone often cannot say what was typed, so each
cell gives *candidates*, and a whole column is resolved together: against the set of valid
references of the edition, the title written on the row, the date order the rest of the file
used, the references other rows already took, and the order of the neighbouring rows. What is
still ambiguous is reported, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import cache
from typing import Any, Literal

from . import annex_a_2013, annex_a_2022, natural_key

Edition = Literal["2013", "2022"]
EDITIONS: tuple[Edition, ...] = ("2013", "2022")

#: "A.5.1.1", "5.1", "Annex A 8.12", "Annex A.8.12", "Control 5.1:", "A8.12 Web filtering".
_TEXT_REF = re.compile(
    r"^(?:iso\s*(?:/\s*iec\s*)?27001\s*(?::\s*20\d\d)?\s*)?(?:annex\s*a\s*[.:]?\s*)?"
    r"(?:control\s*)?(?:a\s*[.\-]?\s*)?"
    r"(\d{1,2}(?:\s*\.\s*\d{1,2}){0,2})\.?(?!\d)(?:[\s:\-\u2013)]+(.*))?$",
    re.IGNORECASE | re.DOTALL,
)
#: Dates Excel (or a CSV export of it) wrote as text: 2010-01-01[ 00:00:00], 01/01/2010.
_YMD_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_XYY_TEXT = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")


@cache
def valid_refs(edition: Edition) -> frozenset[str]:
    controls = annex_a_2013() if edition == "2013" else annex_a_2022()
    return frozenset(c.ref for c in controls)


@cache
def _titles(edition: Edition) -> dict[str, str]:
    controls = annex_a_2013() if edition == "2013" else annex_a_2022()
    return {c.ref: c.title for c in controls}


@cache
def _headings_2013() -> frozenset[str]:
    """Clause and objective numbers of 2013 ("5", "5.1"): section rows of a 2013 SoA."""
    parts = [ref[2:].split(".") for ref in valid_refs("2013")]
    return frozenset({p[0] for p in parts} | {f"{p[0]}.{p[1]}" for p in parts})


@dataclass(frozen=True)
class Candidate:
    ref: str
    #: How the cell was read: "text", "number" (a float that may have lost a trailing 0), or the
    #: date order that gives this reference back: "ymd", "dmy", "mdy" (three levels), "dm", "md".
    how: str


@dataclass(frozen=True)
class Reading:
    """Everything one cell could mean, before the file's edition is known."""

    raw: str  # the cell as the user sees it (dates in ISO form), for messages
    kind: Literal["text", "number", "date"]
    candidates: tuple[Candidate, ...]  # 2013 refs start with "A.", 2022 refs do not
    #: A clause or objective number ("A.5", "A.5.1" in a 2013 file): a section row, not a control.
    heading: bool = False
    #: Text after the reference in the same cell ("A.5.1.1 Policies for ...").
    title: str = ""

    def refs(self, edition: Edition) -> list[Candidate]:
        wanted = valid_refs(edition)
        found: dict[str, Candidate] = {}
        for c in self.candidates:
            if c.ref in wanted:
                found.setdefault(c.ref, c)
        return list(found.values())


def _two_three(parts: list[str], how: str) -> list[Candidate]:
    numbers = [str(int(p)) for p in parts]
    if len(numbers) == 3:
        return [Candidate("A." + ".".join(numbers), how)]
    if len(numbers) == 2:
        return [Candidate(".".join(numbers), how)]
    return []


def _date_candidates(day: date) -> list[Candidate]:
    y, m, d = day.year % 100, day.month, day.day
    found = []
    for how, parts in (("ymd", (y, m, d)), ("dmy", (d, m, y)), ("mdy", (m, d, y))):
        found.append(Candidate("A.{}.{}.{}".format(*parts), how))
    # "5.12" typed in a day.month locale becomes 5 December of the year it was typed in.
    found += [Candidate(f"{d}.{m}", "dm"), Candidate(f"{m}.{d}", "md")]
    return found


def _text_dates(text: str) -> list[date]:
    if m := _YMD_TEXT.match(text):
        orders = [(int(m.group(1)), int(m.group(2)), int(m.group(3)))]
    elif m := _XYY_TEXT.match(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        orders = [(year, b, a), (year, a, b)]  # day-first (UK) or month-first (US)
    else:
        return []
    days = []
    for y, mo, d in orders:
        try:
            days.append(date(y, mo, d))
        except ValueError:
            continue
    return days


def read_cell(value: Any) -> Reading | None:
    """The candidate references in one cell, or None when it holds nothing like a reference."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return Reading(day.isoformat(), "date", tuple(_date_candidates(day)))
    if isinstance(value, int):
        return Reading(str(value), "number", (), heading=True)
    if isinstance(value, float):
        text = repr(value)  # the shortest text giving the float back: 8.2, not 8.199999...
        whole, _, fraction = text.partition(".")
        if not whole.isdigit() or not fraction.isdigit() or len(fraction) > 2:
            return None
        candidates = [Candidate(f"{int(whole)}.{int(fraction)}", "number")]
        if len(fraction) == 1:  # 8.20 stored as 8.2: both are possible
            candidates.append(Candidate(f"{int(whole)}.{int(fraction) * 10}", "number"))
        return Reading(text, "number", tuple(candidates), heading=text in _headings_2013())
    text = " ".join(str(value).split())
    if not text:
        return None
    days = _text_dates(text)
    if days:
        candidates = [c for day in days for c in _date_candidates(day)]
        return Reading(text, "date", tuple(dict.fromkeys(candidates)))
    m = _TEXT_REF.match(text)
    if m is None:
        return None
    parts = [p.strip() for p in m.group(1).split(".")]
    title = (m.group(2) or "").strip()
    if len(parts) == 1:
        return Reading(text, "text", (), heading=True, title=title)
    number = ".".join(str(int(p)) for p in parts)
    return Reading(
        text,
        "text",
        tuple(_two_three(parts, "text")),
        heading=len(parts) == 2 and number in _headings_2013(),
        title=title,
    )


def detect_edition(readings: Iterable[Reading | None]) -> tuple[Edition | None, str]:
    """The edition the references were written against, and why it was chosen.

    Three-level references valid in 2013 ("A.9.2.1") are what tell a 2013 SoA: a 2022 file has
    none, while a 2013 file's objective rows ("A.9.2") look like 2022 references. A tie is
    settled by the row count: a 2013 SoA has 114 controls, a 2022 one 93.
    """
    n2013 = n2022 = 0
    for reading in readings:
        if reading is None:
            continue
        if reading.refs("2013"):
            n2013 += 1
        elif reading.refs("2022"):
            n2022 += 1
    if not n2013 and not n2022:
        return None, "no Annex A control references were found"
    if n2013 == n2022:
        edition: Edition = "2013" if n2013 > 100 else "2022"
        return edition, f"as many 2013 as 2022 references ({n2013}); chosen by row count"
    if n2013 > n2022:
        return "2013", f"{n2013} references of the 2013 edition (A.5.1.1 ... A.18.2.3)"
    return "2022", f"{n2022} references of the 2022 edition (5.1 ... 8.34)"


@dataclass(frozen=True)
class RefCell:
    """One row's reference cell, with the title the row gives (helps to settle 8.2 / 8.20)."""

    row: int
    value: Any
    title: str = ""


@dataclass
class Resolved:
    row: int
    raw: str
    ref: str | None = None  # in the file's edition; None when it could not be settled
    #: Said when Excel had changed the cell: "2010-01-01 read as A.10.1.1".
    recovered: str | None = None
    problem: str | None = None  # why ``ref`` is None
    heading: bool = False  # a clause or objective row: not a control, not a problem
    title: str = ""
    how: str = ""  # the settled candidate's ``Candidate.how``
    options: list[Candidate] = field(default_factory=list)


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, _words(a), _words(b)).ratio()


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _by_title(item: Resolved, edition: Edition) -> Candidate | None:
    if not item.title:
        return None
    titles = _titles(edition)
    scored = sorted(
        ((_similar(item.title, titles[c.ref]), c) for c in item.options),
        key=lambda s: s[0],
        reverse=True,
    )
    best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return best[1] if best[0] >= 0.6 and best[0] - runner_up >= 0.15 else None


def _by_order(item: Resolved, items: Sequence[Resolved], index: int) -> Candidate | None:
    """The one candidate that sits between the nearest settled rows above and below."""
    before = next((i.ref for i in reversed(items[:index]) if i.ref), None)
    after = next((i.ref for i in items[index + 1 :] if i.ref), None)
    if before is None and after is None:
        return None
    fitting = [
        c
        for c in item.options
        if (before is None or natural_key(before) < natural_key(c.ref))
        and (after is None or natural_key(c.ref) < natural_key(after))
    ]
    return fitting[0] if len(fitting) == 1 else None


def _settle(item: Resolved, choice: Candidate, why: str) -> None:
    item.ref = choice.ref
    item.how = choice.how
    item.problem = None
    item.options = []
    if choice.how != "text" and item.raw != choice.ref:
        item.recovered = f"{item.raw} read as {choice.ref}" + (f" ({why})" if why else "")


def resolve(
    cells: Sequence[RefCell], edition: Edition | None = None
) -> tuple[Edition | None, str, list[Resolved]]:
    """Settle the reference of every row; returns (edition, why that edition, one per cell).

    ``edition`` given overrides detection. Rows whose cell holds nothing like a reference come
    back with ``ref`` None and no problem: the caller decides whether the row matters.
    """
    readings = [read_cell(c.value) for c in cells]
    if edition is None:
        edition, why = detect_edition(readings)
    else:
        why = "given"
    items: list[Resolved] = []
    for cell, reading in zip(cells, readings, strict=True):
        if reading is None:
            items.append(Resolved(cell.row, _raw(cell.value)))
            continue
        item = Resolved(
            cell.row, reading.raw, heading=reading.heading, title=cell.title or reading.title
        )
        items.append(item)
        if edition is None:
            continue
        options = reading.refs(edition)
        item.heading = reading.heading and not options  # "5.1" is a control in 2022
        if len(options) == 1:
            _settle(item, options[0], "")
        elif options:
            item.options = options
        elif not reading.heading:
            item.problem = _not_a_control(reading, edition)
    if edition is not None:
        _disambiguate(items, edition)
    return edition, why, items


def _raw(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else " ".join(str(value).split())


def _not_a_control(reading: Reading, edition: Edition) -> str:
    other: Edition = "2022" if edition == "2013" else "2013"
    if reading.refs(other):
        return (
            f"'{reading.raw}' is a {other} reference in a {edition} SoA "
            f"(import it with --edition {other}, or correct the cell)"
        )
    if reading.kind == "date":
        return f"'{reading.raw}' is a date that gives back no {edition} Annex A control"
    return f"'{reading.raw}' is not a {edition} Annex A control"


def _disambiguate(items: list[Resolved], edition: Edition) -> None:
    # The date order the file's unambiguous date cells used: the locale it was typed in.
    orders = Counter(i.how for i in items if i.ref and i.how in _DATE_ORDERS)
    for item in items:
        if item.options and (choice := _by_title(item, edition)):
            _settle(item, choice, "matched by the title on the row")
    progress = True
    while progress:  # each settled row can settle its neighbours
        progress = False
        taken = {i.ref for i in items if i.ref}
        for index, item in enumerate(items):
            if not item.options:
                continue
            found = _choose(item, items, index, taken, orders)
            if found is not None:
                _settle(item, *found)
                taken.add(found[0].ref)
                progress = True
    for item in items:
        if item.options:
            listed = " or ".join(c.ref for c in item.options)
            item.problem = (
                f"'{item.raw}' could be {listed}: give the control's title on the row, "
                "or type the reference as text (start it with an apostrophe in Excel)"
            )
            item.options = []


_DATE_ORDERS = frozenset({"ymd", "dmy", "mdy", "dm", "md"})


def _choose(
    item: Resolved,
    items: Sequence[Resolved],
    index: int,
    taken: set[str],
    orders: Counter[str],
) -> tuple[Candidate, str] | None:
    free = [c for c in item.options if c.ref not in taken]
    if len(free) == 1:
        others = " and ".join(c.ref for c in item.options if c.ref in taken)
        return free[0], f"{others} is on another row"
    if orders:
        usual = orders.most_common(1)[0][0]
        matching = [c for c in item.options if c.how == usual]
        if len(matching) == 1:
            return matching[0], "the date order the rest of the file uses"
    by_order = _by_order(item, items, index)
    if by_order is not None:
        return by_order, "from the order of the rows around it"
    return None
