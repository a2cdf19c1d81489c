"""What an import can fill in, and the names departments use for each column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import values
from .header_words import ASSET_HEADINGS, RISK_HEADINGS
from .people_fields import PEOPLE_SPECS


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    #: Header texts (compared in ``values.key`` form) that mean this field.
    synonyms: tuple[str, ...]
    parse: Callable[[Any], Any] = values.text
    required: bool = False
    #: Shown in the template's help row.
    help: str = ""
    #: Allowed values for the template's drop-down list (empty: free text).
    choices: tuple[str, ...] = ()
    #: Few distinct values repeated down the file (owners, markings, ratings): the importer
    #: parses each distinct value once. Free text (names, descriptions) is not worth caching.
    repeats: bool = False
    #: Headers that look like this field by a word they share but name something else
    #: ("Full Name" is a person's, not the asset's): never proposed for it.
    not_for: tuple[str, ...] = ()


def _yes_no_choices() -> tuple[str, ...]:
    return ("Yes", "No")


ASSET_FIELDS: tuple[Field, ...] = (
    Field(
        "ref",
        "Asset reference",
        (
            "asset ref",
            "asset reference",
            "reference",
            "ref",
            "ref no",
            "asset id",
            "id",
            "asset no",
            "asset number",
            "iar ref",
            "iar reference",
            "asset code",
            "asset tag",
        ),
        help="Unique, e.g. ENV-0042. Blank: matched by name and department, else numbered.",
    ),
    Field(
        "name",
        "Asset name",
        (
            "asset",
            "asset name",
            "name",
            "information asset",
            "information asset name",
            "title",
            "asset title",
            "name of asset",
            "asset description short",
            "item",
            "item name",
            "device name",
            "system name",
            "hostname",
        ),
        required=True,
        help="What the asset is called.",
        # People's names in inventories that list who uses or looks after each item.
        not_for=("full name", "first name", "last name", "surname", "given name", "user name",
                 "username", "contact name", "owner name", "employee name", "staff name",
                 "person name", "display name"),
    ),
    Field(
        "asset_type",
        "Type",
        ("type", "asset type", "category", "asset category", "class", "asset class", "kind"),
        parse=values.asset_type,
        help="information, software, hardware, service, people...",
        choices=("information", "software", "hardware", "service", "people", "site", "supplier"),
        repeats=True,
    ),
    Field(
        "description",
        "Description",
        (
            "description",
            "details",
            "purpose",
            "asset description",
            "what it is",
            "description of asset",
            "summary",
        ),
        help="What it holds or does, and why.",
    ),
    Field(
        "department",
        "Department",
        (
            "department",
            "dept",
            "directorate",
            "service area",
            "business unit",
            "division",
            "department name",
            "owning department",
        ),
        help="Code or name of a department in the register.",
        repeats=True,
    ),
    Field(
        "owner",
        "Information asset owner",
        (
            "owner",
            "asset owner",
            "iao",
            "information asset owner",
            "responsible officer",
            "owner name",
            "iao name",
            "accountable officer",
            "business owner",
        ),
        help="Name or e-mail of a person in the register.",
        repeats=True,
    ),
    Field(
        "custodian",
        "Custodian",
        (
            "custodian",
            "iaa",
            "information asset administrator",
            "administrator",
            "asset administrator",
            "data custodian",
            "steward",
            "data steward",
        ),
        help="Name or e-mail of a person in the register.",
        repeats=True,
    ),
    Field(
        "location",
        "Location",
        (
            "location",
            "where held",
            "storage location",
            "held in",
            "where stored",
            "stored in",
            "storage",
            "site",
        ),
        help="Where it is held.",
        repeats=True,
    ),
    Field(
        "marking",
        "Protective marking",
        (
            "classification",
            "protective marking",
            "marking",
            "gpms",
            "gsc",
            "security classification",
            "sensitivity",
            "classification level",
            "government security classification",
            "security marking",
            "protective marking gpms",
        ),
        help="A marking of the register's scheme, e.g. OFFICIAL-SENSITIVE.",
        repeats=True,
    ),
    Field(
        "confidentiality",
        "Confidentiality (1-5)",
        (
            "c",
            "conf",
            "confidentiality",
            "confidentiality rating",
            "confidentiality impact",
            "c rating",
        ),
        parse=values.rating,
        help="1 (low) to 5 (very high), or low / medium / high.",
        choices=("1", "2", "3", "4", "5"),
        repeats=True,
    ),
    Field(
        "integrity",
        "Integrity (1-5)",
        ("i", "integrity", "integrity rating", "integrity impact", "i rating"),
        parse=values.rating,
        help="1 (low) to 5 (very high), or low / medium / high.",
        choices=("1", "2", "3", "4", "5"),
        repeats=True,
    ),
    Field(
        "availability",
        "Availability (1-5)",
        ("a", "avail", "availability", "availability rating", "availability impact", "a rating"),
        parse=values.rating,
        help="1 (low) to 5 (very high), or low / medium / high.",
        choices=("1", "2", "3", "4", "5"),
        repeats=True,
    ),
    Field(
        "cia",
        "C/I/A in one cell",
        ("cia", "c i a", "cia rating", "cia ratings", "ratings", "cia score", "cia impact"),
        parse=values.cia_fields,
        help="e.g. C=2, I=3, A=3",
        repeats=True,
    ),
    Field(
        "personal_data",
        "Personal data?",
        (
            "personal data",
            "personal",
            "contains personal data",
            "pii",
            "personal information",
            "gdpr",
            "personal data y n",
            "includes personal data",
            "personal data held",
        ),
        parse=values.yes_no,
        help="Yes or No.",
        choices=_yes_no_choices(),
        repeats=True,
    ),
    Field(
        "special_category",
        "Special-category data?",
        (
            "special category",
            "special category data",
            "sensitive personal data",
            "special",
            "special category personal data",
            "scd",
        ),
        parse=values.yes_no,
        help="Yes or No (health, ethnicity, religion...).",
        choices=_yes_no_choices(),
        repeats=True,
    ),
    Field(
        "status",
        "Status",
        ("status", "asset status", "state"),
        parse=values.asset_status,
        help="active, pending or retired.",
        choices=("active", "pending", "retired"),
        repeats=True,
    ),
    Field(
        "next_review",
        "Next review",
        (
            "review date",
            "next review",
            "next review date",
            "review due",
            "due for review",
            "date of next review",
        ),
        parse=values.day,
        help="A date, e.g. 31/01/2027.",
        repeats=True,  # a register's review dates fall on a few hundred days: parsed once each
    ),
)

HANDLING_FIELDS: tuple[Field, ...] = (
    Field(
        "asset",
        "Asset reference",
        ("asset ref", "asset reference", "asset", "asset id", "ref", "asset no", "iar ref"),
        required=True,
        help="The reference of an asset in the register.",
    ),
    Field(
        "stage",
        "Stage",
        (
            "stage",
            "lifecycle stage",
            "life cycle stage",
            "activity",
            "process",
            "step",
            "handling stage",
        ),
        parse=values.stage,
        required=True,
        help="collected, stored, transferred, shared, retained or disposed.",
        choices=("collected", "stored", "transferred", "shared", "retained", "disposed"),
        repeats=True,
    ),
    Field(
        "channel",
        "Channel",
        (
            "channel",
            "method",
            "transfer method",
            "how",
            "medium",
            "means",
            "how sent",
            "transfer channel",
        ),
        parse=values.channel,
        help="e-mail, secure e-mail, portal, removable media...",
        choices=("e-mail", "secure e-mail", "portal", "removable media", "courier", "paper"),
        repeats=True,
    ),
    Field(
        "safeguards",
        "Safeguards",
        (
            "safeguards",
            "controls",
            "protection",
            "security measures",
            "measures",
            "safeguards in place",
            "protective measures",
        ),
        parse=values.safeguards,
        help="e.g. encrypted, sealed envelope and tracked.",
        repeats=True,
    ),
    Field(
        "description",
        "Description",
        ("description", "details", "notes", "comments"),
        help="What happens at this stage.",
    ),
    Field(
        "third_party",
        "Third party",
        (
            "third party",
            "recipient",
            "shared with",
            "partner",
            "organisation",
            "receiving organisation",
            "sent to",
        ),
        help="Who receives it, when shared.",
    ),
    Field(
        "has_agreement",
        "Agreement in place?",
        (
            "agreement",
            "data sharing agreement",
            "dsa",
            "isa",
            "information sharing agreement",
            "agreement in place",
            "dsa in place",
            "sharing agreement",
        ),
        parse=values.yes_no,
        help="Yes or No.",
        choices=("Yes", "No"),
        repeats=True,
    ),
    Field(
        "retention_months",
        "Retention",
        ("retention", "retention period", "kept for", "retain for", "retention schedule"),
        parse=values.months,
        help="e.g. 6 years or 18 months.",
        repeats=True,
    ),
    Field(
        "offshore",
        "Held outside the UK?",
        (
            "offshore",
            "outside uk",
            "overseas",
            "international transfer",
            "stored outside the uk",
            "outside the uk",
            "outside eea",
        ),
        parse=values.yes_no,
        help="Yes or No.",
        choices=("Yes", "No"),
        repeats=True,
    ),
)


def _scores(
    stage: str, synonyms_l: tuple[str, ...], synonyms_i: tuple[str, ...]
) -> tuple[Field, Field]:
    return (
        Field(
            f"{stage}_likelihood",
            f"{stage.capitalize()} likelihood",
            synonyms_l,
            help="A point of the register's likelihood scale: number or label.",
        ),
        Field(
            f"{stage}_impact",
            f"{stage.capitalize()} impact",
            synonyms_i,
            help="A point of the register's impact scale: number or label.",
        ),
    )


RISK_FIELDS: tuple[Field, ...] = (
    Field(
        "ref",
        "Risk reference",
        (
            "risk ref",
            "risk id",
            "ref",
            "reference",
            "risk no",
            "risk number",
            "id",
            "risk reference",
        ),
    ),
    Field(
        "title",
        "Risk",
        ("risk", "risk title", "title", "risk name", "summary", "risk summary", "short title"),
        required=True,
    ),
    Field(
        "description",
        "Description",
        (
            "description",
            "risk description",
            "details",
            "cause and effect",
            "cause",
            "event",
            "risk detail",
        ),
    ),
    Field(
        "department",
        "Department",
        ("department", "dept", "directorate", "service area", "business unit"),
        repeats=True,
    ),
    Field(
        "owner",
        "Risk owner",
        ("risk owner", "owner", "owner name", "responsible officer"),
        repeats=True,
    ),
    Field(
        "assets",
        "Assets",
        (
            "assets",
            "asset",
            "affected assets",
            "asset refs",
            "related assets",
            "asset ref",
            "assets affected",
        ),
    ),
    Field("threat", "Threat", ("threat", "threat source", "threat type"), repeats=True),
    Field(
        "vulnerability",
        "Vulnerability",
        ("vulnerability", "weakness", "vulnerabilities"),
        repeats=True,
    ),
    Field(
        "affects",
        "C/I/A affected",
        ("cia", "affects", "impact type", "c i a", "cia affected", "security property"),
        parse=values.affects,
        repeats=True,
    ),
    *_scores(
        "inherent",
        (
            "inherent likelihood",
            "likelihood",
            "gross likelihood",
            "raw likelihood",
            "probability",
            "inherent probability",
            "l",
        ),
        (
            "inherent impact",
            "impact",
            "gross impact",
            "raw impact",
            "severity",
            "consequence",
            "inherent severity",
        ),
    ),
    Field(
        "existing_controls",
        "Existing controls",
        (
            "existing controls",
            "current controls",
            "controls in place",
            "mitigations",
            "existing mitigations",
        ),
    ),
    *_scores(
        "current",
        ("current likelihood", "current probability"),
        ("current impact", "current severity"),
    ),
    Field(
        "treatment_option",
        "Treatment",
        ("treatment", "treatment option", "response", "risk response", "action type"),
        parse=values.treatment,
        choices=("modify", "retain", "avoid", "share"),
        repeats=True,
    ),
    *_scores(
        "residual",
        ("residual likelihood", "net likelihood", "target likelihood", "residual probability"),
        ("residual impact", "net impact", "target impact", "residual severity"),
    ),
    Field(
        "status",
        "Status",
        ("status", "risk status", "state"),
        parse=values.risk_status,
        repeats=True,
    ),
    Field(
        "next_review",
        "Next review",
        ("review date", "next review", "next review date", "review due"),
        parse=values.day,
    ),
)

def _with_headings(
    fields: tuple[Field, ...], headings: dict[str, tuple[str, ...]]
) -> tuple[Field, ...]:
    """The fields with their headings in other languages added to their synonyms."""
    return tuple(replace(f, synonyms=f.synonyms + headings.get(f.key, ())) for f in fields)


ASSET_FIELDS = _with_headings(ASSET_FIELDS, ASSET_HEADINGS)
RISK_FIELDS = _with_headings(RISK_FIELDS, RISK_HEADINGS)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    "assets": ASSET_FIELDS,
    "handling": HANDLING_FIELDS,
    "risks": RISK_FIELDS,
    "people": tuple(Field(**spec) for spec in PEOPLE_SPECS),
}


def help_text(f: Field) -> str:
    """The text of the template's help row for this field."""
    return f"{'Required. ' if f.required else ''}{f.help}".strip()


def field(kind: str, key: str) -> Field:
    for candidate in FIELDS_BY_KIND[kind]:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


#: Headings of an IT inventory export (Intune, SCCM, a CMDB): the rows are devices.
_DEVICE_HEADINGS = frozenset({
    "serial number", "serial no", "serial", "serialnumber", "manufacturer", "make", "model",
    "hostname", "host name", "device name", "computer name", "os", "operating system",
    "os version", "imei", "mac address", "primary user upn", "primary user",
})


def device_headings(names: list[str]) -> list[str]:
    """The headings, as written, that say the file is a device inventory (two at least of
    serial number, manufacturer, model, hostname, OS...); [] for any other file."""
    found = [n for n in names if values.key(n) in _DEVICE_HEADINGS]
    return found if len(found) >= 2 else []
