"""PyInstaller entry point for the frozen `isms-gui` window (same as the `isms-gui` gui script)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
