"""`make bench`: run the benchmarks against their floors and print a table and JSON lines.

    .venv/bin/python tests/bench/run.py [--quick] [--only NAME] [--list]
"""

from __future__ import annotations

import sys

from benchmarks import BENCHMARKS
from harness import main

if __name__ == "__main__":
    sys.exit(main(BENCHMARKS))
