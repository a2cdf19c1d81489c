"""Reading the values department spreadsheets really contain.

Each parser takes a raw cell (str, int, float, bool, date, datetime or None) and returns the
register's value, or raises :class:`Problem` with a message in the user's words. Parsers never
guess silently: what they accept is listed here and tested.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from ...model.enums import (
    AssetStatus,
    AssetType,
    HandlingChannel,
    HandlingStage,
    RiskStatus,
    TreatmentOption,
)


class Problem(ValueError):
    """A cell that cannot be taken as it is; ``warning`` ones are taken with a note."""

    def __init__(self, message: str, *, warning: bool = False) -> None:
        super().__init__(message)
        self.warning = warning


def text(raw: Any) -> str | None:
    """Trimmed text; blank -> None. Whole numbers lose Excel's ".0" (ref 42.0 -> "42")."""
    if type(raw) is str:  # the common case first: this runs for every text cell of a file
        value = " ".join(raw.split())  # also folds non-breaking spaces and inner runs
        if value[:1] == "'" and value[1:2] in _TRIGGERS:
            value = value[1:]  # the quote our CSV export puts before formula-like text
        return value or None
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    return text(str(raw))


_TRIGGERS = ("=", "+", "-", "@")


def key(raw: Any) -> str:
    """Comparison form: lower case, words separated by single spaces, punctuation dropped."""
    return _key(str(raw))


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    # Department files repeat the same owners, types and markings on every row: cache.
    folded = text.casefold()
    if not folded.isascii():
        # Letters of every language are kept, without their accents, so that "Vysoká",
        # "vysoka" and "VYSOKÁ" (or Greek "Υψηλή" and "υψηλη") compare equal.
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded)
                         if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


_NOT_WORD = re.compile(r"[\W_]+")


def name_key(raw: Any) -> str:
    """Comparison form of a person's name: like :func:`key`, but the accents stay, so that
    "Sian Evans" is not silently taken for "Siân Evans" (it is offered as a near miss)."""
    return " ".join(_NOT_WORD.sub(" ", str(raw).casefold()).split())


_YES = {
    "yes",
    "y",
    "true",
    "t",
    "1",
    "x",
    "✓",
    "✔",
    "✅",
    "*",
    "ja",
    "oui",
    "si",
    "sí",
    "da",
    "tak",
    "sim",
    "ok",
    "yes personal",
    "present",
    "ano",
    "ναι",
    "ισχύει",
}
_NO = {
    "no",
    "n",
    "false",
    "f",
    "0",
    "-",
    "–",
    "none",
    "nein",
    "non",
    "nee",
    "nie",
    "não",
    "nao",
    "n/a",
    "na",
    "not applicable",
    "ne",
    "όχι",
    "οχι",
    "δεν ισχύει",
    "no aplica",
    "nicht anwendbar",
}


def yes_no(raw: Any) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    value = str(raw).strip().lower()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise Problem(f"'{str(raw).strip()}' is not yes or no")


#: Excel's day 0 in the 1900 date system (it counts the 1900 leap day that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ t].*)?$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{2}|\d{4})$")


def _year(text_year: str) -> int:
    year = int(text_year)
    return year + 2000 if year < 100 else year  # registers hold no 20th-century review dates


