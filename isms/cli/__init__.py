"""The `isms` command: everything the window does, scriptable and testable without a screen."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from .. import __version__
from ..db.retry import retrying
from ..errors import IsmsError
from . import (
    access_commands,
    action_commands,
    asset_commands,
    audit_commands,
    change_commands,
    context_commands,
    control_commands,
    evidence_commands,
    export_commands,
    import_commands,
    marking_commands,
    method_commands,
    obligation_commands,
    onboarding_commands,
    org_commands,
    policy_commands,
    read_commands,
    register_commands,
    review_commands,
    risk_commands,
    selftest_commands,
    signature_commands,
    soa_commands,
)
from .logging_setup import setup_logging
from .output import printed_as_data

log = logging.getLogger(__name__)

#: Exit status for a bug (EX_SOFTWARE): distinct from user errors (1) and usage errors (2).
EXIT_BUG = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One clear line and exit 2, like every other usage error.
        self.print_usage(sys.stderr)
        sys.stderr.write(f"isms: error: {message}\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="isms",
        description="ISO/IEC 27001 risk register: assets, risks, controls and the SoA.",
    )
    parser.add_argument("--version", action="version", version=f"isms {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    register_commands.add_commands(commands)
    nouns = read_commands.add_commands(commands)
    method = method_commands.add_commands(commands, nouns["risks"], nouns["assets"])
    risk_commands.add_commands(nouns["risks"])
    asset_commands.add_commands(nouns["assets"])
    action_commands.add_commands(commands)
    evidence_commands.add_commands(commands)
    policy_commands.add_commands(commands)
    control_commands.add_commands(nouns["controls"])
    import_commands.add_commands(commands)
    export_commands.add_commands(commands)
    org_commands.add_commands(commands)
    marking_commands.add_commands(commands, method)
    soa_commands.add_commands(commands)
    review_commands.add_commands(commands)
    signature_commands.add_commands(commands)
    onboarding_commands.add_commands(commands)
    audit_commands.add_commands(commands)
    change_commands.add_commands(commands)
    context_commands.add_commands(commands)
    obligation_commands.add_commands(commands)
    access_commands.add_commands(commands)
    selftest_commands.add_commands(commands, main)  # it runs the command it belongs to
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with printed_as_data():  # register text is shown, never acted on by the terminal
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    log_path = setup_logging()
    try:
        # A command reads and writes within one call: when another writer got in between,
        # running it again reads the new state (a person's stale copy is the window's case).
        result: int = retrying(lambda: args.handler(args))
        return result
    except IsmsError as exc:
        sys.stderr.write(f"isms: error: {exc}\n")
        return exc.exit_code
    except OperationalError as exc:
        log.exception("database error")
        sys.stderr.write(f"isms: error: the register could not be read or written: {exc.orig}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("isms: interrupted; nothing was saved by the interrupted step\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug: log the traceback, print one line
        log.exception("unexpected error")
        sys.stderr.write(
            f"isms: internal error ({type(exc).__name__}: {exc}). This is a bug; the details are "
            f"in {log_path}\n"
        )
        return EXIT_BUG
