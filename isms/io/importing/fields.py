"""What an import can fill in, and the names departments use for each column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import values


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
        ),
        required=True,
        help="What the asset is called.",
    ),
    Field(
        "asset_type",
        "Type",
        ("type", "asset type", "category", "asset category", "class", "asset class", "kind"),
        parse=values.asset_type,
        help="information, software, hardware, service, people...",
        choices=("information", "software", "hardware", "service", "people", "site", "supplier"),
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
    ),
    Field(
        "integrity",
        "Integrity (1-5)",
        ("i", "integrity", "integrity rating", "integrity impact", "i rating"),
        parse=values.rating,
        help="1 (low) to 5 (very high), or low / medium / high.",
        choices=("1", "2", "3", "4", "5"),
    ),
    Field(
        "availability",
        "Availability (1-5)",
        ("a", "avail", "availability", "availability rating", "availability impact", "a rating"),
        parse=values.rating,
        help="1 (low) to 5 (very high), or low / medium / high.",
        choices=("1", "2", "3", "4", "5"),
    ),
    Field(
        "cia",
        "C/I/A in one cell",
        ("cia", "c i a", "cia rating", "cia ratings", "ratings", "cia score", "cia impact"),
        parse=values.cia_fields,
        help="e.g. C=2, I=3, A=3",
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
    ),
    Field(
        "status",
        "Status",
        ("status", "asset status", "state"),
        parse=values.asset_status,
        help="active, pending or retired.",
        choices=("active", "pending", "retired"),
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
    ),
)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {"assets": ASSET_FIELDS}


def field(kind: str, key: str) -> Field:
    for candidate in FIELDS_BY_KIND[kind]:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
