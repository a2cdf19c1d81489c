"""The demo council's context register (4.1, 4.2 with Amd 1:2024): a handful of issues, the
climate-change decision the SIRO made and justified, and the interested parties with their
requirements, each answered by Annex A controls. Hand-written records, through the ORM and the
change log like any edit, dated before the last review so its inputs quote them."""

from __future__ import annotations

from ..model.context import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    IssueKind,
    PartyRequirement,
)
from ..services.read.queries import control_by_ref
from .context import Build, at
from .org import SIRO_TITLE, Org

#: (kind, category, issue, effect, department code or None)
ISSUES = (
    (IssueKind.EXTERNAL, "technological", "Ransomware attacks on UK councils",
     "Offline backups, tested restores and incident playbooks are priorities", None),
    (IssueKind.EXTERNAL, "legal", "Procurement Act 2023 in force",
     "Supplier assurance and processor terms go into every new contract", None),
    (IssueKind.EXTERNAL, "political", "Local government reorganisation proposals",
     "Records and systems may move to a new unitary council", None),
    (IssueKind.INTERNAL, "organisational", "Revenues & Benefits shared with district councils",
     "Data crosses to partner councils: sharing agreements and joint controls", "REV"),
    (IssueKind.INTERNAL, "people", "Vacancies in the IT security team",
     "Monitoring and patching rely on a managed service until posts are filled", "ITS"),
)
CLIMATE = ("Flooding of the river valley reaches the highways depot, which holds a server "
           "room, and summer heat has closed it twice; the data centre is in two regions")
#: (name, kind, department code or None, ((requirement, source, controls), ...))
PARTIES = (
    ("Information Commissioner's Office", "regulator", None, (
        ("Report a personal data breach within 72 hours", "UK GDPR Art. 33",
         ("5.24", "5.26", "6.8")),
        ("Keep records of processing and privacy notices up to date", "UK GDPR Art. 30",
         ("5.34",)))),
    ("Cabinet Office (PSN)", "regulator", None, (
        ("Pass the annual PSN compliance check", "PSN code of connection",
         ("8.8", "8.20")),)),
    ("NHS England", "regulator", "ASC", (
        ("Meet the Data Security and Protection Toolkit standards", "DSPT",
         ("5.31", "6.3")),)),
    ("Residents", "resident", None, (
        ("Personal data kept safe and services available online", "Council plan",
         ("5.34", "8.13")),)),
    ("Elected members", "elected members", None, (
        ("A yearly report on information risk from the SIRO", "Audit committee terms",
         ("5.4",)),)),
)


def build_council_context(build: Build, org: Org) -> int:
    """Write the issues, the climate decision and the parties; the records written."""
    rng = build.rng("context")
    session = build.session
    siro = org.by_title(SIRO_TITLE)
    made = build.days_ago(200)
    stamp = at(made, rng)
    records: list[ContextIssue | InterestedParty] = []
    for number, (kind, category, issue, effect, code) in enumerate(ISSUES, start=1):
        records.append(ContextIssue(
            ref=f"CI-{number:03d}", kind=kind, category=category, issue=issue, effect=effect,
            owner_id=siro, department_id=org.department_id[code] if code else None,
            review_date=build.days_ahead(rng.randrange(60, 300)), justification="",
            created_at=stamp, updated_at=stamp))
    decided = build.days_ago(120)
    records.append(ContextIssue(
        ref=f"CI-{len(ISSUES) + 1:03d}", kind=IssueKind.CLIMATE, category="environmental",
        issue="Climate change", effect="Flood and heat are in the threat catalogue's review",
        owner_id=siro, review_date=build.days_ahead(245), decision=ClimateDecision.RELEVANT,
        justification=CLIMATE, decided_by_id=siro, decided_on=decided,
        created_at=at(decided, rng), updated_at=at(decided, rng)))
    for number, (name, party_kind, code, needs) in enumerate(PARTIES, start=1):
        party = InterestedParty(
            ref=f"IP-{number:03d}", name=name, kind=party_kind, notes="", owner_id=siro,
            department_id=org.department_id[code] if code else None,
            review_date=build.days_ahead(rng.randrange(90, 330)),
            created_at=stamp, updated_at=stamp)
        for text, source, refs in needs:
            party.requirements.append(PartyRequirement(
                text=text, source=source, created_at=stamp, updated_at=stamp,
                controls=[control_by_ref(session, ref) for ref in refs]))
        records.append(party)
    session.add_all(records)
    session.flush()
    return len(records)
