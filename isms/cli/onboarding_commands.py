"""isms onboarding: the first steps of setting up a register for a department, as the window's
dashboard shows them (``isms.services.read.onboarding``), each done or still to do."""

from __future__ import annotations

import argparse
from typing import Any

from ..services.read.onboarding import onboarding
from .common import command, department_filter, json_option, opened
from .output import print_json, print_table


def _onboarding(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = department_filter(session, args)
        steps = onboarding(session, department=department)
    if args.json:
        print_json({"done": steps.done, "steps": [
            {"step": s.key, "title": s.title, "done": s.done, "count": s.count,
             "counted": s.counted, "begun": s.begun, "how": s.hint} for s in steps.steps]})
        return 0
    print_table(("", "Step", "State", "Count"),
                [(number, s.title, "done" if s.done else "to do", s.counted)
                 for number, s in enumerate(steps.steps, start=1)])
    following = steps.next_step
    print(f"{steps.done_count} of {len(steps.steps)} steps done."
          + (f" Next: {following.title.lower()}. {following.hint}" if following else ""))
    return 0


def add_commands(subparsers: Any) -> None:
    p = command(subparsers, "onboarding", _onboarding,
                "the first steps of setting up the register (departments, people, first "
                "import, first risk, SoA, climate decision, first review), each done or to do")
    p.add_argument("--department", metavar="CODE", help="count one department's records")
    json_option(p)
