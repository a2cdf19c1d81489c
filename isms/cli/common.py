"""Options and helpers every subcommand shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..db import Register, open_register

Handler = Callable[[argparse.Namespace], int]


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
    register = open_register(args.db)
    try:
        yield register
    finally:
        register.close()
