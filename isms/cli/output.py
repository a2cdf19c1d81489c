"""How the command line prints: aligned tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

#: Characters a terminal acts on rather than shows: C0 controls (ESC starts colour, title and
#: clipboard sequences; CR rewrites the line; BEL rings), DEL, the C1 controls (0x9b is a one-byte
#: ESC [), the Unicode line and paragraph separators, and the bidirectional overrides that make
#: text read differently from what it holds. Register text (names, titles, notes) is data: these
#: are shown as visible escapes (``\x1b``) instead.
_OTHER_CONTROLS = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_IN_CELL = re.compile(rf"[\x00-\x1f{_OTHER_CONTROLS}]")
_IN_LINE = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHER_CONTROLS}]")  # tab and newline kept


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    r"""``text`` with every control character shown as an escape (ESC as ``\x1b``), so that what
    the register holds is printed, never acted on by the terminal. With ``lines`` (whole
    messages), tab and newline are kept; in a table cell they are escaped too. Applying it twice
    gives the same text."""
    return (_IN_LINE if lines else _IN_CELL).sub(_escape, text)


class _VisibleStream:
    """A text stream that writes through ``visible``: a command's one-line messages ("Added
    HSG-0001: <name>"), errors and tables all show control characters as escapes."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(visible(text, lines=True))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding... of the real stream
        return getattr(self.raw, name)


@contextmanager
def printed_as_data() -> Iterator[None]:
    """While a command runs, what it writes to stdout and stderr never carries a control
    character a terminal would act on (see ``visible``)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, _VisibleStream(sys.stdout))
    sys.stderr = cast(TextIO, _VisibleStream(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _raw(stream: TextIO) -> TextIO:
    """The stream under ``printed_as_data``, for the progress line's own CR and erase codes."""
    return stream.raw if isinstance(stream, _VisibleStream) else stream


#: Characters JSON leaves as they are but a terminal acts on: written as \u escapes, which any
#: JSON reader turns back into the same text (json itself escapes the C0 controls).
_JSON_UNSAFE = re.compile(rf"[{_OTHER_CONTROLS}]")


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return visible(str(value))


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
        self.stream = _raw(self.stream)  # the stage names are ours; the codes must stay codes
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
