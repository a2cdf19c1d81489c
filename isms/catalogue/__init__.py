"""Reference catalogues shipped with isms: ISO/IEC 27001 Annex A (2022 and 2013), the official
2013 -> 2022 correspondence, starter threats and vulnerabilities, and classification presets.

Read with importlib.resources so they load from a wheel or a frozen bundle alike.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_NUMBER = re.compile(r"(\d+)")


def natural_key(ref: str) -> str:
    """A string that sorts clause numbers naturally: '8.3' < '8.12', 'A.5.1.2' < 'A.5.1.10'.

    Numbers are zero-padded to 4 digits so the key also sorts correctly in SQL ORDER BY.
    """
    return _NUMBER.sub(lambda m: m.group(1).zfill(4), ref.strip())


@dataclass(frozen=True)
class CatalogueControl:
    ref: str
    title: str
    theme: str = ""


def _rows(name: str) -> list[dict[str, str]]:
    text = (files(__package__) / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def annex_a_2022() -> tuple[CatalogueControl, ...]:
    rows = [
        CatalogueControl(r["ref_id"], r["title"], r["theme"])
        for r in _rows("iso27001_2022_annexA.csv")
    ]
    return tuple(sorted(rows, key=lambda c: natural_key(c.ref)))


@cache
def annex_a_2013() -> tuple[CatalogueControl, ...]:
    rows = [
        CatalogueControl(r["ref_id"], r["title"], _theme_2013(r["ref_id"]))
        for r in _rows("iso27001_2013_annexA.csv")
    ]
    return tuple(sorted(rows, key=lambda c: natural_key(c.ref)))


def _theme_2013(ref: str) -> str:
    return ref.split(".")[0] + "." + ref.split(".")[1]  # "A.9.2.1" -> clause "A.9"


@cache
def correspondence_2013_2022() -> tuple[tuple[str, str], ...]:
    """(2013 ref, 2022 ref) pairs of ISO/IEC 27002:2022 Annex B."""
    return tuple((r["ref_2013"], r["ref_2022"]) for r in _rows("iso27001_2013_to_2022.csv"))


def new_in_2022() -> list[str]:
    mapped = {ref_2022 for _, ref_2022 in correspondence_2013_2022()}
    return [c.ref for c in annex_a_2022() if c.ref not in mapped]


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    category: str
    affects: str = ""


@cache
def threats() -> tuple[CatalogueEntry, ...]:
    return tuple(
        CatalogueEntry(r["code"], r["name"], r["category"], r["affects"])
        for r in _rows("threats.csv")
    )


@cache
def vulnerabilities() -> tuple[CatalogueEntry, ...]:
    return tuple(
        CatalogueEntry(r["code"], r["name"], r["category"]) for r in _rows("vulnerabilities.csv")
    )


#: Protective-marking presets, least to most sensitive.
CLASSIFICATION_PRESETS: dict[str, tuple[str, ...]] = {
    "Government Security Classifications": (
        "OFFICIAL",
        "OFFICIAL-SENSITIVE",
        "SECRET",
        "TOP SECRET",
    ),
    "Government Protective Marking Scheme (2008)": (
        "UNCLASSIFIED",
        "PROTECT",
        "RESTRICTED",
        "CONFIDENTIAL",
        "SECRET",
        "TOP SECRET",
    ),
}
DEFAULT_SCHEME = "Government Security Classifications"
