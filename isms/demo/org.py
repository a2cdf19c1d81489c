"""The demo council's departments (a tree) and its people with their ISMS roles.

A few dozen hand-written records, so they go through the ORM and the change log like any edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import AccreditationStatus, Department, Person, Role
from .context import Build, at
from .names import COUNCIL, EMAIL_DOMAIN, FIRST_NAMES, SURNAMES

_A = AccreditationStatus
IAO, RO, SMG, APP, CO, SIRO, ADMIN = (
    Role.INFORMATION_ASSET_OWNER, Role.RISK_OWNER, Role.SMG_MEMBER, Role.APPROVER,
    Role.CONTROL_OWNER, Role.SIRO, Role.ADMINISTRATOR,
)


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    parent: str | None
    in_scope: bool
    status: AccreditationStatus
    #: Relative share of the council's assets.
    weight: float
    description: str = ""


ROOT = "MCC"

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(ROOT, COUNCIL, None, False, _A.IN_PROGRESS, 0.0,
                   "The whole council. Each directorate keeps its own Statement of Applicability."),
    DepartmentSpec("CHS", "Children's Services", ROOT, True, _A.IN_PROGRESS, 10,
                   "Children's social care, early help, youth justice."),
    DepartmentSpec("EDU", "Education & Inclusion", "CHS", True, _A.IN_PROGRESS, 4,
                   "School admissions, special educational needs, inclusion."),
    DepartmentSpec("FOS", "Fostering & Adoption", "CHS", True, _A.IN_PROGRESS, 3,
                   "Recruiting and supporting foster carers; regional adoption agency link."),
    DepartmentSpec("ASC", "Adult Social Care", ROOT, True, _A.IN_PROGRESS, 12,
                   "Assessment, care management and commissioning of care."),
    DepartmentSpec("SGA", "Safeguarding Adults", "ASC", True, _A.IN_PROGRESS, 3,
                   "Safeguarding enquiries and Deprivation of Liberty Safeguards."),
    DepartmentSpec("ENV", "Environment & Highways", ROOT, True, _A.NOT_STARTED, 9,
                   "Highways, traffic, waste disposal, flood risk, rights of way."),
    DepartmentSpec("TSS", "Trading Standards", "ENV", False, _A.NOT_STARTED, 2,
                   "Joins the ISMS scope with its directorate's next phase."),
    DepartmentSpec("CCC", "Customer Contact Centre", ROOT, True, _A.READY_FOR_AUDIT, 5,
                   "Telephone, web and face-to-face contact for all council services."),
    DepartmentSpec("SSP", "Shared Services (with district councils)", ROOT, True,
                   _A.IN_PROGRESS, 6,
                   "Payroll, procurement and revenues shared with the county's district councils."),
    DepartmentSpec("REV", "Revenues & Benefits", "SSP", True, _A.IN_PROGRESS, 5,
                   "Council tax, business rates and housing benefit for the partner districts."),
    DepartmentSpec("ITS", "IT Service", ROOT, True, _A.ACCREDITED, 14,
                   "ISO/IEC 27001 and ISO 20000 certified; hosts systems for every department."),
    DepartmentSpec("FIN", "Finance", ROOT, True, _A.IN_PROGRESS, 7,
                   "Accounting, pensions, insurance, treasury, property and facilities."),
    DepartmentSpec("LDS", "Legal & Democratic Services", ROOT, True, _A.NOT_STARTED, 7,
                   "Legal services, committees, registration service, information governance."),
    DepartmentSpec("HRD", "HR & Organisational Development", ROOT, True, _A.IN_PROGRESS, 6,
                   "Recruitment, employee relations, occupational health, learning."),
    DepartmentSpec("PHL", "Public Health", ROOT, False, _A.NOT_STARTED, 5,
                   "Hosted on NHS systems; joins the ISMS scope next year."),
)

#: (department, job title, roles): the people the register needs, not the whole workforce.
ROSTER: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    (ROOT, "Chief Executive", (APP,)),
    (ROOT, "Director of Corporate Resources and SIRO", (SIRO, APP, RO)),
    (ROOT, "Corporate Risk Manager", (SMG,)),
    ("CHS", "Director of Children's Services", (RO, APP)),
    ("CHS", "Head of Children's Social Care", (IAO, RO)),
    ("CHS", "Head of Early Help and Youth Justice", (IAO, RO)),
    ("CHS", "Children's Services Information Governance Officer", (SMG, CO)),
    ("CHS", "Children's Systems Manager", (CO,)),
    ("CHS", "Senior Social Worker", ()),
    ("CHS", "Business Support Officer", ()),
    ("EDU", "Head of Education & Inclusion", (IAO, RO)),
    ("EDU", "SEND Casework Officer", ()),
    ("EDU", "School Admissions Officer", ()),
    ("FOS", "Fostering & Adoption Service Manager", (IAO, RO)),
    ("FOS", "Supervising Social Worker", ()),
    ("ASC", "Director of Adult Social Care", (RO, APP)),
    ("ASC", "Head of Assessment & Care Management", (IAO, RO)),
    ("ASC", "Head of Commissioning", (IAO, RO)),
    ("ASC", "Adult Social Care Information Governance Lead", (SMG, CO)),
    ("ASC", "Care Finance Team Leader", (IAO,)),
    ("ASC", "Social Care Systems Officer", (CO,)),
    ("ASC", "Senior Occupational Therapist", ()),
    ("SGA", "Safeguarding Adults Manager", (IAO, RO)),
    ("SGA", "Safeguarding Practitioner", ()),
    ("ENV", "Director of Environment & Highways", (RO, APP)),
    ("ENV", "Head of Highways", (IAO, RO)),
    ("ENV", "Head of Transport & Traffic", (IAO, RO)),
    ("ENV", "Highways Information Manager", (SMG, CO)),
    ("ENV", "Traffic Signals Engineer", (CO,)),
    ("ENV", "Waste Contracts Manager", (IAO,)),
    ("ENV", "Highways Inspector", ()),
    ("TSS", "Trading Standards Manager", (IAO, RO)),
    ("TSS", "Trading Standards Officer", ()),
    ("CCC", "Head of Customer Services", (IAO, RO, APP)),
    ("CCC", "Contact Centre Manager", (IAO, RO)),
    ("CCC", "Customer Services Security Champion", (SMG, CO)),
    ("CCC", "Telephony & CRM Analyst", (CO,)),
    ("CCC", "Customer Service Adviser", ()),
    ("CCC", "Customer Service Adviser", ()),
    ("CCC", "Web Content Officer", ()),
    ("SSP", "Head of Shared Services", (IAO, RO, APP)),
    ("SSP", "Shared Services Partnership Manager", (IAO, RO)),
    ("SSP", "Shared Services Information Security Officer", (SMG, CO)),
    ("SSP", "Payroll Manager", (IAO,)),
    ("SSP", "Procurement Officer", ()),
    ("REV", "Revenues & Benefits Manager", (IAO, RO)),
    ("REV", "Benefits Assessor", ()),
    ("REV", "Revenues Officer", ()),
    ("ITS", "Head of IT Service", (IAO, RO, APP)),
    ("ITS", "Information Security Manager", (SMG, CO, ADMIN)),
    ("ITS", "IT Infrastructure Manager", (IAO, RO, CO)),
    ("ITS", "IT Service Continuity Manager", (RO, CO)),
    ("ITS", "Service Desk Manager", (CO,)),
    ("ITS", "Network Engineer", (CO,)),
    ("ITS", "Senior Systems Administrator", (CO,)),
    ("ITS", "Cloud Platform Engineer", (CO,)),
    ("ITS", "Applications Support Analyst", ()),
    ("ITS", "Service Desk Analyst", ()),
    ("FIN", "Director of Finance (Section 151 Officer)", (RO, APP)),
    ("FIN", "Head of Financial Services", (IAO, RO)),
    ("FIN", "Pensions Manager", (IAO, RO)),
    ("FIN", "Finance Systems Manager", (SMG, CO)),
    ("FIN", "Property & Facilities Manager", (CO,)),
    ("FIN", "Accounts Payable Team Leader", ()),
    ("FIN", "Insurance Officer", ()),
    ("LDS", "Director of Law & Governance (Monitoring Officer)", (RO, APP)),
    ("LDS", "Head of Information Governance and SMG Chair", (SMG, APP, CO)),
    ("LDS", "Data Protection Officer", (SMG, CO)),
    ("LDS", "Head of Democratic Services", (IAO, RO)),
    ("LDS", "Superintendent Registrar", (IAO, RO)),
    ("LDS", "Senior Solicitor (Childcare)", (IAO,)),
    ("LDS", "Records Manager", (CO,)),
    ("LDS", "Information Rights Officer", ()),
    ("HRD", "Head of HR & Organisational Development", (IAO, RO, APP)),
    ("HRD", "HR Business Partner", (IAO,)),
    ("HRD", "HR Information & Systems Manager", (SMG, CO)),
    ("HRD", "Learning & Development Manager", (CO,)),
    ("HRD", "Recruitment Officer", ()),
    ("HRD", "Occupational Health Coordinator", ()),
    ("PHL", "Director of Public Health", (RO, APP)),
    ("PHL", "Public Health Consultant", (IAO, RO)),
    ("PHL", "Public Health Intelligence Manager", (IAO, SMG)),
    ("PHL", "Commissioning Officer", ()),
)

#: Job titles of the people with fixed parts to play in reviews and sign-off.
SIRO_TITLE = "Director of Corporate Resources and SIRO"
CHAIR_TITLE = "Head of Information Governance and SMG Chair"
#: A leaver still named as owner of assets: deactivated, never deleted, so history keeps the name.
LEAVER_TITLE = "Waste Contracts Manager"


@dataclass
class Org:
    """Ids of what :func:`build_org` wrote, and who holds which role where."""

    department_id: dict[str, int] = field(default_factory=dict)
    specs: dict[str, DepartmentSpec] = field(default_factory=dict)
    #: (person id, name, department code, job title, roles) in roster order.
    people: list[tuple[int, str, str, str, tuple[Role, ...]]] = field(default_factory=list)

    def in_scope(self) -> list[str]:
        return [code for code, spec in self.specs.items() if spec.in_scope]

    def with_role(self, role: Role, department: str | None = None) -> list[int]:
        """People holding ``role`` in ``department`` or, failing that, in its parent."""
        found = [pid for pid, _, dept, _, roles in self.people
                 if role in roles and (department is None or dept == department)]
        parent = self.specs[department].parent if department else None
        if not found and parent:
            return self.with_role(role, parent)
        return found

    def staff(self, department: str) -> list[int]:
        return [pid for pid, _, dept, _, _ in self.people if dept == department]

    def by_title(self, title: str) -> int:
        return next(pid for pid, _, _, job, _ in self.people if job == title)

    def name_of(self, person_id: int) -> str:
        return next(name for pid, name, *_ in self.people if pid == person_id)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z-]", "", text.lower())


def build_org(build: Build) -> Org:
    rng = build.rng("org")
    created = at(build.days_ago(1000), rng)
    departments: dict[str, Department] = {}
    for spec in DEPARTMENTS:
        departments[spec.code] = Department(
            code=spec.code, name=spec.name, in_scope=spec.in_scope,
            accreditation_status=spec.status, description=spec.description,
            parent=departments[spec.parent] if spec.parent else None,
            created_at=created, updated_at=created,
        )
    build.session.add_all(departments.values())

    people: list[tuple[Person, str, str, tuple[Role, ...]]] = []
    taken: set[str] = set()
    usernames: set[str] = set()
    for code, title, roles in ROSTER:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        while f"{first} {last}" in taken:  # one person per name keeps e-mails unique
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        taken.add(f"{first} {last}")
        username = base = f"{_slug(first)[0]}{_slug(last)}".replace("-", "")
        suffix = 1
        while username in usernames:  # James and John Smith: jsmith, jsmith2
            suffix += 1
            username = f"{base}{suffix}"
        usernames.add(username)
        joined = at(build.days_ago(rng.randrange(200, 1000)), rng)
        person = Person(
            name=f"{first} {last}", job_title=title, department=departments[code],
            email=f"{_slug(first)}.{_slug(last)}@{EMAIL_DOMAIN}", username=username,
            active=title != LEAVER_TITLE, created_at=joined, updated_at=joined,
        )
        for role in roles:
            person.add_role(role)
        people.append((person, code, title, roles))
    build.session.add_all(p for p, *_ in people)
    build.session.flush()

    org = Org()
    for spec in DEPARTMENTS:
        org.department_id[spec.code] = departments[spec.code].id
        org.specs[spec.code] = spec
    org.people = [(p.id, p.name, code, title, roles) for p, code, title, roles in people]
    build.counts["departments"] = len(departments)
    build.counts["people"] = len(people)
    build.report("people", len(people), len(people))
    return org
