"""The register's risk method as a PDF (ISO/IEC 27001 6.1.2 a-b; the audit pack's "risk
method" item): its owner, approver, version, approval date and next review; what the inherent,
current and residual levels mean; scales with their descriptions per impact area, the matrix in
the level colours, the levels with their review cadence, the appetite, who may accept each
level, the treatment options, the owner attestation interval and the handling rules. The
service assembles them from the register (``MethodDocument``, see
``isms.services.method.method_document``), so the document always matches the criteria the risks
were scored with; this module only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    KeepTogether,
    Table,
    TableStyle,
)

from ...method import handling
from ...method.criteria import AUTHORITY_WORDS, Criteria
from .method_document import ACCEPTING_TARGETS, LEVEL_TERMS, TREATMENT_TERMS, MethodDocument
from .pdf_report import (
    HEADER_FILL,
    MARGIN,
    PAGE,
    build_pdf,
    grid,
    para,
    title_block,
)
from .report import LOG_HEAD_LABEL, text_colour_on

MARKING = "OFFICIAL"
_USABLE = PAGE[0] - 2 * MARGIN


def write_method_pdf(document: MethodDocument, path: Path, generated: datetime,
                     log_head: str = "", *, marking: str = MARKING,
                     marking_control: Sequence[tuple[str, str]] = ()) -> None:
    """Write the risk method to ``path`` (atomically), dated ``generated``; ``log_head`` (the
    change log's head) goes in the document control and the file's metadata. ``marking`` is
    printed on every page; ``marking_control`` says in the document control how it was chosen
    (``isms.services.documents.marking``)."""
    criteria = document.criteria
    title = f"Risk assessment method - {document.register_name}"
    control = [
        ("Risk criteria version", f"{document.version_number} (of {document.created_at:%Y-%m-%d}"
                                  + (f", by {document.created_by}" if document.created_by else "")
                                  + ")"),
        ("Method owner", document.owner or "not named"),
        ("Approved by", document.approved_by or "no approval recorded for this version"),
        ("Approval date", f"{document.approved_at:%Y-%m-%d}" if document.approved_at else "-"),
        ("Next review", f"{document.next_review:%Y-%m-%d} (the method is reviewed every "
                        f"{criteria.method_review_days} days)"),
        ("Change note", document.note or "-"),
        ("Risk appetite", criteria.appetite),
        ("Owner attestation", f"every {criteria.attestation_days} days"),
        *([(LOG_HEAD_LABEL, log_head)] if log_head else []),
        *marking_control,
    ]
    story: list[Flowable] = title_block(title, generated, marking, control)
    story += _scales(criteria)
    story += _matrix(criteria)
    story += _levels(criteria)
    story += _terms()
    story += _authority(criteria)
    story += _treatment()
    story += _rules(document.rules)
    build_pdf(path, story, title=title, marking=marking, generated=generated, keywords=log_head)


def _heading(text: str) -> list[Flowable]:
    # Keep a heading with the start of its table.
    return [CondPageBreak(40 * mm), para(text, "heading")]


def _scales(criteria: Criteria) -> list[Flowable]:
    likelihood = grid(
        [("Value", "Likelihood", "Description")]
        + [(p.value, p.label, p.description) for p in criteria.likelihood],
        (1, 3, 14))
    areas = list(criteria.impact_areas) or sorted(
        {a for p in criteria.impact for a in p.areas})
    impact = grid(
        [("Value", "Impact", "Description", *(a.capitalize() for a in areas))]
        + [(p.value, p.label, p.description, *(p.areas.get(a, "") for a in areas))
           for p in criteria.impact],
        (1.4, 2.5, 5, *([4] * len(areas))))
    return [*_heading("Likelihood scale"), likelihood,
            *_heading("Impact scale, by impact area"), impact]


def _matrix(criteria: Criteria) -> list[Flowable]:
    """Likelihood down (highest first, as risk matrices are read), impact across."""
    header = ["Likelihood \\ impact", *(f"{p.value} {p.label}" for p in criteria.impact)]
    rows: list[list[Any]] = [header]
    fills: list[tuple[Any, ...]] = []
    for r, point in enumerate(reversed(criteria.likelihood), start=1):
        line: list[Any] = [f"{point.value} {point.label}"]
        for c, impact in enumerate(criteria.impact, start=1):
            level = criteria.level(point.value, impact.value)
            assert level is not None  # both ratings given
            score = point.value * impact.value
            line.append(level.name if criteria.matrix_kind == "lookup"
                        else f"{level.name} ({score})")
            fills.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(level.colour)))
            fills.append(("TEXTCOLOR", (c, r), (c, r),
                          colors.HexColor(text_colour_on(level.colour))))
        rows.append(line)
    # Plain strings (not Paragraphs) so TEXTCOLOR applies to the level names.
    table = Table(rows, colWidths=[_USABLE / (len(header) + 1) * 2]
                  + [_USABLE / (len(header) + 1)] * (len(header) - 1), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        *fills,
    ]))
    how = ("Each cell's level is read from the matrix." if criteria.matrix_kind == "lookup"
           else "Score = likelihood x impact; the level is the band the score falls in.")
    # The matrix is read as a whole: never cut across pages, nor away from its heading.
    return [CondPageBreak(40 * mm), KeepTogether([para("Risk matrix", "heading"), para(how),
                                                  table])]


def _levels(criteria: Criteria) -> list[Flowable]:
    appetite_rank = criteria.rank(criteria.level_named(criteria.appetite))
    rows: list[tuple[Any, ...]] = [("Level", "Scores", "Review every", "Against appetite")]
    extra: list[tuple[Any, ...]] = []
    for r, level in enumerate(criteria.levels, start=1):
        rank = criteria.rank(level)
        stance = ("the appetite" if rank == appetite_rank else
                  "within appetite" if rank < appetite_rank else
                  "above appetite: treat, or accept as the acceptance authority says")
        scores = (f"{level.min_score}-{level.max_score}" if criteria.matrix_kind == "product"
                  else "see matrix")
        # The name sits on its colour, in the text colour that reads on it.
        name = para(level.name, "cell" if text_colour_on(level.colour) == "#000000"
                    else "cell-white")
        rows.append((name, scores, f"{criteria.cadence_days[level.name]} days", stance))
        extra.append(("BACKGROUND", (0, r), (0, r), colors.HexColor(level.colour)))
    return [*_heading("Risk levels, review cadence and appetite"),
            grid(rows, (3, 2, 2, 8), extra=extra),
            para(f"Risk appetite: {criteria.appetite}. Assets are attested by their owners "
                 f"every {criteria.attestation_days} days.")]


def _terms() -> list[Flowable]:
    """What inherent, current and residual mean, and which one the appetite is tested on."""
    rows: list[tuple[Any, ...]] = [("Level", "What it means")]
    rows += [(name, meaning) for name, meaning in LEVEL_TERMS]
    return [*_heading("Current and residual levels"), grid(rows, (3, 14))]


def _authority(criteria: Criteria) -> list[Flowable]:
    """Who may accept a risk at each level (the criteria's acceptance authority)."""
    rows: list[tuple[Any, ...]] = [("Level", "Who may accept it")]
    rows += [(level.name, _sentence(AUTHORITY_WORDS[criteria.authority(level)]))
             for level in criteria.levels]
    return [*_heading("Who may accept what"), grid(rows, (3, 14)), para(ACCEPTING_TARGETS)]


def _treatment() -> list[Flowable]:
    rows: list[tuple[Any, ...]] = [("Option", "What it means")]
    for meaning in TREATMENT_TERMS.values():
        name, _, words = meaning.partition(": ")
        rows.append((name, _sentence(words)))
    return [*_heading("Treatment options"), grid(rows, (3, 14))]


def _sentence(text: str) -> str:
    """The text with its first letter a capital, the rest as written ("SIRO" stays)."""
    return text[:1].upper() + text[1:]


def _rules(rules: Sequence[handling.Rule]) -> list[Flowable]:
    if not rules:
        return [*_heading("Data-handling rules"), para("No handling rules are active.")]
    rows: list[tuple[Any, ...]] = [("Rule", "Title", "Stage", "Channel", "Applies to",
                                    "Requires")]
    for rule in rules:
        applies = [f"{rule.min_label} and above" if rule.min_label else "",
                   "personal data" if rule.personal_data else "",
                   "special category" if rule.special_category else ""]
        needs = ("not allowed" if rule.prohibited else
                 ", ".join(handling.SAFEGUARDS.get(s, s) for s in rule.required))
        rows.append((rule.code, rule.title, rule.stage or "any", rule.channel or "any",
                     ", ".join(a for a in applies if a) or "all information", needs))
    return [*_heading("Data-handling rules"), grid(rows, (1.3, 7, 2, 2.2, 3.5, 4.5))]
