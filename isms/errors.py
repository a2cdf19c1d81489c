"""Expected errors: the ones a user can act on.

Everything raised from here is shown to the user in plain words (the CLI prints one line, the window
a message box). Any other exception is a bug and goes to the crash dialog / log with its traceback.
Each message names the thing to fix: the record, file, row, column or field.
"""

from __future__ import annotations


class IsmsError(Exception):
    """Base of every error the user is meant to read."""

    #: CLI exit status for this kind of error.
    exit_code = 1


class ValidationError(IsmsError):
    """Input that breaks a rule of the register; ``field`` names what to fix."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(IsmsError):
    """A record, file or register that does not exist."""


class ConflictError(IsmsError):
    """A save refused because someone else changed the record first (optimistic locking)."""

    def __init__(self, message: str, *, record: str, yours: int | None, theirs: int | None) -> None:
        super().__init__(message)
        self.record = record
        self.yours = yours
        self.theirs = theirs


class ImportFormatError(IsmsError):
    """A file that cannot be read as what it claims to be."""


class StorageError(IsmsError):
    """The register cannot be opened, upgraded or written."""


class UsageError(IsmsError):
    """A command used wrongly (bad option combination)."""

    exit_code = 2


class Cancelled(IsmsError):
    """The user stopped a long operation; its transaction was rolled back, nothing was written.

    Long services call their ``progress`` callback now and then; a UI whose cancel button was
    pressed raises this from the callback, which unwinds the work inside its transaction.
    """


class AccessDenied(IsmsError):
    """A change the acting user's role does not allow; nothing was written.

    ``actor`` is who tried, ``needed`` the access level the change needs (``viewer``, ``editor``,
    ``approver`` or ``administrator``).
    """

    def __init__(self, message: str, *, actor: str, needed: str) -> None:
        super().__init__(message)
        self.actor = actor
        self.needed = needed
