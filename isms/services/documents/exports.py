"""Every document the register exports, by name: what ``isms export`` and the window's export
dialog both call, so the two cannot drift apart.

A document is dated by its *as-of* day (default today): it is stamped with midnight of that day,
and overdue reviews and stale evidence are judged against it. So the same register exported
with the same options gives the same bytes, which is what lets an auditor compare two packs.

Every document carries a protective marking: the highest marking of what it contains unless the
request names one (``--marking``); one below the content's is written as asked, said in the
result's warnings and recorded in the document (``services.documents.marking``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from isms.db import Register
from isms.errors import UsageError
from isms.io.files import check_folder
from isms.services.documents.marking import MarkingChoice, scale
from isms.services.documents.render import (
    Kind,
    Progress,
    document_report,
    marking_of,
    stamp,
    write_method,
    write_report,
)

# Kind, Progress, stamp and write_report live in ``render`` (shared with the audit pack); they
# are named here too for the callers that export one document.
__all__ = ["KINDS", "DocumentKind", "ExportRequest", "ExportResult", "Kind", "Progress",
           "default_marking", "export", "markings", "stamp", "suggested_name", "write_report"]


@dataclass(frozen=True)
class DocumentKind:
    key: Kind
    title: str
    formats: tuple[str, ...]
    description: str


KINDS: dict[str, DocumentKind] = {
    k.key: k
    for k in (
        DocumentKind("soa", "Statement of Applicability", ("xlsx", "pdf"),
                     "one row per Annex A control, with reasons, status and evidence"),
        DocumentKind("risks", "Risk register", ("xlsx", "pdf"),
                     "every live risk with its scores, treatment and acceptance"),
        DocumentKind("treatment", "Risk treatment plan", ("xlsx", "pdf"),
                     "treatment actions and the risk owners' acceptances"),
        DocumentKind("assets", "Asset inventory", ("xlsx", "pdf"),
                     "assets with their classification and handling findings"),
        DocumentKind("method", "Risk method", ("pdf",),
                     "the scales, matrix, appetite, review cadence and handling rules in use"),
        DocumentKind("policies", "Document register", ("xlsx", "pdf"),
                     "policies and procedures with version, owner, approval and next review"),
        DocumentKind("context", "Context issues", ("xlsx", "pdf"),
                     "internal and external issues and the climate-change decision (4.1)"),
        DocumentKind("parties", "Interested parties", ("xlsx", "pdf"),
                     "interested parties and their requirements, with the controls that "
                     "answer each (4.2)"),
        DocumentKind("obligations", "Obligations register", ("xlsx", "pdf"),
                     "legal, regulatory and contractual obligations with the controls that "
                     "meet each and the evidence that shows it (A.5.31)"),
        DocumentKind("pack", "Audit pack", ("zip",),
                     "every document above, the evidence files, review minutes and change log, "
                     "with SHA-256 sums"),
    )
}


@dataclass(frozen=True)
class ExportRequest:
    kind: Kind
    out: Path
    department_id: int | None = None
    #: "xlsx", "pdf" or "zip"; None takes it from ``out``'s suffix, else the kind's first format.
    format: str | None = None
    as_of: date | None = None
    #: The protective marking to print (a marking of the current scheme, any case); None: the
    #: highest marking of what the document contains.
    marking: str | None = None

    def resolved_format(self) -> str:
        kind = KINDS[self.kind]
        chosen = self.format or self.out.suffix.lower().lstrip(".") or kind.formats[0]
        if chosen not in kind.formats:
            raise UsageError(
                f"The {kind.title.lower()} is exported as {' or '.join(kind.formats)}, "
                f"not {chosen}."
            )
        return chosen


@dataclass(frozen=True)
class ExportResult:
    path: Path
    #: Table rows written (for a pack: files in it).
    count: int
    #: The protective marking the document carries (for a pack: its index and change log).
    marking: str = ""
    #: What the person exporting should know: a marking chosen below the content's.
    warnings: tuple[str, ...] = ()


def export(register: Register, request: ExportRequest,
           progress: Progress | None = None) -> ExportResult:
    """Write one document; the file appears complete or not at all."""
    fmt = request.resolved_format()
    as_of = request.as_of or date.today()
    out = request.out.expanduser()
    check_folder(out)  # before any work: a mistyped folder is said at once, never created
    if request.kind == "pack":
        # The pack pulls in most of the services: loaded only when one is written, so the
        # command and the window start without it (not to hide a loop: it never imports this).
        from isms.services.documents.audit_pack import write_audit_pack

        packed = write_audit_pack(register, out, department_id=request.department_id,
                                  as_of=as_of, marking=request.marking, progress=progress)
        return ExportResult(packed.summary.path, len(packed.summary.files),
                            packed.choice.label, _warnings(packed.choice, "audit pack"))
    with register.session() as session:
        choice = marking_of(session, request.kind, request.department_id, request.marking)
        warnings = _warnings(choice, KINDS[request.kind].title.lower())
        if request.kind == "method":
            write_method(session, out, stamp(as_of), choice)
            return ExportResult(out, 1, choice.label, warnings)
        report = document_report(session, request.kind, request.department_id, as_of, choice)
        count = write_report(report, out, fmt, progress)
    return ExportResult(out, count, choice.label, warnings)


def _warnings(choice: MarkingChoice, what: str) -> tuple[str, ...]:
    warning = choice.warning(what)
    return (warning,) if warning else ()


def default_marking(register: Register, kind: Kind, department_id: int | None) -> str:
    """The marking the document would carry if none is chosen: the highest of its content
    (for the pack, of all its documents)."""
    with register.session() as session:
        if kind == "pack":
            from isms.services.documents.audit_pack import pack_marking

            return pack_marking(session, department_id)
        return marking_of(session, kind, department_id).label


def markings(register: Register) -> list[str]:
    """The markings a document can be given: the current scheme's, least to most sensitive."""
    with register.session() as session:
        return list(scale(session).labels)


def suggested_name(kind: Kind, department_code: str | None, fmt: str, as_of: date) -> str:
    """A file name that says what and when: "soa-ASC-2026-11-25.pdf", "pack-council-...zip"."""
    scope = department_code or "council"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scope)
    return f"{kind}-{safe}-{as_of.isoformat()}.{fmt}"
