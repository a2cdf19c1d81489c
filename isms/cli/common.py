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


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD, else a usage error saying so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


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