def day(raw: Any) -> date | None:
    """A date from a real date cell, an Excel serial number, or UK day-first text."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=int(raw))
        raise Problem(f"{raw} is not a date")
    value = str(raw).strip().lower()
    if not value:
        return None
    try:
        if m := _DMY.match(value):
            return date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _YMD.match(value):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if (m := _WORDS.match(value)) and m.group(2)[:3] in _MONTHS:
            return date(_year(m.group(3)), _MONTHS[m.group(2)[:3]], int(m.group(1)))
    except ValueError:
        raise Problem(f"'{str(raw).strip()}' is not a real date") from None
    raise Problem(f"'{str(raw).strip()}' is not a date (write it as 31/01/2026)")


#: Rating words as departments write them, English first, then the languages council partners
#: and public templates use (Czech, Greek, Spanish, French, German); compared in ``key`` form.
_RATING_WRITTEN: dict[int, tuple[str, ...]] = {
    1: ("velmi nízká", "velmi nízký", "velmi nízké", "zanedbatelná", "πολύ χαμηλή",
        "πολύ χαμηλός", "αμελητέα", "muy baja", "muy bajo", "insignificante", "très faible",
        "négligeable", "sehr niedrig", "sehr gering", "vernachlässigbar"),
    2: ("nízká", "nízký", "nízké", "χαμηλή", "χαμηλός", "χαμηλό", "baja", "bajo", "faible",
        "basse", "bas", "niedrig", "gering"),
    3: ("střední", "μέτρια", "μέτριος", "μέτριο", "μεσαία", "μεσαίος", "media", "medio",
        "moyenne", "moyen", "modérée", "mittel", "mittlere"),
    4: ("vysoká", "vysoký", "vysoké", "υψηλή", "υψηλός", "υψηλό", "alta", "alto", "élevée",
        "élevé", "haute", "forte", "hoch"),
    5: ("velmi vysoká", "velmi vysoký", "velmi vysoké", "kritická", "kritický", "πολύ υψηλή",
        "πολύ υψηλός", "κρίσιμη", "muy alta", "muy alto", "crítica", "crítico", "très élevée",
        "très élevé", "critique", "sehr hoch", "kritisch"),
}
_RATING_WORDS = {
    "negligible": 1,
    "very low": 1,
    "minimal": 1,
    "low": 2,
    "minor": 2,
    "medium": 3,
    "moderate": 3,
    "med": 3,
    "high": 4,
    "major": 4,
    "significant": 4,
    "very high": 5,
    "critical": 5,
    "severe": 5,
    "extreme": 5,
}
_RATING_WORDS.update(
    {_key(word): value for value, words in _RATING_WRITTEN.items() for word in words})
RATING_MIN, RATING_MAX = 1, 5
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def level_point(raw: Any, points: int) -> tuple[int, str] | None:
    """Where a level word ("High", "Υψηλή", "Vysoká", "Very low") falls on a scale of
    ``points`` points, and why, for a person to confirm; None for anything else (a number off
    the scale is an error, never near a word).

    Low / Medium / High are three levels: on a wider scale they take the middle points (Low 2,
    Medium 3, High 4 of five), and the "very" words (and critical, negligible...) the ends."""
    written = str(raw)
    if points < 2 or any(c.isdigit() for c in written):
        return None
    level = _RATING_WORDS.get(key(written))
    if level is None:
        return None
    if level in (1, 5):
        point = 1 if level == 1 else points
        steps = ("Very low 1, Low 2, Medium 3, High 4, Very high 5" if points == 5
                 else f"Very low 1 … Very high {points}")
        return point, f"a 5-level word on a {points}-point scale: {steps}"
    low = 1 + max(0, (points - 3) // 2)
    middle = [min(low + n, points) for n in range(3)]
    return middle[level - 2], (f"a 3-level word on a {points}-point scale: Low {middle[0]}, "
                               f"Medium {middle[1]}, High {middle[2]}")


def rating(raw: Any) -> int | None:
    """A C, I or A rating 1-5, from a number or a word (low = 2, medium = 3, high = 4...)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise Problem(f"{raw} is not a rating")
    if isinstance(raw, int | float):
        if float(raw).is_integer() and RATING_MIN <= raw <= RATING_MAX:
            return int(raw)
        raise Problem(f"{raw} is not a rating from {RATING_MIN} to {RATING_MAX}")
    written = str(raw).strip()
    if _NUMBER.fullmatch(written):
        # As a number, sign and decimals included: the comparison form below drops the "-" of
        # "-1" and would turn it into 1 without a word.
        number = float(written.replace(",", "."))
        if number.is_integer() and RATING_MIN <= number <= RATING_MAX:
            return int(number)
        raise Problem(f"{written} is not a rating from {RATING_MIN} to {RATING_MAX}")
    value = key(raw)
    if not value:
        return None
    if value in _RATING_WORDS:
        return _RATING_WORDS[value]
    raise Problem(f"'{str(raw).strip()}' is not a rating (1-5, or low / medium / high)")


_CIA_PART = re.compile(r"\b([cia])[a-z]*\s*[=:\-]?\s*(\d|very\s+high|very\s+low|[a-z]+)", re.I)


def cia(raw: Any) -> tuple[int | None, int | None, int | None]:
    """ "C=2, I=3, A=3", "C2 I3 A3", "Confidentiality: high; ..." or "2/3/3" in one cell."""
    if raw is None or not str(raw).strip():
        return None, None, None
    value = str(raw).strip()
    parts = re.split(r"\s*[/,;|]\s*|\s+", value)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        c, i, a = (rating(int(p)) for p in parts)
        return c, i, a
    found: dict[str, int | None] = {}
    for letter, word in _CIA_PART.findall(value):
        found[letter.lower()] = rating(word)
    if set(found) != {"c", "i", "a"}:
        raise Problem(f"'{value}' does not give C, I and A (write it as C=2, I=3, A=3)")
    return found["c"], found["i"], found["a"]


