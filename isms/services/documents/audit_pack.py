"""The audit pack an auditor takes away: every document of the register for one department or
the council, the evidence files, the review minutes and the change log, in one deterministic zip
(``isms.io.exports.pack``) that ``sha256sum -c SHA256SUMS`` verifies.

The documents are rendered into a temporary folder first and streamed into the zip from there;
the folder goes once the pack is written (or has failed, leaving no pack behind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from isms.db import Register
from isms.db.audit_chain import log_head
from isms.errors import StorageError
from isms.io.exports.pack import PackFile, PackItem, PackSummary, safe_member_name, write_pack
from isms.io.exports.report import Report, producer
from isms.io.files import scratch_folder_beside
from isms.model import ReviewStatus
from isms.services.documents import audit_pack_items as items
from isms.services.documents.marking import (
    ContentKind,
    MarkingChoice,
    choose,
    content_marking,
    highest,
    meetings_marking,
)
from isms.services.documents.render import (
    Kind,
    Progress,
    document_report,
    marked,
    marking_of,
    stamp,
    with_log_head,
    write_method,
    write_report,
)
from isms.services.evidence import evidence_dir
from isms.services.read.queries import register_name
from isms.services.reviews import decisions_report
from isms.services.reviews.minutes import write_minutes
from isms.services.soa import versions as soa_versions

#: Above this many rows a register goes in as xlsx only: thousands of PDF pages help no
#: auditor (they sample from the spreadsheet), and laying them out would take most of the
#: pack's time on a council-sized register.
PDF_ROW_LIMIT = 5_000


class _Documents:
    """Renders documents into the temporary folder, reporting each as one step."""

    def __init__(self, folder: Path, progress: Progress | None) -> None:
        self.folder = folder
        self.progress = progress
        self.done = 0

    def write(self, name: str, render: Callable[[Path], object]) -> PackFile:
        if self.progress:
            # How many documents there will be depends on the register (minutes per meeting,
            # PDFs only for registers that are not too long): the total is left unknown (0).
            self.progress(f"Writing {name}", self.done, 0)
        path = self.folder / name
        path.parent.mkdir(exist_ok=True)  # "minutes/...": writers never make folders themselves
        render(path)
        self.done += 1
        return PackFile(name, path)

    def report(self, name: str, report_of: Callable[[], Report]) -> PackFile:
        fmt = name.rsplit(".", 1)[1]
        return self.write(name, lambda path: write_report(report_of(), path, fmt, None))

    def register(self, stem: str, report: Report) -> tuple[list[PackFile], list[str]]:
        """The register as xlsx and, up to PDF_ROW_LIMIT rows, PDF from one read of its rows;
        with a note when the PDF is left out."""
        if report.row_count is not None and report.row_count > PDF_ROW_LIMIT:
            return [self.report(f"{stem}.xlsx", lambda: report)], [
                f"{report.row_count:,} rows: as a spreadsheet only (a PDF is written up to "
                f"{PDF_ROW_LIMIT:,} rows; isms export can still make one)."]
        rows = list(report.rows)
        once = replace(report, rows=rows)
        return [self.report(f"{stem}.xlsx", lambda: once),
                self.report(f"{stem}.pdf", lambda: once)], []


@dataclass(frozen=True)
class PackWritten:
    summary: PackSummary
    #: The pack's marking: its index, scope page and change log carry it (chosen, or the
    #: highest of its documents').
    choice: MarkingChoice


def pack_marking(session: Session, department_id: int | None) -> str:
    """The highest marking of the documents a pack of ``department_id`` holds: its registers,
    SoA, method and the minutes of the meetings it covers."""
    kinds: tuple[ContentKind, ...] = ("risks", "treatment", "assets", "soa", "method")
    meetings = [m.id for m in decisions_report.meetings_in_scope(session, department_id)]
    return highest(session, [*(content_marking(session, k, department_id) for k in kinds),
                             meetings_marking(session, meetings)])


def write_audit_pack(
    register: Register,
    out: Path,
    *,
    department_id: int | None,
    as_of: date,
    marking: str | None = None,
    progress: Progress | None = None,
) -> PackWritten:
    """Write the pack for one department (or the council, None) as of ``as_of``.

    Each document carries the highest marking of its own content, the pack's own pages (index,
    scope, change log) the highest of all; ``marking`` given, every file carries it (a choice
    below a document's content is recorded in that document)."""
    generated = stamp(as_of)
    try:
        store: Path | None = evidence_dir(register.location)
    except StorageError:
        store = None  # a server register: evidence links are listed, files have no store
    # The documents are staged beside the pack, and removed however the export ends (even
    # when the process is told to stop): never a folder of register extracts left behind.
    with scratch_folder_beside(out, ".isms-pack-") as temp, register.session() as session:
        docs = _Documents(Path(temp), progress)
        pack_choice = choose(session, marking, pack_marking(session, department_id))

        def choice(content: str) -> MarkingChoice:
            return choose(session, marking, content)

        def report(kind: Kind) -> Report:
            return document_report(session, kind, department_id, as_of,
                                   marking_of(session, kind, department_id, marking))

        risks, risk_notes = docs.register("risk-register", report("risks"))
        treatment, treatment_notes = docs.register("treatment-plan", report("treatment"))
        inventory, inventory_notes = docs.register("asset-inventory", report("assets"))
        soa_files, _ = docs.register("soa", report("soa"))
        policy_files, policy_notes = docs.register("document-register", report("policies"))
        issue_files, issue_notes = docs.register("context-issues", report("context"))
        party_files, party_notes = docs.register("interested-parties", report("parties"))
        obligation_files, obligation_notes = docs.register("obligations-register",
                                                           report("obligations"))
        in_scope = decisions_report.meetings_in_scope(session, department_id)
        decisions_marking = choice(meetings_marking(session, [m.id for m in in_scope]))
        minutes = [docs.report("review-decisions.pdf", lambda: marked(with_log_head(
            session, decisions_report.review_minutes_report(
                session, department_id=department_id, generated=generated)),
            decisions_marking))]
        taken: set[str] = set()
        for meeting in in_scope:
            if meeting.status in (ReviewStatus.COMPLETED, ReviewStatus.SIGNED_OFF):
                name = safe_member_name(f"{meeting.ref}.pdf", taken)  # refs are user text
                minutes.append(docs.write(f"minutes/{name}", partial(
                    write_minutes, session, meeting.id, marking=marking)))
        pack_items = [
            items.scope_item(session, number="1", department_id=department_id,
                             generated=generated, marking=pack_choice.label),
            PackItem("2", "Risk method", "How risks are assessed and treated here: the "
                     "likelihood and impact scales, the matrix, the risk appetite, the review "
                     "cadence and the data-handling rules, generated from the register's own "
                     "settings.", files=[docs.write("risk-method.pdf", partial(
                         write_method, session, generated=generated,
                         choice=marking_of(session, "method", None, marking)))]),
            PackItem("3", "Risk register", "Every live risk with its inherent, current and "
                     "residual scores, treatment, controls, next review and acceptance.",
                     files=risks, notes=risk_notes),
            PackItem("4", "Risk treatment plan", "Treatment actions with owners and due dates "
                     "(overdue ones flagged) and the risk owners' acceptances of residual risk.",
                     files=treatment, notes=treatment_notes),
            PackItem("5", "Statement of Applicability", "The SoA as it stands (its document "
                     "control block gives the approved version, or says it is a draft), and "
                     "the history of approved versions with the warnings each approver "
                     "acknowledged.",
                     files=[*soa_files, docs.report("soa-versions.pdf", lambda: marked(
                         with_log_head(session, soa_versions.soa_versions_report(
                             session, department_id, generated)),
                         marking_of(session, "soa", department_id, marking)))]),
            PackItem("6", "Asset inventory and handling", "Assets with their owners, "
                     "classification, C/I/A ratings, personal data and handling-rule findings. "
                     "The handling rules themselves are in the risk method (item 2).",
                     files=inventory, notes=inventory_notes),
            items.evidence_item(session, store, number="7", department_id=department_id,
                                as_of=as_of),
            PackItem("8", "Review minutes", "The minutes of every completed or signed-off "
                     "review meeting in scope (attendees, 9.3 inputs, decisions, actions, items "
                     "carried forward, review history), and all meetings' decisions in one "
                     "table.", files=minutes),
            items.change_log_item(session, number="9", department_id=department_id,
                                  marking=pack_choice.label),
            PackItem("10", "Document register", "The policies and procedures (5.1, 7.5) with "
                     "their version, owner, approver and approval date, next review (past ones "
                     "flagged) and the controls each supports.",
                     files=policy_files, notes=policy_notes),
            PackItem("11", "Context of the organisation", "The internal and external issues "
                     "(4.1) with the decision on whether climate change is relevant, why and "
                     "who decided; the interested parties (4.2) with their requirements and the "
                     "controls that answer each.", files=[*issue_files, *party_files],
                     notes=[*issue_notes, *party_notes]),
            PackItem("12", "Legal, regulatory and contractual obligations", "The obligations "
                     "the council must meet (A.5.31) with their owner, what each requires, the "
                     "controls that meet it and the evidence that shows it (gaps flagged), and "
                     "the next review.", files=obligation_files, notes=obligation_notes),
        ]
        scope = items.scope_label(session, department_id)
        name = register_name(session)
        head = log_head(session)
        # The change log's head as the pack was made: `isms audit verify --against PACK` checks
        # the register still holds it (not shortened, not rewritten and re-chained).
        meta = {"app": producer(), "register": name, "scope": scope,
                "as_of": as_of.isoformat(), "change_log_head": head.as_dict(),
                "marking": pack_choice.label}
        about = [("Register", name), ("As at", as_of.isoformat()),
                 ("Change log head", head.text()), *pack_choice.control(),
                 ("Produced by", producer())]
        summary = write_pack(
            out, pack_items, title=f"{name} - ISO/IEC 27001 audit pack", scope=scope,
            generated=generated, meta=meta, about=about, marking=pack_choice.label,
            progress=progress,
        )
    return PackWritten(summary, pack_choice)
