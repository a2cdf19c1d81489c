"""`python -m isms` runs the `isms` command."""

import sys

from .cli import main

sys.exit(main())
