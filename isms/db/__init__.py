"""Storage: where a register lives, how it is opened, upgraded, backed up and written."""

from .register import Register, open_register
from .session import RegisterSession, commit

__all__ = ["Register", "RegisterSession", "commit", "open_register"]
