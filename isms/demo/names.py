"""Word lists for the demo council: people's names, places, partners.

All invented. E-mail addresses use an example domain so demo data can never reach a real inbox.
"""

from __future__ import annotations

COUNCIL = "Midshire County Council"
EMAIL_DOMAIN = "example-county.gov.uk"
INTRANET = "https://intranet.example-county.gov.uk"

FIRST_NAMES: tuple[str, ...] = (
    "Aisha", "Alan", "Alison", "Amanda", "Amir", "Andrew", "Angela", "Anita", "Ben", "Bethan",
    "Caroline", "Catherine", "Chloe", "Christopher", "Claire", "Daniel", "David", "Deborah",
    "Eleanor", "Emma", "Fiona", "Gareth", "Gemma", "Graham", "Hannah", "Harjit", "Helen", "Ian",
    "Imran", "Jack", "James", "Jane", "Jennifer", "Joanne", "John", "Jonathan", "Julie", "Karen",
    "Kate", "Kwame", "Laura", "Lee", "Lucy", "Mark", "Martin", "Michelle", "Mohammed", "Naomi",
    "Neil", "Nicola", "Oliver", "Patrick", "Paul", "Priya", "Rachel", "Rajesh", "Rebecca",
    "Richard", "Robert", "Ruth", "Sally", "Samantha", "Sarah", "Simon", "Sophie", "Stephen",
    "Stuart", "Susan", "Thomas", "Tom", "Vikram", "Wendy", "Yasmin", "Zoe",
)

SURNAMES: tuple[str, ...] = (
    "Ahmed", "Allen", "Atkinson", "Bailey", "Baker", "Barker", "Begum", "Bennett", "Brown",
    "Carter", "Chapman", "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards", "Ellis",
    "Evans", "Fletcher", "Foster", "Gill", "Graham", "Green", "Griffiths", "Hall", "Harris",
    "Harrison", "Hughes", "Hussain", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur",
    "Kelly", "Khan", "King", "Lewis", "Lloyd", "Marshall", "Martin", "Mason", "Mitchell",
    "Moore", "Morgan", "Morris", "Murphy", "Nowak", "O'Brien", "O'Connor", "Okafor", "Owen",
    "Palmer", "Parker", "Patel", "Phillips", "Price", "Reid", "Richards", "Roberts", "Robinson",
    "Rogers", "Scott", "Shah", "Sharma", "Simpson", "Singh", "Smith", "Stewart", "Taylor",
    "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Wilkinson", "Williams",
    "Wilson", "Wood", "Wright", "Young",
)

#: Where assets live; the first entries are council premises, the rest hosted or off site.
LOCATIONS: tuple[str, ...] = (
    "County Hall, Midtown",
    "Eastbrook Area Office",
    "Northvale Civic Centre",
    "Southmere Hub",
    "Westford Highways Depot",
    "County Records Centre",
    "County Hall data centre",
    "Disaster recovery site (Northvale)",
    "Microsoft 365 (UK South)",
    "Supplier-hosted (UK)",
)

#: Qualifiers that tell repeated assets apart: areas of the county and the district councils.
AREAS: tuple[str, ...] = (
    "North", "South", "East", "West", "Central", "Midtown", "Eastbrook", "Northvale",
    "Southmere", "Westford",
)
VARIANTS: tuple[str, ...] = (
    "current", "archive", "paper records", "2019-2023", "scanned", "legacy system extract",
    "team copy", "quarterly returns", "partner copy", "working files",
)

#: Organisations the council shares information with.
THIRD_PARTIES: tuple[str, ...] = (
    "Midshire Police",
    "NHS Midshire Integrated Care Board",
    "Midshire Community Health Trust",
    "Eastbrook District Council",
    "Northvale District Council",
    "Southmere Borough Council",
    "Department for Education",
    "Department for Work and Pensions",
    "HM Revenues & Customs",
    "Midshire Fire and Rescue Service",
    "Independent fostering agency",
    "Commissioned home care provider",
    "Print and post contractor",
    "Cloud hosting provider",
)
