"""Rendering one document of the register into a file: the pieces both ``exports`` (one
document, what ``isms export`` and the export dialog call) and ``audit_pack`` (every document in
one zip) use, so neither has to import the other.

A document is dated by its *as-of* day: it is stamped with midnight of that day (``stamp``).
It carries a protective marking: by default the highest of what it contains, or the one the
person exporting chose (``marking.choose``), a lower choice recorded in its document control.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from isms.db.audit_chain import log_head
from isms.errors import UsageError
from isms.io.exports.report import LOG_HEAD_LABEL, Report
from isms.services.documents.marking import MarkingChoice, choose, content_marking
from isms.services.method import method_document

Kind = Literal["soa", "risks", "treatment", "assets", "method", "policies", "context", "parties",
               "obligations", "pack"]
Progress = Callable[[str, int, int], None]


def stamp(as_of: date) -> datetime:
    """The moment every document of one export states: midnight at the start of ``as_of``."""
    return datetime.combine(as_of, time(0, 0))


def with_log_head(session: Session, report: Report) -> Report:
    """``report`` with the change log's head (entries, head hash) in its document control, so
    whoever holds the document can check the register still contains that log
    (``isms audit verify --against``); the PDF writer also puts it in the file's metadata."""
    pair = (LOG_HEAD_LABEL, log_head(session).text())
    return replace(report, document_control=[*report.document_control, pair])


def marking_of(session: Session, kind: Kind, department_id: int | None,
               requested: str | None = None) -> MarkingChoice:
    """The marking one document (not the pack) carries: ``requested`` if given (checked
    against the scheme), else the highest of what it holds."""
    if kind == "pack":
        raise UsageError("The pack's marking is the highest of its documents' (audit_pack).")
    return choose(session, requested, content_marking(session, kind, department_id))


def marked(report: Report, choice: MarkingChoice) -> Report:
    """``report`` carrying ``choice``, with a line in its document control when it was chosen
    (saying so when it is below the content's)."""
    return replace(report, marking=choice.label,
                   document_control=[*report.document_control, *choice.control()])


def document_report(session: Session, kind: Kind, department_id: int | None,
                    as_of: date, choice: MarkingChoice | None = None) -> Report:
    """The table behind one of the tabular documents (not the method or the pack), with the
    change log's head, marked ``choice`` (default: the highest marking of its content)."""
    from isms.services.documents import context_register, registers
    from isms.services.documents.obligation_register import obligation_register
    from isms.services.documents.policy_register import policy_register
    from isms.services.soa import document as soa

    generated = stamp(as_of)
    if kind == "soa":
        report = soa.soa_report(soa.soa_document(session, department_id, as_of),
                                generated=generated)
    else:
        builders = {"risks": registers.risk_register, "treatment": registers.treatment_plan,
                    "assets": registers.asset_inventory, "policies": policy_register,
                    "context": context_register.context_issues,
                    "parties": context_register.interested_parties,
                    "obligations": obligation_register}
        if kind not in builders:
            raise UsageError(f"'{kind}' is not a table document.")
        report = builders[kind](session, department_id, as_of, generated=generated)
    choice = choice or marking_of(session, kind, department_id)
    return marked(with_log_head(session, report), choice)


def write_report(report: Report, path: Path, fmt: str, progress: Progress | None) -> int:
    # The writers import openpyxl / reportlab, slow to load: only when a file is written.
    if fmt == "xlsx":
        from isms.io.exports.xlsx_report import write_xlsx

        return write_xlsx(report, path, progress)
    from isms.io.exports.pdf_report import write_pdf

    return write_pdf(report, path, progress)


def write_method(session: Session, path: Path, generated: datetime,
                 choice: MarkingChoice | None = None) -> None:
    """The risk method in force as a PDF at ``path`` (atomically), dated ``generated``, marked
    ``choice`` (default: its content's, the scheme's baseline)."""
    from isms.io.exports.method_pdf import write_method_pdf

    choice = choice or marking_of(session, "method", None)
    write_method_pdf(method_document(session), path, generated, log_head(session).text(),
                     marking=choice.label, marking_control=choice.control())
