"""The nearest known name to one written in a file, as difflib finds it, without comparing it
with names that cannot be near.

A council file can name 5,000 owners the register does not know, each looked up among hundreds
of people for a "did you mean" and again for a proposal: difflib.get_close_matches compares each
with every name. It skips a name at once when the two lengths alone rule it out (its
``real_quick_ratio``), but only after building a matcher for it; here those names are left out
before difflib sees them, with the same test, so the answer is the same and most of the work is
gone (a job title of 40 letters is never near a person's name of 12).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, possibilities: Iterable[str], n: int = 3,
                  cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches(word, possibilities, n, cutoff)``, the same answer."""
    size = len(word)
    # difflib's real_quick_ratio: 2 * min(la, lb) / (la + lb), an upper bound of the ratio.
    possible = [
        x for x in possibilities
        if (size + len(x) == 0) or 2.0 * min(size, len(x)) / (size + len(x)) >= cutoff
    ]
    if not possible:
        return []
    return difflib.get_close_matches(word, possible, n=n, cutoff=cutoff)
