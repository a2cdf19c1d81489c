"""The nearest known name to one written in a file, as difflib finds it, without comparing it
with names that cannot be near.

A council file can name 5,000 owners the register does not know, each looked up among hundreds
of people for a "did you mean" and again for a proposal: difflib.get_close_matches compares each
with every name. It rules a name out at once when the two lengths alone do (its
``real_quick_ratio``), but only after building a matcher for it. :class:`Names` groups the known
names by length once, so that a lookup hands difflib only the names of a length that can be near
(the same test, so the same answer): a job title of 40 letters is never near a name of 12.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable


class Names:
    """Known names, grouped by length for :meth:`close_matches`."""

    def __init__(self, names: Iterable[str]) -> None:
        by_length: defaultdict[int, list[str]] = defaultdict(list)
        for name in names:
            by_length[len(name)].append(name)
        self.by_length = dict(by_length)

    def close_matches(self, word: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """``difflib.get_close_matches(word, names, n, cutoff)``: the same answer (ties are
        ordered by the names themselves, so grouping them does not change it)."""
        size = len(word)
        # difflib's real_quick_ratio, 2 * min(la, lb) / (la + lb): an upper bound of the ratio,
        # so a name failing it is never a match.
        possible = [
            name
            for length, names in self.by_length.items()
            if size + length == 0 or 2.0 * min(size, length) / (size + length) >= cutoff
            for name in names
        ]
        if not possible:
            return []
        return difflib.get_close_matches(word, possible, n=n, cutoff=cutoff)
