"""What each department of the demo council holds: the assets its register starts from.

Information assets dominate, as in a real council register; each department also lists the
systems, kit, services, suppliers, sites and people those assets depend on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import AssetType


@dataclass(frozen=True)
class AssetTemplate:
    kind: AssetType
    name: str
    #: Confidentiality, integrity, availability, 1 (low) .. 5 (very high).
    cia: tuple[int, int, int]
    #: Marked at the current scheme's second rank (OFFICIAL-SENSITIVE) rather than the first.
    sensitive: bool = False
    personal: bool = False
    special: bool = False
    retention_months: int = 72


def _t(kind: AssetType, name: str, cia: str, flags: str = "", keep: int = 72) -> AssetTemplate:
    """Compact form: cia "543"; flags p = personal data, s = special category (so also
    personal), k = OFFICIAL-SENSITIVE."""
    c, i, a = (int(ch) for ch in cia)
    special = "s" in flags
    personal = special or "p" in flags
    return AssetTemplate(kind, name, (c, i, a), "k" in flags, personal, special, keep)


def info(name: str, cia: str, flags: str = "", keep: int = 72) -> AssetTemplate:
    return _t(AssetType.INFORMATION, name, cia, flags, keep)


def software(name: str, cia: str, flags: str = "") -> AssetTemplate:
    return _t(AssetType.SOFTWARE, name, cia, flags)


def hardware(name: str, cia: str, flags: str = "") -> AssetTemplate:
    return _t(AssetType.HARDWARE, name, cia, flags)


def service(name: str, cia: str, flags: str = "") -> AssetTemplate:
    return _t(AssetType.SERVICE, name, cia, flags)


def supplier(name: str, cia: str, flags: str = "") -> AssetTemplate:
    return _t(AssetType.SUPPLIER, name, cia, flags)


def site(name: str, cia: str) -> AssetTemplate:
    return _t(AssetType.SITE, name, cia)


def people(name: str, cia: str) -> AssetTemplate:
    return _t(AssetType.PEOPLE, name, cia)


TEMPLATES: dict[str, tuple[AssetTemplate, ...]] = {
    "CHS": (
        info("Looked-after children case files", "544", "sk", 1200),
        info("Child protection plans", "554", "sk", 420),
        info("Early help assessments", "433", "sk", 300),
        info("Youth justice referrals", "543", "sk", 300),
        info("Care leavers' pathway plans", "443", "sk", 900),
        info("Children's home staff rotas", "233", "p", 24),
        info("Court bundles for care proceedings", "553", "sk", 900),
        info("Multi-agency safeguarding hub referrals", "554", "sk", 300),
        software("Children's social care case management system", "555", "sk"),
        hardware("Social worker laptops", "434", "k"),
        service("Out-of-hours emergency duty service", "345"),
        site("Children's residential homes", "334"),
        people("Children's social workers", "344"),
    ),
    "EDU": (
        info("Special educational needs EHC plans", "443", "sk", 420),
        info("School admissions applications", "333", "p", 24),
        info("Free school meals eligibility", "332", "p", 36),
        info("Elective home education register", "433", "pk", 72),
        info("School attendance and exclusions data", "433", "pk", 72),
        software("Education management system", "444", "pk"),
        supplier("Home-to-school transport operators", "323", "p"),
    ),
    "FOS": (
        info("Foster carer assessments", "443", "sk", 420),
        info("Adoption records", "553", "sk", 1200),
        info("Special guardianship support plans", "443", "sk", 300),
        supplier("Independent fostering agency framework", "433", "pk"),
    ),
    "ASC": (
        info("Adult social care assessments", "544", "sk", 96),
        info("Care and support plans", "544", "sk", 96),
        info("Direct payments records", "443", "pk", 72),
        info("Financial assessments for care charges", "443", "pk", 72),
        info("Care provider contracts", "232", "", 84),
        info("Blue badge applications", "332", "sk", 36),
        info("Hospital discharge referrals", "444", "sk", 96),
        software("Adult social care case management system", "555", "sk"),
        software("Care provider payments system", "343", "pk"),
        hardware("Telecare alarm units", "235", "p"),
        supplier("Commissioned home care providers", "434", "sk"),
        people("Occupational therapists", "334"),
    ),
    "SGA": (
        info("Safeguarding adults enquiries", "553", "sk", 120),
        info("Deprivation of Liberty Safeguards authorisations", "553", "sk", 120),
        info("Safeguarding adults board case reviews", "543", "sk", 120),
    ),
    "ENV": (
        info("Highways defect reports", "243", "p", 84),
        info("CCTV footage", "443", "pk", 1),
        info("Street works permits", "233", "", 72),
        info("Public rights of way definitive map", "152", "", 1200),
        info("Winter gritting routes", "145", "", 36),
        info("Flood risk management data", "244", "", 120),
        info("Household waste recycling centre van permits", "332", "p", 24),
        info("Road traffic collision data", "343", "pk", 72),
        software("Highways asset management system", "344"),
        software("Traffic signal control system", "255"),
        hardware("Traffic signal controllers", "155"),
        hardware("ANPR cameras", "344", "pk"),
        site("Highways depot, Westford", "234"),
        supplier("Highways maintenance contractor", "334"),
    ),
    "TSS": (
        info("Trading standards investigation files", "543", "pk", 72),
        info("Scams victims referrals", "433", "sk", 72),
        info("Underage sales test purchase records", "333", "pk", 72),
    ),
    "CCC": (
        info("Customer contact records", "333", "p", 36),
        info("Call recordings", "432", "pk", 12),
        info("Complaints and compliments", "333", "p", 72),
        info("Web form submissions", "333", "p", 24),
        info("Card payment transactions", "454", "pk", 18),
        software("Customer relationship management (CRM) system", "444", "p"),
        software("Telephony and call recording platform", "435", "p"),
        service("Council website", "245"),
        people("Customer service advisers", "335"),
    ),
    "SSP": (
        info("Payroll for partner councils", "454", "pk", 84),
        info("Shared procurement records", "242", "", 84),
        info("Supplier bank details", "453", "pk", 84),
        service("Shared data centre hosting for district councils", "345"),
        supplier("Print and post contractor", "334", "pk"),
    ),
    "REV": (
        info("Council tax payments", "454", "pk", 72),
        info("Business rates accounts", "354", "p", 72),
        info("Housing benefit claims", "443", "sk", 72),
        info("Council tax reduction applications", "443", "pk", 72),
        software("Revenues and benefits system", "455", "pk"),
    ),
    "ITS": (
        info("Active Directory user accounts", "455", "pk", 24),
        info("Firewall and network configurations", "454", "k", 36),
        info("Security event logs", "353", "p", 13),
        info("ICT service desk tickets", "333", "p", 36),
        info("Backup catalogue", "345", "k", 36),
        software("Microsoft 365 tenancy", "455", "pk"),
        software("E-mail and secure e-mail gateway", "455", "p"),
        software("Endpoint protection platform", "354"),
        software("Backup and recovery software", "355"),
        software("IT service management system", "344", "p"),
        hardware("Core network switches", "255"),
        hardware("Data centre servers", "355"),
        hardware("Storage area network", "455"),
        hardware("Perimeter firewalls", "355"),
        hardware("Staff laptops", "434", "k"),
        hardware("Encrypted USB memory sticks", "422", "k"),
        hardware("Staff smartphones", "433"),
        service("Public Services Network connection", "355"),
        service("Internet connectivity", "245"),
        site("County Hall data centre", "355"),
        site("Disaster recovery site", "345"),
        supplier("Cloud hosting provider", "455", "pk"),
        supplier("Managed print service", "323"),
        people("IT infrastructure team", "345"),
    ),
    "FIN": (
        info("Accounts payable invoices", "243", "", 84),
        info("Pension fund member records", "453", "pk", 1200),
        info("Budget monitoring reports", "242", "", 84),
        info("Insurance claims", "433", "sk", 84),
        info("Treasury management records", "353", "k", 84),
        info("Building access control records", "333", "p", 12),
        software("Financial management system (ERP)", "455", "p"),
        software("Purchase card system", "443", "p"),
        site("County Hall, Midtown", "344"),
        supplier("Banking services provider", "454"),
    ),
    "LDS": (
        info("Legal case files", "543", "sk", 180),
        info("Committee reports and minutes", "142", "", 1200),
        info("Registers of births, deaths and marriages", "453", "sk", 1200),
        info("Subject access and FOI requests", "433", "sk", 72),
        info("Councillors' declarations of interests", "242", "p", 72),
        info("Contracts register", "242", "", 84),
        software("Legal case management system", "444", "sk"),
        software("Committee management system", "243"),
        site("County Records Centre", "343"),
    ),
    "HRD": (
        info("Employee personnel files", "443", "sk", 72),
        info("DBS check results", "542", "sk", 6),
        info("Occupational health referrals", "542", "sk", 72),
        info("Recruitment applications", "332", "sk", 12),
        info("Grievance and disciplinary case files", "443", "sk", 72),
        info("Training records", "232", "p", 72),
        software("HR and payroll system", "455", "sk"),
        software("Learning management system", "233", "p"),
        supplier("Occupational health provider", "433", "sk"),
    ),
    "PHL": (
        info("Sexual health service data", "543", "sk", 96),
        info("Substance misuse treatment records", "543", "sk", 96),
        info("Health protection incident data", "443", "sk", 96),
        info("Joint strategic needs assessment datasets", "242", "", 120),
        info("NHS Health Check outcomes", "443", "sk", 96),
        supplier("Commissioned sexual health provider", "443", "sk"),
    ),
}
