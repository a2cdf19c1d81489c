"""What a write changed: the kinds of record (by table) and their ids.

Services that write return one, so a caller refreshes only what shows those records (the window
repaints the Risks page after a risk save, not every page; cf. Anki's ``OpChanges``). A write whose
reach is too wide to list (an import, a new risk method) says ``everything``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def table_of(kind: type[Any] | str) -> str:
    """The table a mapped class (``Risk``) or a table name (``"risk"``) stands for."""
    return kind if isinstance(kind, str) else str(kind.__tablename__)


@dataclass(frozen=True)
class Changed:
    """Record kinds (table names) a write changed, with the ids where they are known."""

    ids: Mapping[str, frozenset[int]] = field(default_factory=dict)
    everything: bool = False

    @classmethod
    def of(cls, kind: type[Any] | str, ids: Iterable[int] = ()) -> Changed:
        """``Changed.of(Risk, [3])``: risk 3 changed."""
        return cls({table_of(kind): frozenset(ids)})

    @classmethod
    def all(cls) -> Changed:
        return cls(everything=True)

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.ids)

    def __bool__(self) -> bool:
        return self.everything or bool(self.ids)

    def __or__(self, other: Changed) -> Changed:
        merged = dict(self.ids)
        for table, ids in other.ids.items():
            merged[table] = merged.get(table, frozenset()) | ids
        return Changed(merged, self.everything or other.everything)

    def touches(self, *kinds: type[Any] | str) -> bool:
        """True when any of these kinds of record may have changed."""
        return self.everything or any(table_of(kind) in self.ids for kind in kinds)


NOTHING = Changed()
