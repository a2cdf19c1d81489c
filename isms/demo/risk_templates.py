"""The risks a council SMG actually writes down: threat x vulnerability x asset, with the Annex A
controls that treat them and the actions the treatment plan lists."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import AssetType

_KINDS = {
    "i": AssetType.INFORMATION, "s": AssetType.SOFTWARE, "h": AssetType.HARDWARE,
    "v": AssetType.SERVICE, "u": AssetType.SUPPLIER, "t": AssetType.SITE, "p": AssetType.PEOPLE,
}


@dataclass(frozen=True)
class RiskTemplate:
    threat: str
    vulnerability: str
    #: Title with {asset} for the primary asset's name.
    title: str
    affects: str
    #: 2022 Annex A controls that treat the risk (links and SoA "risk assessment" reasons).
    controls: tuple[str, ...]
    #: Treatment actions as (title, control ref); the ref is one of ``controls``.
    actions: tuple[tuple[str, str], ...]
    #: Kinds of asset the risk applies to, as letters (i s h v u t p).
    kinds: str
    personal_only: bool = False

    def fits(self, kind: AssetType, personal: bool) -> bool:
        return _KINDS_BY_TYPE[kind] in self.kinds and (personal or not self.personal_only)


_KINDS_BY_TYPE = {kind: letter for letter, kind in _KINDS.items()}

RISKS: tuple[RiskTemplate, ...] = (
    RiskTemplate(
        "T05", "V01", "Loss of an unencrypted laptop or memory stick holding {asset}", "C",
        ("8.1", "7.10", "8.24", "7.9"),
        (("Enforce full-disk encryption on every laptop", "8.1"),
         ("Replace unencrypted USB sticks with council-issued encrypted ones", "7.10"),
         ("Block writing to unapproved removable media", "8.24")),
        "ih", personal_only=True),
    RiskTemplate(
        "T11", "V13", "{asset} sent to the wrong recipient by e-mail", "C",
        ("5.14", "8.12", "6.3"),
        (("Turn on recipient checking and delay-send in Outlook", "8.12"),
         ("Require secure e-mail for OFFICIAL-SENSITIVE transfers", "5.14"),
         ("Run misdirected-mail awareness sessions for the team", "6.3")),
        "i", personal_only=True),
    RiskTemplate(
        "T08", "V07", "Ransomware makes {asset} unavailable", "IA",
        ("8.7", "8.13", "5.30", "8.8"),
        (("Move backups to immutable storage and test a restore", "8.13"),
         ("Rehearse recovery of the system from backup", "5.30"),
         ("Patch internet-facing systems within 14 days", "8.8")),
        "isv"),
    RiskTemplate(
        "T09", "V06", "Phishing gives an attacker access to {asset}", "CI",
        ("6.3", "8.5", "8.7", "8.23"),
        (("Enforce multi-factor authentication for remote access", "8.5"),
         ("Run quarterly phishing simulations", "6.3"),
         ("Block newly registered domains at the web filter", "8.23")),
        "is"),
    RiskTemplate(
        "T12", "V04", "Staff look at {asset} without a business need", "C",
        ("5.15", "5.18", "8.2", "8.15"),
        (("Review access rights with the information asset owner every quarter", "5.18"),
         ("Audit record access and follow up unexplained views", "8.15"),
         ("Restrict case access to the allocated team", "5.15")),
        "is", personal_only=True),
    RiskTemplate(
        "T14", "V05", "{asset} shared with partners without a data-sharing agreement", "C",
        ("5.14", "5.34", "5.31"),
        (("Put data-sharing agreements in place with every partner", "5.14"),
         ("Complete a data protection impact assessment", "5.34")),
        "i", personal_only=True),
    RiskTemplate(
        "T14", "V09", "Supplier failure or breach affects {asset}", "CIA",
        ("5.19", "5.20", "5.22", "5.23"),
        (("Add security schedule to the contract at renewal", "5.20"),
         ("Obtain the supplier's ISO 27001 certificate and pen test summary", "5.22"),
         ("Agree an exit plan with the supplier", "5.19")),
        "suv"),
    RiskTemplate(
        "T16", "V08", "Hardware failure takes {asset} offline", "A",
        ("8.14", "7.13", "8.13"),
        (("Add a second node so the service survives a hardware fault", "8.14"),
         ("Put the equipment on a maintenance contract", "7.13")),
        "shv"),
    RiskTemplate(
        "T19", "V10", "Paper records from {asset} put out with ordinary waste", "C",
        ("7.14", "8.10", "5.33"),
        (("Provide confidential waste bins on every floor", "7.14"),
         ("Issue the retention and disposal schedule to the team", "5.33")),
        "i", personal_only=True),
    RiskTemplate(
        "T10", "V14", "Leavers keep access to {asset}", "CI",
        ("5.18", "6.5", "5.16"),
        (("Link HR leaver notifications to account disabling", "6.5"),
         ("Reconcile system accounts against the HR establishment monthly", "5.16")),
        "is"),
    RiskTemplate(
        "T13", "V16", "Data entry errors corrupt {asset}", "I",
        ("5.37", "8.32", "6.3"),
        (("Write and publish the data entry procedure", "5.37"),
         ("Add validation rules to the input forms", "8.32")),
        "is"),
    RiskTemplate(
        "T03", "V08", "Power loss at the site interrupts {asset}", "A",
        ("7.11", "5.30", "5.29"),
        (("Test the generator and UPS under load", "7.11"),
         ("Update the business continuity plan for the site", "5.29")),
        "htv"),
    RiskTemplate(
        "T06", "V11", "Unauthorised entry to offices exposes {asset}", "C",
        ("7.1", "7.2", "7.7"),
        (("Fit access control to the team's office door", "7.2"),
         ("Run clear-desk checks every month", "7.7")),
        "ith"),
    RiskTemplate(
        "T07", "V03", "Unpatched software exposes {asset} to malware", "CIA",
        ("8.8", "8.19", "8.9", "8.7"),
        (("Bring the system onto the monthly patch cycle", "8.8"),
         ("Record a secure baseline configuration", "8.9")),
        "shi"),
    RiskTemplate(
        "T18", "V16", "Loss of key staff who know how to run {asset}", "A",
        ("5.37", "6.3", "5.2"),
        (("Document the operating procedures", "5.37"),
         ("Cross-train a second person in the team", "6.3")),
        "psv"),
    RiskTemplate(
        "T21", "V12", "{asset} not classified or marked, so mishandled", "C",
        ("5.12", "5.13", "5.9"),
        (("Classify and mark the records in the asset register", "5.12"),
         ("Add the protective marking to document templates", "5.13")),
        "i"),
    RiskTemplate(
        "T20", "V13", "Interception of {asset} in transit", "C",
        ("8.24", "8.20", "5.14"),
        (("Enforce TLS on all mail routes to partners", "8.24"),
         ("Move transfers onto the partner portal", "5.14")),
        "iv", personal_only=True),
    RiskTemplate(
        "T17", "V08", "Denial of service takes {asset} offline", "A",
        ("8.20", "8.21", "8.6"),
        (("Put the service behind the DDoS protection service", "8.21"),
         ("Agree capacity thresholds and alerts", "8.6")),
        "sv"),
    RiskTemplate(
        "T02", "V07", "Flooding damages the paper files of {asset}", "A",
        ("7.5", "5.33", "8.13"),
        (("Move paper files off the basement floor", "7.5"),
         ("Digitise and back up the records", "8.13")),
        "it"),
)
