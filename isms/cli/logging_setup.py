"""Log handlers for the command line: a rotating file in the user log directory."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ..db.location import log_dir


def setup_logging(level: int = logging.INFO) -> Path:
    """Send isms' logs to <user log dir>/isms.log (1 MB x 3). Returns the file's path.

    If the directory cannot be written the command still runs; logs then go nowhere.
    """
    path = log_dir() / "isms.log"
    root = logging.getLogger("isms")
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return path
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
