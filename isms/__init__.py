"""isms: an ISO/IEC 27001 risk register for a council's Security Managers Group.

This package is the whole product without a window. It never imports Qt.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isms")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
