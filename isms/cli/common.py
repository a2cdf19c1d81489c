"""Options and helpers every subcommand shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from ..db import Register, open_register
from ..db.failures import connection_errors
from ..errors import NotFoundError, ValidationError
from ..services.dates import check_review_date
from ..services.read import queries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved

Handler = Callable[[argparse.Namespace], int]
T = TypeVar("T")


def db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="register file or database URL (default: $ISMS_DATABASE_URL, else the register in "
        "your user data folder)",
    )


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def command(
    subparsers: Any, name: str, handler: Handler, help_text: str, *, db: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    if db:
        db_option(parser)
    parser.set_defaults(handler=handler)
    return parser


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[Register]:
    """The register named by ``--db``; a server that cannot be reached, or stops answering
    mid-command, is said in plain words (ConnectionFailed), never the driver's message."""
    register = open_register(args.db)
    try:
        with connection_errors(register.location):
            yield register
    finally:
        register.close()


#: The largest whole number a register column holds on every backend (PostgreSQL's integer):
#: a number beyond it cannot name a record or count rows, and SQLite would overflow on it.
DB_INT_MAX = 2**31 - 1


def whole_number(text: str) -> int:
    """An argparse type for every integer option or argument that reaches the database: a whole
    number within what the register can hold, else a usage error (argparse names the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not -DB_INT_MAX <= value <= DB_INT_MAX:
        raise argparse.ArgumentTypeError(
            f"'{text}' is out of range: give a whole number up to {DB_INT_MAX:,}") from None
    return value


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD, else a usage error saying so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def review_date(text: str) -> date:
    """An argparse type for a date something is next due (a review, an expiry): a date from
    2000 to ten years ahead (services/dates.py), else a usage error naming the option."""
    day = iso_date(text)
    try:
        return check_review_date(day, "the date", "date")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def clearable(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: ``parse(text)``, or '' (as given: ``--owner ''``) to clear the value."""
    def parsed(text: str) -> Any:
        return "" if not text.strip() else parse(text)
    return parsed


def named_by(option: str, field: str, find: Callable[[], T]) -> T:
    """Look up what ``option`` names; one not found is refused naming the option ("--owner: No
    person 'Zed' in this register.")."""
    try:
        return find()
    except (NotFoundError, ValidationError) as exc:
        raise ValidationError(f"{option}: {exc}", field=field) from None


def department_filter(session: Session, args: argparse.Namespace) -> int | None:
    """The department ``--department`` names (its id), or None when the option is not given;
    one not found is refused naming the option."""
    if not args.department:
        return None
    return named_by("--department", "department",
                    lambda: queries.department_id(session, args.department))


def numbered(session: Session, model: type[T], number: int, what: str, listing: str) -> T:
    """The record ``number`` of ``model`` ("treatment action 12"), or NotFoundError naming the
    command that lists them."""
    found = session.get(model, number)
    if found is None:
        raise NotFoundError(f"No {what} {number} in this register (see `{listing}`).")
    return found


def revert_hint(saved: Saved) -> str:
    """" (change 12; `isms revert 12` takes it back)" after a recorded save; "" otherwise."""
    return (f" (change {saved.change_id}; `isms revert {saved.change_id}` takes it back)"
            if saved.change_id is not None else "")
