"""Proposing which column holds which field, from header names and their synonyms."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from . import values
from .fields import Field

#: column index (0 = column A) -> field key
Mapping = dict[int, str]


def vocabulary(fields: Sequence[Field]) -> set[str]:
    return {values.key(s) for f in fields for s in f.synonyms} | {
        values.key(f.label) for f in fields
    }


def _match(name: str, fields: Sequence[Field]) -> tuple[int, str] | None:
    """(strength, field key) for one header name, or None. Stronger: the whole name is a
    synonym (3); a trailing part is, as in "Ratings C" (2); a synonym appears inside the name,
    as in "Information Asset Owner (IAO)" (1, longest synonym wins)."""
    normal = values.key(name)
    if not normal:
        return None
    words = normal.split()
    best: tuple[int, int, str] | None = None
    for f in fields:
        if normal in {values.key(s) for s in f.not_for}:
            continue
        names = {values.key(s) for s in f.synonyms} | {values.key(f.label), f.key.replace("_", " ")}
        if normal in names:
            return 3, f.key
        for start in range(1, len(words)):
            if " ".join(words[start:]) in names:
                candidate = (2, -start, f.key)
                best = max(best, candidate) if best else candidate
        for synonym in names:
            # Single letters (c, i, a) only count as whole names or trailing parts.
            if len(synonym) > 2 and f" {synonym} " in f" {normal} ":
                candidate = (1, len(synonym), f.key)
                best = max(best, candidate) if best else candidate
    return (best[0], best[2]) if best else None


def propose(names: Sequence[str], fields: Sequence[Field]) -> Mapping:
    """The best column for each field; a field is given to one column only (the strongest
    match, then the leftmost)."""
    scored = []
    for index, name in enumerate(names):
        found = _match(name, fields)
        if found:
            scored.append((found[0], -index, index, found[1]))
    mapping: Mapping = {}
    taken: set[str] = set()
    for _strength, _order, index, key in sorted(scored, reverse=True):
        if key not in taken:
            mapping[index] = key
            taken.add(key)
    return dict(sorted(mapping.items()))


def signature(names: Sequence[str]) -> str:
    """Identifies a header layout, so a saved mapping is reused when the same file comes back."""
    joined = "|".join(values.key(n) for n in names)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


#: How a column with no header text is stored in a saved mapping: by its letter.
_BY_LETTER = "#"


def by_name(mapping: Mapping, names: Sequence[str]) -> dict[str, str]:
    """A mapping stored by header name, so it survives columns moving about; a column without
    a header is stored by its letter ("#C") instead of being dropped."""
    stored = {}
    for i, key in mapping.items():
        name = names[i] if i < len(names) else ""
        stored[name if name else f"{_BY_LETTER}{column_letter(i)}"] = key
    return stored


def from_names(stored: dict[str, str], names: Sequence[str]) -> Mapping:
    wanted = {values.key(n): key for n, key in stored.items() if not n.startswith(_BY_LETTER)}
    mapping = {i: wanted[values.key(n)] for i, n in enumerate(names) if values.key(n) in wanted}
    for name, key in stored.items():
        if name.startswith(_BY_LETTER):
            index = column_index(name[len(_BY_LETTER) :])
            if (index >= len(names) or not names[index]) and key not in mapping.values():
                mapping[index] = key
    return dict(sorted(mapping.items()))


def column_index(letters: str) -> int:
    """ "A" -> 0, "AA" -> 26: the inverse of :func:`column_letter`."""
    index = 0
    for ch in letters.strip().upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"'{letters}' is not a column letter")
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names the column in messages."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