def cia_fields(raw: Any) -> dict[str, int | None]:
    """:func:`cia` as the three asset fields it fills."""
    return dict(zip(("confidentiality", "integrity", "availability"), cia(raw), strict=True))


_TYPE_WORDS: dict[str, AssetType] = {}
for _type, _words in {
    AssetType.INFORMATION: (
        "information",
        "info",
        "data",
        "dataset",
        "data set",
        "records",
        "record",
        "document",
        "documents",
        "information asset",
        "paper",
        "paper records",
        "paper record",
        "file share",
        "shared drive",
        "data store",
        "informace", "πληροφορίες", "πληροφορία", "δεδομένα", "información", "datos",
        "données", "informationen", "daten",
    ),
    AssetType.SOFTWARE: (
        "software",
        "application",
        "app",
        "system",
        "it system",
        "database",
        "cloud service",
        "saas",
        "web application",
        "website",
        "platform",
        "databáze", "aplikace", "λογισμικό", "εφαρμογή", "βάση δεδομένων", "aplicación",
        "base de datos", "logiciel", "base de données", "anwendung", "datenbank",
    ),
    AssetType.HARDWARE: (
        "hardware", "device", "equipment", "laptop", "server", "kit", "network device",
        "network equipment", "endpoint", "end user device", "desktop", "workstation", "pc",
        "mobile device", "mobile phone", "phone", "tablet", "printer", "router", "switch",
        "firewall", "storage device", "infrastructure", "it infrastructure", "physical asset",
        "zařízení", "υλικό", "εξοπλισμός", "equipo", "matériel", "équipement", "gerät",
    ),
    AssetType.SERVICE: ("service", "it service", "utility", "cloud", "služba", "υπηρεσία",
                        "servicio", "dienst", "dienstleistung"),
    AssetType.PEOPLE: ("people", "person", "staff", "role", "team", "skills", "zaměstnanci",
                       "προσωπικό", "personal", "personnel"),
    AssetType.SITE: ("site", "building", "premises", "location", "office", "physical",
                     "budova", "εγκαταστάσεις", "κτίριο", "instalaciones", "edificio",
                     "locaux", "bâtiment", "gebäude", "standort"),
    AssetType.SUPPLIER: ("supplier", "vendor", "third party", "contractor", "partner", "provider",
                         "dodavatel", "προμηθευτής", "proveedor", "fournisseur", "lieferant"),
}.items():
    for _word in _words:
        _TYPE_WORDS[_key(_word)] = _type


def asset_type(raw: Any) -> AssetType | None:
    value = key(raw) if raw is not None else ""
    if not value:
        return None
    if value in _TYPE_WORDS:
        return _TYPE_WORDS[value]
    raise Problem(
        f"'{str(raw).strip()}' is not an asset type ({', '.join(t.value for t in AssetType)})"
    )


_STATUS_WORDS = {
    "active": AssetStatus.ACTIVE,
    "live": AssetStatus.ACTIVE,
    "in use": AssetStatus.ACTIVE,
    "current": AssetStatus.ACTIVE,
    "pending": AssetStatus.PENDING_VERIFICATION,
    "pending verification": AssetStatus.PENDING_VERIFICATION,
    "new": AssetStatus.PENDING_VERIFICATION,
    "draft": AssetStatus.PENDING_VERIFICATION,
    "retired": AssetStatus.RETIRED,
    "disposed": AssetStatus.RETIRED,
    "decommissioned": AssetStatus.RETIRED,
    "archived": AssetStatus.RETIRED,
    "closed": AssetStatus.RETIRED,
    # Greek, Czech, Spanish, French, German. A pending word stays pending: only an owner's
    # attestation makes an asset active, never a file.
    **dict.fromkeys(map(_key, (
        "ενεργό", "ενεργή", "ενεργός", "σε χρήση", "aktivní", "aktivni", "v provozu", "activo",
        "activa", "en uso", "actif", "en service", "aktiv", "in betrieb")), AssetStatus.ACTIVE),
    **dict.fromkeys(map(_key, (
        "σε εκκρεμότητα", "εκκρεμεί", "εκκρεμές", "čeká na ověření", "čeká", "k ověření",
        "nové", "pendiente", "pendiente de verificación", "nuevo", "en attente",
        "à vérifier", "nouveau", "ausstehend", "zu prüfen", "neu")),
        AssetStatus.PENDING_VERIFICATION),
    **dict.fromkeys(map(_key, (
        "αποσυρμένο", "αποσυρμένη", "αποσύρθηκε", "καταργημένο", "vyřazeno", "vyřazený",
        "zrušeno", "retirado", "retirada", "dado de baja", "retiré", "retirée", "hors service",
        "ausgemustert", "außer betrieb", "stillgelegt")), AssetStatus.RETIRED),
}


