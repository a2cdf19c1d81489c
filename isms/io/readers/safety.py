"""Checks made before any parser touches a file: size, zip directory, and bounded member reads.

calamine (Rust) trusts a zip's directory and inflates members without a bound of its own, so every
member it will read is first inflated here, in pieces, against the size the directory declares: a
member that inflates to more (a zip bomb that lies about its size), that stops short, or whose CRC
does not match is refused before calamine sees it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import Limits, fail

PASSWORD_MESSAGE = (
    "is protected with a password: remove the password in Excel "
    "(File > Info > Protect Workbook) and send it again"
)

#: Members smaller than this are not held to the compression-ratio rule: tiny XML parts
#: compress extremely well and are harmless.
_RATIO_FLOOR = 1024 * 1024
_PIECE = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def check_file_size(path: Path, limits: Limits) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        fail(path, "the file does not exist")
    except OSError as exc:
        fail(path, f"the file cannot be opened ({exc.strerror})")
    if size > limits.max_file_bytes:
        fail(
            path,
            f"the file is {size / 1024**2:.0f} MB, more than the "
            f"{limits.max_file_bytes / 1024**2:.0f}"
            " MB this import accepts: split it or remove what is not needed, and send it again",
        )
    if size == 0:
        fail(path, "the file is empty")
    return size


def open_zip(path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open a zip and check its directory: no encryption, no duplicate names, sizes within the
    limits, no member compressed suspiciously well, only the compression methods Office uses."""
    try:
        zf = zipfile.ZipFile(path)
    except NotImplementedError as exc:  # zipfile's answer to a version or feature it lacks
        fail(path, f"the file is damaged or uses a zip feature Office never writes ({exc})")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        fail(path, f"the file is damaged: it is not a complete zip archive ({exc})")
    try:
        check_zip_directory(path, zf, limits)
    except BaseException:
        zf.close()
        raise
    return zf


def check_zip_directory(path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
    seen: set[str] = set()
    total = sum(info.file_size for info in zf.infolist())
    if total > limits.max_uncompressed_bytes:
        fail(
            path,
            f"it would unpack to more than the {limits.max_uncompressed_bytes / 1024**2:,.0f} MB "
            f"this import reads (it expands to {total / 1024**2:,.0f} MB; possibly a zip bomb): "
            "split it into smaller files and send them again",
        )
    for info in zf.infolist():
        # calamine looks members up ignoring case: two names that differ only in case could make
        # it read a member other than the one checked here.
        key = info.filename.casefold()
        if key in seen:
            fail(path, f"the file is damaged: the zip archive holds {info.filename!r} twice")
        seen.add(key)
        if info.flag_bits & 0x1:
            fail(path, PASSWORD_MESSAGE)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            fail(path, f"the zip member {info.filename!r} uses a compression Office never writes")
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                fail(
                    path,
                    f"the zip member {info.filename!r} is compressed {ratio:.0f} times, more than "
                    f"the {limits.max_compression_ratio} a real spreadsheet reaches "
                    "(possibly a zip bomb): not read",
                )


def find_member(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member named ``name`` ignoring case, as calamine finds it (names are unique ignoring
    case once check_zip_directory has passed)."""
    key = name.casefold()
    for info in zf.infolist():
        if info.filename.casefold() == key:
            return info
    return None


def iter_member(
    path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, piece: int = _PIECE
) -> Iterator[bytes]:
    """Inflate one member in pieces, never producing more than its declared size.

    Raises ImportFormatError if the member inflates to more or less than the directory says, if
    its deflate stream is broken or does not end where it should, or if its CRC does not match.
    """
    what = f"the zip member {info.filename!r}"
    try:
        # A handle of its own, so that a half-read member never disturbs another read.
        with path.open("rb") as fp:
            yield from _inflate(path, fp, info, what, piece)
    except OSError as exc:
        fail(path, f"the file cannot be read ({exc.strerror or exc})")


def _inflate(
    path: Path, fp: BinaryIO, info: zipfile.ZipInfo, what: str, piece: int
) -> Iterator[bytes]:
    try:
        fp.seek(info.header_offset)
        header = fp.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            fail(path, f"the file is damaged: {what} is cut short")
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != b"PK\x03\x04":
            fail(path, f"the file is damaged: {what} has no valid header")
        fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
        remaining_in = info.compress_size
        declared = info.file_size
        produced = 0
        crc = 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        pending = b""
        while True:
            if inflater is not None and pending:
                data = pending
            else:
                if remaining_in <= 0:
                    break
                data = fp.read(min(piece, remaining_in))
                if not data:
                    fail(path, f"the file is damaged: {what} is cut short")
                remaining_in -= len(data)
            if inflater is None:
                out = data
                pending = b""
            else:
                # Bounded: never inflate more than one byte past what the directory declares.
                out = inflater.decompress(data, max(1, min(piece, declared - produced + 1)))
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > declared:
                fail(
                    path,
                    f"{what} unpacks to more than the {declared} bytes its zip directory declares "
                    "(a damaged file or a zip bomb): not read",
                )
            if out:
                crc = zlib.crc32(out, crc)
                yield out
            if inflater is not None and inflater.eof:
                break
        if inflater is not None:
            if not inflater.eof:
                fail(path, f"the file is damaged: {what} is cut short")
        if produced != declared:
            fail(
                path,
                f"the file is damaged: {what} holds {produced} bytes, "
                f"its directory says {declared}",
            )
        if crc != info.CRC:
            fail(path, f"the file is damaged: {what} fails its checksum")
    except zlib.error as exc:
        fail(path, f"the file is damaged: {what} cannot be unpacked ({exc})")


def read_member(
    path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int = 256 * 1024**2
) -> bytes:
    """A whole (small) member, checked like iter_member and refused past ``max_bytes``."""
    if info.file_size > max_bytes:
        fail(path, f"the zip member {info.filename!r} is too large to read safely")
    data = b"".join(iter_member(path, zf, info))
    check_no_dtd(path, info.filename, data[:_PIECE])
    return data


def verify_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate a member completely (discarding it) so that calamine only reads checked data."""
    first = True
    for piece in iter_member(path, zf, info):
        if first:
            check_no_dtd(path, info.filename, piece)
            first = False


def check_no_dtd(path: Path, member: str, head: bytes) -> None:
    """Office XML never carries a DTD; one that does may declare entities that expand
    exponentially (billion laughs). Refuse it before any XML parser sees it. (calamine's XML
    parser does not expand such entities anyway: this check is for a clear message.)"""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        fail(
            path,
            f"the part {member!r} declares XML entities (a DOCTYPE), which spreadsheets never "
            "do (possibly an XML bomb): not read",
        )
