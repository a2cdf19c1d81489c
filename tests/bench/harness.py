"""The `make bench` harness: each measurement in a fresh process, ratios against a floor.

Benchmarks are declared elsewhere (``benchmarks.py``) as :class:`Benchmark` entries; this module
only runs them. Every run of "ours" and of its floor happens in its own subprocess, so imports,
caches and peak memory (the child's own ``ru_maxrss``) belong to that one measurement. Absolute
seconds drift between runs on a shared machine, so each target is a ratio to a floor measured in
the same run (see shared/design/PERFORMANCE.md).

A step is either a module-level function ``step(work: Path, timer: Timer) -> None`` or the path of
a script run as ``python script.py WORKDIR``. A function does its untimed setup first and wraps
the part to measure in ``with timer:``; if it never enters the timer the whole call is timed. A
script is timed whole.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

#: How a child hands its result back: the last stdout line starting with this.
RESULT_MARK = "BENCH-RESULT "
#: A single measurement taking longer than this is a hang, not a slow result.
CHILD_TIMEOUT_S = 900


class Timer:
    """Times the ``with`` block it guards."""

    def __init__(self) -> None:
        self.seconds: float | None = None
        #: Why nothing was measured (e.g. no PostgreSQL here): the result says so, not "ok".
        self.skipped: str | None = None
        self._start = 0.0

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.seconds = time.perf_counter() - self._start


Step = Callable[[Path, Timer], None] | str


@dataclass(frozen=True)
class Benchmark:
    name: str
    ours: Step
    floor: Step
    #: ours / floor must stay at or under this; None = reported, not judged.
    target_ratio: float | None
    #: Rows the operation handles, to print rows/s.
    rows: int | None = None
    description: str = ""
    #: Absolute targets, judged alongside the ratio when given: ours' median seconds and its
    #: peak memory (the child's ru_maxrss).
    max_seconds: float | None = None
    max_mb: float | None = None


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    skipped: str | None = None


@dataclass(frozen=True)
class Result:
    benchmark: Benchmark
    ours: list[Sample]
    floor: list[Sample]

    @property
    def ours_s(self) -> float:
        return statistics.median(s.seconds for s in self.ours)

    @property
    def floor_s(self) -> float:
        return statistics.median(s.seconds for s in self.floor)

    @property
    def ratio(self) -> float:
        return self.ours_s / self.floor_s if self.floor_s > 0 else float("inf")

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.ours)

    @property
    def skipped(self) -> str | None:
        return next((s.skipped for s in self.ours if s.skipped), None)

    @property
    def met(self) -> bool | None:
        if self.skipped:
            return None
        b = self.benchmark
        checks = [
            measured <= target
            for measured, target in ((self.ratio, b.target_ratio), (self.ours_s, b.max_seconds),
                                     (self.peak_mb, b.max_mb))
            if target is not None
        ]
        return all(checks) if checks else None

    def as_json(self) -> dict[str, Any]:
        rows = self.benchmark.rows
        return {
            "name": self.benchmark.name,
            "ours_s": round(self.ours_s, 4),
            "floor_s": round(self.floor_s, 4),
            "ratio": round(self.ratio, 2),
            "target_ratio": self.benchmark.target_ratio,
            "max_seconds": self.benchmark.max_seconds,
            "max_mb": self.benchmark.max_mb,
            "peak_mb": round(self.peak_mb, 1),
            "floor_peak_mb": round(max(s.peak_mb for s in self.floor), 1),
            "rows": rows,
            "rows_per_s": round(rows / self.ours_s) if rows else None,
            "floor_rows_per_s": round(rows / self.floor_s) if rows else None,
            "runs": len(self.ours),
            "met": self.met,
            "skipped": self.skipped,
        }


# --- parent side ----------------------------------------------------------------------------

def _reference(step: Step) -> str:
    if isinstance(step, str):
        return step
    module = step.__module__
    if module == "__main__":
        raise ValueError(f"{step.__qualname__} must live in an importable module, not __main__")
    return f"{module}:{step.__qualname__}"


def _measure(step: Step, runs_dir: Path) -> Sample:
    """One run of ``step`` in a fresh interpreter, in a fresh working folder."""
    work = Path(tempfile.mkdtemp(prefix="run-", dir=runs_dir))
    env = {**os.environ, "ISMS_DATA_DIR": str(work / "data"), "ISMS_LOG_DIR": str(work / "log"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                        os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, __file__, "--child", _reference(step), str(work)],
        capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S, check=False,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{_reference(step)} failed (exit {done.returncode}):\n{done.stderr}")
    data = json.loads(lines[-1][len(RESULT_MARK):])
    return Sample(data["seconds"], data["peak_mb"], data.get("skipped"))


def run(benchmarks: Sequence[Benchmark], *, runs: int,
        report: Callable[[str], None] = print) -> list[Result]:
    """Median of ``runs`` per benchmark; floor and ours alternate so drift hits both alike."""
    results = []
    with tempfile.TemporaryDirectory(prefix="isms-bench-") as tmp:
        for bench in benchmarks:
            ours: list[Sample] = []
            floor: list[Sample] = []
            for n in range(runs):
                report(f"{bench.name}: run {n + 1}/{runs} ...")
                floor.append(_measure(bench.floor, Path(tmp)))
                ours.append(_measure(bench.ours, Path(tmp)))
                if ours[-1].skipped:
                    break  # nothing to measure here: no more runs of its floor either
            results.append(Result(bench, ours, floor))
    return results


def _targets(bench: Benchmark) -> str:
    parts = [f"<= {bench.target_ratio:g} x" if bench.target_ratio is not None else "",
             f"<= {bench.max_seconds:g} s" if bench.max_seconds is not None else "",
             f"<= {bench.max_mb:g} MB" if bench.max_mb is not None else ""]
    return ", ".join(p for p in parts if p) or "-"


def table(results: Sequence[Result]) -> str:
    header = ("benchmark", "ours s", "floor s", "ratio", "target", "peak MB", "rows/s", "status")
    lines = [header]
    for r in results:
        rows = r.benchmark.rows
        verdict = "" if r.met is None else ("ok" if r.met else "MISSED")
        if r.skipped:
            verdict = "skipped"
        lines.append((
            r.benchmark.name, f"{r.ours_s:.3f}", f"{r.floor_s:.3f}", f"{r.ratio:.1f} x",
            _targets(r.benchmark), f"{r.peak_mb:.0f}",
            f"{rows / r.ours_s:,.0f}" if rows else "-", verdict,
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        cells = [c.ljust(w) if i == 0 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(benchmarks: Sequence[Benchmark], argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the isms benchmarks against their floors.")
    parser.add_argument("--quick", action="store_true", help="one run each instead of three")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for b in benchmarks:
            print(f"{b.name:20} {b.description}")
        return 0
    chosen = [b for b in benchmarks if not args.only or b.name in args.only]
    unknown = set(args.only or ()) - {b.name for b in benchmarks}
    if unknown:
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}; see --list")
    results = run(chosen, runs=1 if args.quick else 3,
                  report=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(table(results))
    for r in results:
        if r.skipped:
            print(f"{r.benchmark.name} skipped: {r.skipped}")
    for r in results:
        print(json.dumps(r.as_json()))
    # A missed target is reported, not fatal: the numbers are for reading, the table says MISSED.
    return 0


# --- child side -----------------------------------------------------------------------------

def _child(reference: str, work: Path) -> None:
    timer = Timer()
    started = time.perf_counter()
    if reference.endswith(".py"):
        sys.argv = [reference, str(work)]
        runpy.run_path(reference, run_name="__main__")
    else:
        module, _, name = reference.partition(":")
        target: Any = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part)
        target(work, timer)
    seconds = timer.seconds if timer.seconds is not None else time.perf_counter() - started
    # Linux reports ru_maxrss in KiB (macOS in bytes; not a platform we bench on).
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(RESULT_MARK + json.dumps({"seconds": seconds, "peak_mb": peak_mb,
                                    "skipped": timer.skipped}))


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--child":
    _child(sys.argv[2], Path(sys.argv[3]))