def asset_status(raw: Any) -> AssetStatus | None:
    value = key(raw) if raw is not None else ""
    if not value:
        return None
    if value in _STATUS_WORDS:
        return _STATUS_WORDS[value]
    raise Problem(f"'{str(raw).strip()}' is not a status (active, pending, retired)")


def _lookup(words: dict[str, Any], raw: Any, what: str, allowed: str) -> Any:
    value = key(raw) if raw is not None else ""
    if not value:
        return None
    if value in words:
        return words[value]
    raise Problem(f"'{str(raw).strip()}' is not {what} ({allowed})")


_STAGE_WORDS = {
    **dict.fromkeys(
        (
            "collected",
            "collect",
            "collection",
            "capture",
            "captured",
            "received",
            "obtained",
            "created",
        ),
        "collected",
    ),
    **dict.fromkeys(
        ("stored", "storage", "store", "held", "hold", "processed", "use", "in use"), "stored"
    ),
    **dict.fromkeys(
        ("transferred", "transfer", "sent", "send", "transmitted", "moved", "transit"),
        "transferred",
    ),
    **dict.fromkeys(
        (
            "shared",
            "share",
            "sharing",
            "disclosed",
            "disclosure",
            "shared with third party",
            "third party",
        ),
        "shared",
    ),
    **dict.fromkeys(("retained", "retention", "retain", "archived", "archive", "kept"), "retained"),
    **dict.fromkeys(
        ("disposed", "disposal", "dispose", "destroyed", "destruction", "deleted", "deletion"),
        "disposed",
    ),
}
_CHANNEL_WORDS = {
    **dict.fromkeys(
        ("email", "e mail", "ordinary email", "ordinary e mail", "outlook", "standard email"),
        "e-mail",
    ),
    **dict.fromkeys(
        (
            "secure email",
            "secure e mail",
            "encrypted email",
            "egress",
            "cjsm",
            "gcsx",
            "psn email",
            "nhs mail",
            "nhsmail",
        ),
        "secure e-mail",
    ),
    **dict.fromkeys(
        (
            "portal",
            "web portal",
            "sftp",
            "online",
            "upload",
            "website",
            "web",
            "api",
            "file transfer",
        ),
        "portal",
    ),
    **dict.fromkeys(
        (
            "removable media",
            "usb",
            "usb stick",
            "memory stick",
            "cd",
            "dvd",
            "external drive",
            "external hard drive",
            "laptop",
        ),
        "removable media",
    ),
    **dict.fromkeys(
        ("courier", "tracked post", "special delivery", "recorded delivery", "secure courier"),
        "courier",
    ),
    **dict.fromkeys(("paper", "post", "letter", "hard copy", "printed", "fax"), "paper"),
}


def stage(raw: Any) -> HandlingStage | None:
    found = _lookup(
        _STAGE_WORDS,
        raw,
        "a handling stage",
        "collected, stored, transferred, shared, retained, disposed",
    )
    return HandlingStage(found) if found else None


def channel(raw: Any) -> HandlingChannel | None:
    found = _lookup(
        _CHANNEL_WORDS,
        raw,
        "a channel",
        "e-mail, secure e-mail, portal, removable media, courier, paper",
    )
    return HandlingChannel(found) if found else None


