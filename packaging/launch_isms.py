"""PyInstaller entry point for the frozen `isms` command (same as the `isms` console script)."""

import sys

from isms.cli import main

if __name__ == "__main__":
    sys.exit(main())
