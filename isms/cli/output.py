"""How the command line prints: aligned tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    json.dump(data, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    out: TextIO | None = None,
    max_width: int = 60,
) -> None:
    """Left-aligned columns, each cut at ``max_width`` characters so one long title cannot wreck
    the layout (the JSON output carries the full text)."""
    out = out or sys.stdout
    cells = [[_cell(v) for v in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def print_record(fields: Sequence[tuple[str, Any]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        text = _cell(value) if value not in (None, "") else "-"
        if isinstance(value, list | tuple):
            text = ", ".join(_cell(v) for v in value) or "-"
        out.write(f"{name.rjust(width)}: {text}\n")


@dataclass
class Progress:
    """A one-line progress indicator on stderr, shown only on a terminal and at most 10 times a
    second, so piping the command's output stays clean."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    _last: float = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.stream.isatty():
            return
        if not total:  # an unknown amount of work: the count so far, no percentage
            self.stream.write(f"\r{stage}: {done:,}\033[K" if done else f"\r{stage}\033[K")
            self.stream.flush()
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        pct = f"{100 * done // total:3d}%" if total else ""
        self.stream.write(f"\r{stage}: {done:,}/{total:,} {pct}\033[K")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