_SAFEGUARD_WORDS = {
    **dict.fromkeys(
        ("encrypted", "encryption", "encrypt", "bitlocker", "password protected"), "encrypted"
    ),
    **dict.fromkeys(
        (
            "access controlled",
            "access control",
            "restricted access",
            "restricted",
            "role based access",
            "need to know",
        ),
        "access-controlled",
    ),
    **dict.fromkeys(("marked", "labelled", "labeled", "protectively marked", "marking"), "marked"),
    **dict.fromkeys(("sealed", "sealed envelope", "tamper evident"), "sealed"),
    **dict.fromkeys(("tracked", "signed for", "recorded", "recorded delivery"), "tracked"),
    **dict.fromkeys(
        (
            "agreement",
            "dsa",
            "isa",
            "data sharing agreement",
            "contract",
            "information sharing agreement",
        ),
        "agreement",
    ),
    **dict.fromkeys(("privacy notice", "fair processing notice"), "privacy-notice"),
    **dict.fromkeys(
        (
            "secure disposal",
            "shredded",
            "shredding",
            "confidential waste",
            "certificate of destruction",
            "wiped",
            "secure deletion",
        ),
        "secure-disposal",
    ),
}


def safeguards(raw: Any) -> list[str] | None:
    """Safeguards in one cell: "Encrypted, sealed envelope and tracked"."""
    if raw is None or not str(raw).strip():
        return None
    parts = re.split(r"\s*(?:[,;/+|\n]|\band\b)\s*", str(raw))
    found: list[str] = []
    unknown: list[str] = []
    for part in parts:
        word = key(part)
        if not word or word in ("none", "no", "n a"):
            continue
        if word in _SAFEGUARD_WORDS:
            if _SAFEGUARD_WORDS[word] not in found:
                found.append(_SAFEGUARD_WORDS[word])
        else:
            unknown.append(part.strip())
    if unknown:
        raise Problem(
            f"{', '.join(repr(u) for u in unknown)} not a safeguard the rules know "
            "(encrypted, marked, sealed, tracked, agreement, secure disposal...)"
        )
    return found


_PERIOD = re.compile(r"^(\d+(?:\.\d+)?)\s*(years?|yrs?|y|months?|mths?|m)?$")


def months(raw: Any) -> int | None:
    """A retention period in months: "6 years", "18 months", or a bare number of years."""
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return int(round(raw * 12))
    value = str(raw).strip().lower()
    if not value:
        return None
    match = _PERIOD.match(value)
    if not match:
        raise Problem(f"'{str(raw).strip()}' is not a period (write e.g. 6 years or 18 months)")
    amount = float(match.group(1))
    unit = match.group(2) or "years"
    return int(round(amount if unit.startswith("m") else amount * 12))


_TREATMENT_WORDS = {
    **dict.fromkeys(("modify", "reduce", "treat", "mitigate", "control", "reduction"), "modify"),
    **dict.fromkeys(("retain", "accept", "tolerate", "acceptance"), "retain"),
    **dict.fromkeys(("avoid", "terminate", "avoidance"), "avoid"),
    **dict.fromkeys(("share", "transfer", "insure", "sharing"), "share"),
    # Czech, Greek, Spanish, French, German
    **dict.fromkeys(map(_key, (
        "snížení", "zmírnění", "redukce", "modifikace", "μείωση", "μετριασμός", "περιορισμός",
        "τροποποίηση", "mitigar", "reducir", "reducción", "mitigación", "modificar", "réduire",
        "réduction", "atténuer", "atténuation", "modifier", "reduzieren", "reduktion",
        "verringern", "mindern", "minderung")), "modify"),
    **dict.fromkeys(map(_key, (
        "akceptace", "přijetí", "akceptovat", "přijmout", "αποδοχή", "διατήρηση", "aceptar",
        "aceptación", "asumir", "retener", "accepter", "acceptation", "conserver", "akzeptieren",
        "akzeptanz", "tragen", "risikoakzeptanz")), "retain"),
    **dict.fromkeys(map(_key, (
        "vyhnutí", "vyhnout se", "αποφυγή", "evitar", "evitación", "éviter", "évitement",
        "vermeiden", "vermeidung")), "avoid"),
    **dict.fromkeys(map(_key, (
        "přenesení", "sdílení", "přenos", "pojištění", "μεταφορά", "διαμοιρασμός",
        "επιμερισμός", "ασφάλιση", "transferir", "transferencia", "compartir", "transférer",
        "transfert", "partager", "partage", "übertragen", "übertragung", "teilen", "verlagern",
        "versichern", "risikotransfer")), "share"),
}


def treatment(raw: Any) -> TreatmentOption | None:
    found = _lookup(_TREATMENT_WORDS, raw, "a treatment option", "modify, retain, avoid, share")
    return TreatmentOption(found) if found else None


