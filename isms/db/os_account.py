"""The operating-system account running isms: who acts on a register file.

Asked of the operating system, never of the environment. ``getpass.getuser()`` reads
``LOGNAME``, ``USER``, ``LNAME`` and ``USERNAME`` before it asks the system, so anyone could
act as anyone by setting a variable (``LOGNAME=root isms ...``); the account here is the one
the process runs as, which only the operating system's login decides:

* POSIX: the passwd entry of the effective uid (the uid itself, ``uid:1000``, when the
  system has no entry for it, as in some containers);
* Windows: the account of the process's security token (``GetUserNameW``, which asks the
  token, not the ``USERNAME`` variable).

The name is data: stored verbatim in the change log and compared with people's usernames,
never parsed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class OsAccount:
    """The account the process runs as."""

    name: str
    #: The effective user id on POSIX; None on Windows, which has no uid.
    uid: int | None


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    #: UNLEN + 1: the longest Windows user name and its terminating NUL.
    _UNLEN = 257

    def current_account() -> OsAccount:
        """The account of this process's security token."""
        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        get_user_name = advapi32.GetUserNameW
        get_user_name.argtypes = [wintypes.LPWSTR, ctypes.POINTER(wintypes.DWORD)]
        get_user_name.restype = wintypes.BOOL
        size = wintypes.DWORD(_UNLEN)
        buffer = ctypes.create_unicode_buffer(_UNLEN)
        if not get_user_name(buffer, ctypes.byref(size)):
            error = ctypes.get_last_error()
            raise OSError(error, f"Windows could not name the account running isms ({error}).")
        return OsAccount(buffer.value, None)

else:
    import pwd

    def current_account() -> OsAccount:
        """The passwd entry of the effective uid, or ``uid:NNNN`` when there is none."""
        uid = os.geteuid()
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:  # no passwd entry for this uid (some containers)
            name = ""
        return OsAccount(name or f"uid:{uid}", uid)


def account_name() -> str:
    """The name of the account running isms (see :func:`current_account`)."""
    return current_account().name
