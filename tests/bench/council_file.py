"""Council-shaped asset registers for the import benchmarks, generated once and cached.

Unlike our own template, a council's information asset register names departments in words
(as people type them: case and spacing vary), names owners by job title (5,000 distinct titles,
none of them a person in the register), writes dates as text in two styles, and may use a
marking scheme other than the register's. ``council_file(rows, scheme)`` writes such a file with
openpyxl (write-only, ~10 s for 100k rows) into the bench cache and returns its path; the same
arguments return the cached file afterwards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

HEADER = ["IAR Ref", "Information Asset", "Asset Type", "Description", "Directorate / Service",
          "Information Asset Owner", "Location", "Protective Marking", "Confidentiality",
          "Integrity", "Availability", "Personal Data", "Review Date"]
#: Column positions the floor reads back (see benchmarks._council_floor).
REF, NAME, TYPE, DESCRIPTION, DEPARTMENT, OWNER, LOCATION = range(7)
CONFIDENTIALITY, INTEGRITY, AVAILABILITY = 8, 9, 10

#: (code, name) of the departments the register holds; the file writes only the names.
DEPARTMENTS: tuple[tuple[str, str], ...] = tuple(
    (f"D{n:02d}", name) for n, name in enumerate((
        "Adult Social Care", "Children's Services", "Education and Skills", "Public Health",
        "Housing Services", "Highways and Transport", "Waste and Recycling", "Planning",
        "Building Control", "Environmental Health", "Trading Standards", "Licensing",
        "Revenues and Benefits", "Council Tax", "Finance", "Human Resources", "Legal Services",
        "Democratic Services", "Electoral Services", "Customer Services", "ICT Services",
        "Libraries", "Leisure and Culture", "Parks and Open Spaces", "Registrars",
        "Coroner's Office", "Economic Development", "Property and Estates", "Procurement",
        "Emergency Planning", "Communications", "Internal Audit",
    ), start=1)
)

_ROLES = ("Head of", "Service Manager,", "Team Leader,", "Senior Officer,", "Principal Officer,",
          "Operations Manager,", "Business Support Manager,", "Records Officer,",
          "Data Lead,", "Assistant Director,")
_AREAS = ("Safeguarding", "Payments", "Admissions", "Commissioning", "Records", "Systems",
          "Contracts", "Complaints", "Enforcement", "Inspections", "Casework", "Assessments",
          "Grants", "Performance", "Quality", "Training", "Lettings", "Repairs", "Permits",
          "Appeals", "Reviews", "Placements", "Transport", "Finance", "Licences")
_PLACES = ("North", "South", "East", "West", "Central", "County Hall", "Riverside", "Eastgate",
           "Westfield", "Midtown", "Harbour", "Old Town", "Hillside", "Parkway", "Northgate",
           "Southmoor", "Brookside", "Castle Ward", "Market Street", "Station Road")
#: 10 roles x 25 areas x 20 places = 5,000 distinct job titles.
OWNERS = tuple(f"{role} {area} ({place})" for place in _PLACES for role in _ROLES
               for area in _AREAS)

_FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Nicola", "Priya", "Tom", "Aisha", "Ewan", "Megan",
          "Rhys", "Sian", "Owen", "Zara")
_LAST = ("Evans", "Jones", "Patel", "Smith", "Khan", "Davies", "Hughes", "Roberts", "Lewis",
         "Price", "Morgan", "Wood", "Hall", "Young", "King", "Scott", "Green", "Baker", "Hill",
         "Ward")
#: The register's staff (300 people by name): none is an owner the file names by job title.
STAFF = tuple(f"{first} {last}" for first in _FIRST for last in _LAST)

_TYPES = ("Database", "Paper Records", "Software", "Hardware", "Information", "Service",
          "database", "Endpoint", "Network Device", "Cloud Service")
_LOCATIONS = ("County Hall, Midtown", "Civic Centre", "Records Store, Unit 4", "Azure UK South",
              "Data Centre A", "Depot, Mill Lane", "SharePoint Online", "Off-site archive")
_RATINGS = ("1", "2", "3", "4", "5", "Low", "Medium", "High", 3, 4)
_PERSONAL = ("Yes", "No", "Y", "N", "yes")
#: The register's own scheme (as written in files: case varies), and two others that must go
#: through value mapping.
MARKINGS: dict[str, tuple[str, ...]] = {
    "official": ("OFFICIAL", "OFFICIAL-SENSITIVE", "Official", "OFFICIAL - SENSITIVE"),
    "gpms": ("PROTECT", "RESTRICTED", "UNCLASSIFIED"),
    "labels": ("Public", "Internal", "Confidential"),
}
_FIRST_REVIEW = date(2025, 1, 6)


def _department_written(k: int) -> str:
    """A department's name as someone typed it: case, spacing and trailing blanks vary."""
    name = DEPARTMENTS[k % len(DEPARTMENTS)][1]
    style = (k // len(DEPARTMENTS)) % 6
    if style == 1:
        return name.lower()
    if style == 2:
        return name.upper()
    if style == 3:
        return name.replace(" ", "  ", 1)
    if style == 4:
        return f" {name} "
    return name


def _review(k: int) -> str:
    """Dates as text, in the two styles councils use: 03/04/2025 and 3 April 2025."""
    day = _FIRST_REVIEW + timedelta(days=(k * 37) % 730)
    if k % 3:
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {day.strftime('%B %Y')}"


def council_rows(rows: int, scheme: str = "official", department: int | None = None
                 ) -> Iterator[list[object]]:
    """The file's data rows; ``department`` (an index into DEPARTMENTS) puts every row in it."""
    markings = MARKINGS[scheme]
    for k in range(rows):
        # Owners repeat down the file, not in row order; each job title is of one department
        # (the same title in two departments would be two people).
        owner_index = (k * 7919) % len(OWNERS)
        owner = OWNERS[owner_index]
        if department is None:
            dept = _department_written(owner_index + len(DEPARTMENTS) * (k % 6))
        else:
            dept = _department_written(department + len(DEPARTMENTS) * (k % 6))
        yield [
            f"IAR-{k + 1:06d}", f"{_AREAS[k % len(_AREAS)]} record set {k + 1}",
            _TYPES[k % len(_TYPES)],
            f"{_AREAS[(k // 7) % len(_AREAS)]} information held for service delivery, "
            f"batch {k % 97}",
            dept, owner, _LOCATIONS[k % len(_LOCATIONS)], markings[k % len(markings)],
            _RATINGS[k % len(_RATINGS)], _RATINGS[(k * 3) % len(_RATINGS)],
            _RATINGS[(k * 7) % len(_RATINGS)], _PERSONAL[k % len(_PERSONAL)], _review(k),
        ]


def cache_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "isms-bench-cache"
    folder.mkdir(exist_ok=True)
    return folder


#: Bump when the rows above change, so a cached file of the old shape is not reused.
VERSION = 2


def council_file(rows: int, scheme: str = "official", department: int | None = None) -> Path:
    """The xlsx file (made once, kept in the bench cache between runs)."""
    one = "" if department is None else f"-dept{department}"
    path = cache_folder() / f"council-v{VERSION}-{scheme}-{rows}{one}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Information Asset Register")
    sheet.append(HEADER)
    for row in council_rows(rows, scheme, department):
        sheet.append(row)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.replace(path)
    return path
