"""Storage: where a register lives, how it is opened, upgraded, backed up and written."""

from .register import Register, open_register
from .session import RegisterSession, commit, conflicts_named, expect_version

__all__ = [
    "Register",
    "RegisterSession",
    "commit",
    "conflicts_named",
    "expect_version",
    "open_register",
]
