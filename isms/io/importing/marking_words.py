"""What a marking written in another scheme most likely is in the register's scheme, and why.

These are proposals for a person to confirm, never translations made silently: a department's
PROTECT or "Confidential" says how its author judged the data, and only someone who knows the
data can say which of today's markings fits. The importer names the proposal in its message;
the register keeps a confirmed label as a local label of the marking it stands for
(``isms markings add LABEL --as MARKING``), so the asset keeps the word as written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .values import key

_GUIDANCE = "the Government Security Classifications transition guidance (2014)"
_LABELS = "common organisational labels"


@dataclass(frozen=True)
class MarkingProposal:
    target: str  # a marking of the register's scheme
    why: str  # where the proposal comes from, in a few words

    def hint(self, written: str) -> str:
        return (f"by {self.why}, '{written}' is most likely {self.target}: if so, "
                f"`isms markings add \"{written}\" --as {self.target}` makes it a local label "
                "of that marking")


#: written marking (``key`` form) -> (proposed marking, where the proposal comes from).
_PROPOSALS: dict[str, tuple[str, str]] = {
    # The 2008 Government Protective Marking Scheme into the Government Security Classifications.
    "unclassified": ("OFFICIAL", _GUIDANCE),
    "not protectively marked": ("OFFICIAL", _GUIDANCE),
    "npm": ("OFFICIAL", _GUIDANCE),
    "protect": ("OFFICIAL", _GUIDANCE + " (OFFICIAL-SENSITIVE where extra care is needed)"),
    "restricted": ("OFFICIAL", _GUIDANCE + " (OFFICIAL-SENSITIVE where extra care is needed)"),
    "confidential": ("OFFICIAL-SENSITIVE", _GUIDANCE + " and " + _LABELS),
    # Organisational labels of public and private registers.
    "public": ("OFFICIAL", _LABELS + " (public information is OFFICIAL, unmarked)"),
    "internal": ("OFFICIAL", _LABELS),
    "internal use only": ("OFFICIAL", _LABELS),
    "sensitive": ("OFFICIAL-SENSITIVE", _LABELS),
    "highly confidential": ("OFFICIAL-SENSITIVE", _LABELS + " (SECRET only for national "
                            "security material)"),
    "strictly confidential": ("OFFICIAL-SENSITIVE", _LABELS),
    # And back, for a register still on the 2008 scheme.
    "official": ("PROTECT", _GUIDANCE + " read backwards (UNCLASSIFIED for public material)"),
    "official sensitive": ("RESTRICTED", _GUIDANCE + " read backwards"),
}


#: The 2008 markings that took a descriptor ("PROTECT - PERSONAL", "RESTRICTED (STAFF)").
_DESCRIBED = ("protect", "restricted", "confidential")
#: What a descriptor said about the data (``key`` form); any other is named as written.
_DESCRIPTORS = {
    "personal": "personal data",
    "staff": "staff (personnel) information",
    "management": "management information",
    "commercial": "commercially sensitive information",
    "medical": "medical information",
    "appointments": "information on appointments",
    "contracts": "contract information",
    "investigation": "investigation information",
    "policy": "policy in development",
    "locsen": "locally sensitive information",
}
_SENSITIVE = "OFFICIAL-SENSITIVE"


def marking_proposal(written: object, markings: list[str]) -> MarkingProposal | None:
    """The marking of ``markings`` (the register's scheme) that ``written`` most likely is,
    with where that comes from; None when there is no known proposal into this scheme."""
    found = _PROPOSALS.get(key(written))
    if found is None:
        return _described(written, markings)
    target, why = found
    return MarkingProposal(target, why) if target in markings else None


def _described(written: object, markings: list[str]) -> MarkingProposal | None:
    """A 2008 marking with a descriptor: proposed from its base marking, naming the
    descriptor. A descriptor marked data needing extra care, which today is
    OFFICIAL-SENSITIVE: likely, and a person confirms."""
    words = key(written).split()
    if len(words) < 2 or words[0] not in _DESCRIBED:
        return None
    base, descriptor = words[0], " ".join(words[1:])
    said = _DESCRIPTORS.get(descriptor, f"the descriptor {descriptor.upper()}")
    labels = {key(m): m for m in markings}
    if base in labels:  # a register still on the 2008 scheme: the marking without descriptor
        return MarkingProposal(labels[base], f"its base marking {labels[base]} "
                               f"(the descriptor {descriptor.upper()}: {said})")
    if _SENSITIVE not in markings:
        found = marking_proposal(base, markings)
        return (MarkingProposal(found.target, f"{found.why}, from {base.upper()} with the "
                                f"descriptor {descriptor.upper()}") if found else None)
    return MarkingProposal(_SENSITIVE, (
        f"{_GUIDANCE}, from {base.upper()} with the descriptor {descriptor.upper()}: {said} "
        f"needing extra care, so {_SENSITIVE} is likely (a person confirms)"))


def nearest_marking(written: object, markings: list[str]) -> MarkingProposal | None:
    """For a misspelt marking ("Confidental", "OFFICAL"): the marking of ``markings`` it is
    nearest to, directly or through a word of another scheme; None when nothing is near."""
    wanted = key(written)
    labels = {key(m): m for m in markings}
    near = difflib.get_close_matches(wanted, [*labels, *_PROPOSALS], n=1, cutoff=0.85)
    if not near:
        return None
    if near[0] in labels:
        return MarkingProposal(labels[near[0]], f"the nearest marking, {labels[near[0]]}")
    target, why = _PROPOSALS[near[0]]
    if target not in markings:
        return None
    return MarkingProposal(target, f"the nearest known word, '{near[0]}', and {why}")
