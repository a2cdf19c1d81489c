"""`isms method`, `isms risks score|accept` and `isms handling`: the risk method at work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isms.services.read import queries

from ..db import commit
from ..errors import NotFoundError, UsageError, ValidationError
from ..io.files import write_atomically
from ..method.criteria import AUTHORITY_WORDS, Criteria
from ..model import Risk, TreatmentOption
from ..services import edits, signatures
from ..services import handling as handling_service
from ..services import method as method_service
from ..services import risks as risk_service
from . import handling_commands
from .common import (
    command,
    iso_date,
    json_option,
    opened,
    revert_hint,
    review_date,
    whole_number,
)
from .output import print_json, print_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved

# --- isms method ----------------------------------------------------------------------------


def _method_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        row = queries.current_criteria_row(session)
        criteria = queries.current_criteria(session)
    if args.json:
        print_json({"version": row.version_number, "criteria": criteria.to_definition()})
        return 0
    print(f"Risk criteria version {row.version_number}" + (f": {row.note}" if row.note else ""))
    for name, scale in (("Likelihood", criteria.likelihood), ("Impact", criteria.impact)):
        print(f"\n{name}")
        print_table(
            ["", "Label", "Description"],
            [(p.value, p.label, p.description) for p in scale],
            max_width=100,
        )
    print("\nMatrix (rows: likelihood, columns: impact)")
    headers = ["L \\ I", *(str(p.value) for p in criteria.impact)]
    rows = [
        [
            f"{lk.value} {lk.label}",
            *(_level_name(criteria, lk.value, im.value) for im in criteria.impact),
        ]
        for lk in reversed(criteria.likelihood)
    ]
    print_table(headers, rows)
    print("\nLevels")
    print_table(
        ["Level", "Scores", "Colour", "Review every", "Appetite", "Who may accept"],
        [
            (
                lv.name,
                f"{lv.min_score}-{lv.max_score}" if criteria.matrix_kind == "product" else "lookup",
                lv.colour,
                f"{criteria.cadence_days[lv.name]} days",
                "appetite"
                if lv.name == criteria.appetite
                else ("above" if criteria.above_appetite(lv) else ""),
                AUTHORITY_WORDS[criteria.authority(lv)],
            )
            for lv in criteria.levels
        ],
    )
    print(f"\nAsset owners attest every {criteria.attestation_days} days.")
    print(f"Method owner: {criteria.method_owner or 'not named'}; the method is reviewed every "
          f"{criteria.method_review_days} days.")
    return 0


def _level_name(criteria: Criteria, likelihood: int, impact: int) -> str:
    level = criteria.level(likelihood, impact)
    return level.name if level else ""


def _method_export(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        choice = method_service.export_marking(session, args.marking)
        text = method_service.export_json(session, choice)
    if warning := choice.warning("risk criteria file"):
        sys.stderr.write(f"Warning: {warning}\n")
    if args.out:
        path = Path(args.out).expanduser()
        write_atomically(path, text.encode("utf-8"))
        marked = f", marked {choice.label}," if choice.label else ""
        print(f"Wrote the risk criteria{marked} to {path}")
    else:
        print(text, end="")
    return 0


def _method_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise NotFoundError(f"Cannot read {path}: {exc.strerror}") from exc
    new = method_service.parse_json(text, str(path))
    mapping = method_service.parse_mapping(args.map_likelihood, args.map_impact)
    with opened(args) as register, register.session() as session:
        changes = method_service.preview(session, new, mapping)
        moved = [c for c in changes if c.changed_level]
        if args.dry_run:
            result: dict[str, Any] = {
                "dry_run": True,
                "risks": len(changes),
                "levels_changed": len(moved),
                "changes": [{"ref": c.ref, "before": c.before, "after": c.after} for c in moved],
            }
        else:
            summary = method_service.change_criteria(
                session,
                new,
                note=args.note or f"imported from {path.name}",
                actor=str(session.info["actor"]),
                mapping=mapping,
            )
            commit(session)
            result = {
                "dry_run": False,
                "version": summary.version,
                "risks": summary.risks_rescored,
                "levels_changed": summary.levels_changed,
                "acceptances_withdrawn": summary.acceptances_withdrawn,
            }
    if args.json:
        print_json(result)
    elif args.dry_run:
        print(f"Dry run: {len(changes)} risks would be re-scored; {len(moved)} change level.")
        print_table(
            ["Risk", *(stage.capitalize() for stage in risk_service.STAGES)],
            [
                (
                    c.ref,
                    *(f"{c.before[s] or '-'} -> {c.after[s] or '-'}" for s in risk_service.STAGES),
                )
                for c in moved
            ],
        )
    else:
        print(
            f"Saved risk criteria version {result['version']}: {result['risks']} risks "
            f"re-scored, {result['levels_changed']} changed level, "
            f"{result['acceptances_withdrawn']} acceptances withdrawn."
        )
    return 0


# --- isms risks score | accept ---------------------------------------------------------------


def _pair(values: list[int] | None) -> tuple[int, int] | None:
    return (values[0], values[1]) if values else None


def _save_risk(session: Session, risk: Risk, edited: dict[str, Any]) -> Saved:
    """A risk edit from the command line: the same recorded save as the window's risk editor,
    so `isms revert` can take it back."""
    return edits.save_risk(session, risk.id, risk.version, edited, name=risk.ref)


def _risks_score(args: argparse.Namespace) -> int:
    if not (args.inherent or args.current or args.residual):
        raise UsageError("Give at least one of --inherent, --current, --residual (L I).")
    given = {"inherent": args.inherent, "current": args.current, "residual": args.residual}
    edited = {f"{stage}_{part}": value for stage, pair in given.items() if pair
              for part, value in zip(("likelihood", "impact"), pair, strict=True)}
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        accepted = risk.current_acceptance is not None
        saved = _save_risk(session, risk, edited)
        change = risk_service.ScoreChange(
            risk.ref, risk_service.levels(queries.current_criteria(session), risk),
            risk.next_review, accepted and risk.current_acceptance is None)
        commit(session)
    summary = risk_service.as_summary(change)
    if args.json:
        print_json({**summary, "change": saved.change_id})
    else:
        print(
            f"{summary['ref']}: inherent {summary['inherent'] or '-'}, current "
            f"{summary['current'] or '-'}, residual {summary['residual'] or '-'}; next review "
            f"{summary['next_review'] or '-'}"
            + ("; the acceptance was withdrawn" if change.acceptance_withdrawn else "")
            + revert_hint(saved)
        )
    return 0


def _risks_accept(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        try:
            signed = risk_service.sign_acceptance(
                session,
                risk,
                rationale=args.rationale,
                expires_on=args.expires,
                approver=(queries.person(session, args.for_approver)
                          if args.for_approver else None),
                at_current=args.at_current,
            )
        except ValidationError as exc:
            if exc.field != "at_current":
                raise
            raise ValidationError(f"{exc} (--at-current)", field=exc.field) from None
        level = str(signed.signatures[0].terms["level"])
        commit(session)
        ref = risk.ref
        signed_words = [{"id": s.id, "state": s.state.value, "words": signatures.words(s)}
                        for s in signed.signatures]
        result = {"ref": ref, "accepted": signed.acceptance is not None, "level": level,
                  "at_current": args.at_current, "signatures": signed_words}
        acceptance = signed.acceptance
        if acceptance is not None:
            expiry = acceptance.expires_on.isoformat() if acceptance.expires_on else "-"
            approved = (f", approved by {acceptance.approved_by.name}"
                        if acceptance.approved_by else "")
            at = "current level" if args.at_current else "residual level"
            text = (f"{ref} accepted by {acceptance.accepted_by.name}{approved} until {expiry} "
                    f"(at {at} {level}).")
        else:
            text = (f"{ref}: " + "; ".join(str(w["words"]) for w in signed_words)
                    + ". It is not accepted until then (`isms awaiting`).")
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0


def _risks_treat(args: argparse.Namespace) -> int:
    if not (args.option or args.control or args.action):
        raise UsageError("Give --option, --control or --action.")
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        saved = None
        if args.option:
            saved = _save_risk(session, risk, {"treatment_option": TreatmentOption(args.option),
                                               "treatment_note": args.note or ""})
        linked = []
        for ref in args.control or []:
            control = queries.control_by_ref(session, ref)
            entry = risk_service.link_control(session, risk, control)
            linked.append(f"{control.ref} ({entry.applicability} in the SoA)")
        if args.action:
            owner = queries.person(session, args.owner) if args.owner else None
            risk_service.add_action(risk, args.action, owner=owner, due=args.due)
        commit(session)
        print(
            f"{risk.ref}: treatment {risk.treatment_option or '-'}"
            + (f"; controls {', '.join(linked)}" if linked else "")
            + (f"; action '{args.action}' added" if args.action else "")
            + (revert_hint(saved) if saved is not None else "")
        )
    return 0


def _risks_review_date(args: argparse.Namespace) -> int:
    if not args.cadence and (args.date is None or not args.reason):
        raise UsageError("Give --date and --reason, or --cadence to follow the cadence.")
    review = {"review_date": None, "review_reason": ""} if args.cadence else {
        "review_date": args.date, "review_reason": args.reason}
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        saved = _save_risk(session, risk, review)
        commit(session)
        print(
            f"{risk.ref}: next review {risk.next_review or '-'}"
            + (
                f" ({risk.review_override_reason})"
                if risk.review_override_reason
                else " (by the cadence of its level)"
            )
            + revert_hint(saved)
        )
    return 0


def _assets_attest(args: argparse.Namespace) -> int:
    from ..services import assets as asset_service

    with opened(args) as register, register.session() as session:
        asset = queries.asset_by_ref(session, args.ref)
        # An attestation is the owner's own act: made by the acting user, never typed in.
        by = signatures.signer(session, f"attest asset {asset.ref}")
        due = asset_service.attest(session, asset, by)
        name = by.name
        commit(session)
    print(f"{args.ref} attested by {name}; next attestation due {due.isoformat()}.")
    return 0


# --- isms handling --------------------------------------------------------------------------


def _handling_check(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department) if args.department else None
        findings = handling_service.check_handling(session, department)
    if args.json:
        print_json(
            [
                {
                    "asset": f.asset_ref,
                    "asset_name": f.asset_name,
                    "practice_id": f.practice_id,
                    "stage": str(f.stage),
                    "channel": str(f.channel) if f.channel else None,
                    "rule": f.rule_code,
                    "rule_title": f.rule_title,
                    "missing": list(f.missing),
                    "prohibited": f.prohibited,
                    "finding": f.what_is_wrong,
                }
                for f in findings
            ]
        )
    else:
        print_table(
            ["Asset", "Practice", "Rule", "What is wrong"],
            [(f.asset_ref, f.practice_id, f.rule_code, f.what_is_wrong) for f in findings],
            max_width=90,
        )
        print(f"\n{len(findings)} finding(s).")
    return 0


def _handling_to_risk(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        findings = [
            f
            for f in handling_service.check_handling(session)
            if f.practice_id == args.practice and f.rule_code == args.rule.upper()
        ]
        if not findings:
            raise NotFoundError(
                f"No finding of rule {args.rule} on practice {args.practice}; list them with "
                "`isms handling check`."
            )
        risk = handling_service.finding_to_risk(session, findings[0])
        commit(session)
        print(f"Created {risk.ref}: {risk.title}")
    return 0


def _rating(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a scale position (1, 2, 3 ...)"
        ) from None


def add_commands(subparsers: Any, risks_actions: Any, assets_actions: Any) -> Any:
    """Returns the `method` group's ACTION subparsers, for other modules' verbs."""
    group = subparsers.add_parser(
        "method",
        help="the risk criteria (scales, matrix, appetite)",
        description="the risk criteria (scales, matrix, appetite)",
    )
    actions = method_actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_option(command(actions, "show", _method_show, "print the current risk criteria"))
    p = command(actions, "export", _method_export, "write the criteria as JSON")
    p.add_argument("--out", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument("--marking", metavar="LABEL",
                   help="the file's protective marking (default: the method's, the scheme's "
                        "lowest)")
    p = command(
        actions,
        "import",
        _method_import,
        "make a JSON file the new criteria version and re-score every risk",
    )
    p.add_argument("file", help="criteria JSON (as written by `isms method export`)")
    p.add_argument(
        "--map-likelihood",
        metavar="OLD=NEW,...",
        help="where each old likelihood point goes (default: proportional)",
    )
    p.add_argument(
        "--map-impact",
        metavar="OLD=NEW,...",
        help="where each old impact point goes (default: proportional)",
    )
    p.add_argument("--dry-run", action="store_true", help="preview the re-scoring only")
    p.add_argument("--note", help="why the criteria changed")
    json_option(p)

    p = command(
        risks_actions, "score", _risks_score, "rate a risk; prints its levels and next review date"
    )
    p.add_argument("ref", help="risk reference")
    for stage in risk_service.STAGES:
        p.add_argument(
            f"--{stage}",
            nargs=2,
            type=_rating,
            metavar=("L", "I"),
            help=f"{stage} likelihood and impact",
        )
    json_option(p)
    p = command(
        risks_actions,
        "accept",
        _risks_accept,
        "accept the residual risk as its owner, or record the owner's acceptance for them "
        "(it awaits their confirmation)",
    )
    p.add_argument("ref", help="risk reference")
    p.add_argument("--rationale", required=True, help="why the residual risk is acceptable")
    p.add_argument(
        "--for-approver",
        metavar="PERSON",
        help="above the appetite: the approver whose sign-off you record (it awaits their "
        "confirmation; default: you, if you hold the approver role)",
    )
    p.add_argument(
        "--expires",
        type=review_date,
        metavar="YYYY-MM-DD",
        help="when the acceptance lapses (default: the next review)",
    )
    p.add_argument(
        "--at-current",
        action="store_true",
        help="accept today's exposure (the current level) rather than the residual target: "
        "needed while the target is not reached (treatment actions open, or none planned); "
        "the acceptance says 'accepted at current level ...'",
    )
    json_option(p)

    p = command(
        risks_actions,
        "treat",
        _risks_treat,
        "choose the treatment: option, controls (made applicable in the SoA), actions",
    )
    p.add_argument("ref", help="risk reference")
    p.add_argument("--option", choices=[o.value for o in TreatmentOption])
    p.add_argument("--note", help="why this treatment")
    p.add_argument(
        "--control",
        action="append",
        metavar="REF",
        help="an Annex A or local control the treatment relies on; repeatable",
    )
    p.add_argument("--action", metavar="TITLE", help="add a treatment action")
    p.add_argument("--owner", metavar="PERSON", help="the action's owner")
    p.add_argument("--due", type=iso_date, metavar="YYYY-MM-DD", help="the action's due date")
    p = command(
        risks_actions,
        "review-date",
        _risks_review_date,
        "move a risk's next review off its cadence (with a reason), or back onto it",
    )
    p.add_argument("ref", help="risk reference")
    p.add_argument("--date", type=review_date, metavar="YYYY-MM-DD")
    p.add_argument("--reason", help="why the date departs from the cadence")
    p.add_argument("--cadence", action="store_true", help="follow the level's cadence again")
    p = command(
        assets_actions,
        "attest",
        _assets_attest,
        "as the information asset owner, confirm the entry; sets the next attestation",
    )
    p.add_argument("ref", help="asset reference")

    group = subparsers.add_parser(
        "handling",
        help="data-handling practices and rules",
        description="data-handling practices and rules",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(
        actions,
        "check",
        _handling_check,
        "check every handling practice against the handling rules",
    )
    p.add_argument("--department", metavar="CODE|NAME", help="only this department")
    json_option(p)
    handling_commands.add_commands(actions)  # list, add, update
    p = command(actions, "to-risk", _handling_to_risk, "turn a finding into a pre-filled risk")
    p.add_argument("practice", type=whole_number,
                   help="the practice id (from `isms handling check`)")
    p.add_argument("rule", help="the rule code, e.g. HR-01")
    return method_actions