_RISK_STATUS_WORDS = {
    **dict.fromkeys(("identified", "new", "open", "draft"), "identified"),
    **dict.fromkeys(("assessed",), "assessed"),
    **dict.fromkeys(("in treatment", "treatment", "treating", "active", "live"), "in treatment"),
    **dict.fromkeys(("accepted", "tolerated"), "accepted"),
    **dict.fromkeys(("closed", "resolved"), "closed"),
    # Czech, Greek, Spanish, French, German
    **dict.fromkeys(map(_key, (
        "identifikováno", "nové", "otevřeno", "otevřené", "εντοπίστηκε", "αναγνωρισμένος",
        "νέος", "ανοιχτός", "ανοικτός", "identificado", "nuevo", "abierto", "identifié",
        "nouveau", "ouvert", "identifiziert", "neu", "offen")), "identified"),
    **dict.fromkeys(map(_key, (
        "vyhodnoceno", "posouzeno", "αξιολογημένος", "αξιολογήθηκε", "εκτιμήθηκε", "evaluado",
        "analizado", "évalué", "analysé", "bewertet", "analysiert")), "assessed"),
    **dict.fromkeys(map(_key, (
        "v řešení", "v ošetření", "υπό αντιμετώπιση", "σε αντιμετώπιση", "en tratamiento",
        "en traitement", "en cours de traitement", "in behandlung", "in bearbeitung")),
        "in treatment"),
    **dict.fromkeys(map(_key, (
        "akceptováno", "přijato", "αποδεκτός", "αποδεκτό", "aceptado", "asumido", "accepté",
        "akzeptiert", "getragen")), "accepted"),
    **dict.fromkeys(map(_key, (
        "uzavřeno", "vyřešeno", "κλειστός", "κλειστό", "έκλεισε", "επιλύθηκε", "cerrado",
        "resuelto", "clos", "clôturé", "fermé", "résolu", "geschlossen", "abgeschlossen",
        "erledigt")), "closed"),
}


def risk_status(raw: Any) -> RiskStatus | None:
    found = _lookup(
        _RISK_STATUS_WORDS,
        raw,
        "a risk status",
        "identified, assessed, in treatment, accepted, closed",
    )
    return RiskStatus(found) if found else None


def affects(raw: Any) -> str | None:
    """Which of C, I, A: "CIA", "C, A", "Confidentiality and availability"."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).upper()
    words = re.findall(r"[A-Z]+", text)
    letters = {
        w[0]
        for w in words
        if w[0] in "CIA" and (len(w) == 1 or w.startswith(("CONF", "INTEG", "AVAIL")))
    }
    if len(words) == 1 and set(words[0]) <= set("CIA"):
        letters = set(words[0])
    if not letters:
        raise Problem(f"'{str(raw).strip()}' does not say C, I or A")
    return "".join(x for x in "CIA" if x in letters)


#: The word tables behind the parsers of fixed vocabularies, in ``key`` form, with what the
#: words are: value mapping proposes the nearest word for a value the parser does not know.
_VOCABULARIES: dict[Any, tuple[dict[str, Any], str]] = {
    asset_type: (_TYPE_WORDS, "asset type"),
    asset_status: (_STATUS_WORDS, "status"),
    stage: ({k: HandlingStage(v) for k, v in _STAGE_WORDS.items()}, "handling stage"),
    channel: ({k: HandlingChannel(v) for k, v in _CHANNEL_WORDS.items()}, "channel"),
    treatment: ({k: TreatmentOption(v) for k, v in _TREATMENT_WORDS.items()}, "treatment"),
    risk_status: ({k: RiskStatus(v) for k, v in _RISK_STATUS_WORDS.items()}, "risk status"),
    yes_no: ({**{_key(w): True for w in _YES}, **{_key(w): False for w in _NO}}, "yes/no"),
    rating: (_RATING_WORDS, "rating"),
}
_VOCABULARIES = {parse: ({k: v for k, v in words.items() if k}, what)
                 for parse, (words, what) in _VOCABULARIES.items()}


def add_vocabulary(parse: Any, words: dict[str, Any], what: str) -> None:
    """Make the words of another module's parser (the SoA's applicability...) known to
    :func:`vocabulary`; ``words`` are keyed in ``key`` form."""
    _VOCABULARIES[parse] = ({_key(w): v for w, v in words.items() if _key(w)}, what)


def vocabulary(parse: Any) -> tuple[dict[str, Any], str] | None:
    """The words ``parse`` knows (``key`` form -> value) and what they are, for a parser of a
    fixed vocabulary; None for any other parser."""
    return _VOCABULARIES.get(parse)
