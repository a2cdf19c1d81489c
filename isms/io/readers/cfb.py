"""A small, strict reader of OLE2 compound files (the container of .xls and encrypted Office files).

It exists for two reasons: to tell a password-protected xlsx (an OLE2 file holding an
"EncryptedPackage" stream) and other Office files from a real .xls before calamine sees them, and to
check the container's structure (sector chains in range, no loops, stream sizes that fit) so that a
damaged or hostile .xls cannot make calamine loop forever or reserve absurd amounts of memory.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_SPECIAL = 0xFFFFFFFA  # ids from here up are markers, never sectors


class CfbError(Exception):
    """The container is damaged; the message says how (for the user-facing error)."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class Cfb:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != MAGIC:
            raise CfbError("not an OLE2 compound file")
        self.data = data
        (major,) = struct.unpack_from("<H", data, 0x1A)
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise CfbError("its compound-file header is invalid")
        self.sector_size = 1 << shift
        self.major = major
        n_dir, n_fat, dir_start = struct.unpack_from("<III", data, 0x28)
        self.mini_cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
            "<IIIII", data, 0x38
        )
        self.n_sectors = max(0, (len(data) - 512) // self.sector_size)
        if n_fat > self.n_sectors or n_difat > self.n_sectors or n_minifat > self.n_sectors:
            raise CfbError("its compound-file header claims more sectors than the file holds")
        if self.mini_cutoff != 4096:
            raise CfbError("its compound-file header is invalid")

        # The FAT's own sectors: 109 ids in the header, the rest in a chain of DIFAT sectors.
        fat_ids = [i for i in struct.unpack_from("<109I", data, 0x4C) if i < _SPECIAL]
        per = self.sector_size // 4 - 1
        seen: set[int] = set()
        sector = difat_start
        while sector < _SPECIAL:
            if sector in seen or len(seen) >= self.n_sectors:
                raise CfbError("its sector table loops")
            seen.add(sector)
            ids = struct.unpack_from(f"<{per + 1}I", self._sector(sector))
            fat_ids.extend(i for i in ids[:per] if i < _SPECIAL)
            sector = ids[per]
        if len(fat_ids) > self.n_sectors:
            raise CfbError("its sector table is larger than the file")
        self.fat: list[int] = []
        for sid in fat_ids:
            self.fat.extend(struct.unpack_from(f"<{self.sector_size // 4}I", self._sector(sid)))

        directory = self._chain_bytes(dir_start)
        self.entries: list[Entry] = []
        for off in range(0, len(directory) - 127, 128):
            raw = directory[off : off + 128]
            name_len, kind = struct.unpack_from("<HB", raw, 64)
            if kind not in (1, 2, 5):
                continue
            name = raw[: max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, 116)
            if self.major == 3:
                size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
            self.entries.append(Entry(name, kind, start, size))
        if not self.entries or self.entries[0].kind != 5:
            raise CfbError("its compound-file directory is damaged")
        root = self.entries[0]
        self._mini_stream = self._chain_bytes(root.start, root.size) if root.size else b""
        self._minifat: list[int] = []
        if n_minifat and minifat_start < _SPECIAL:
            raw_minifat = self._chain_bytes(minifat_start)
            self._minifat = list(struct.unpack_from(f"<{len(raw_minifat) // 4}I", raw_minifat))

    def names(self) -> set[str]:
        return {e.name for e in self.entries}

    def stream(self, name: str) -> bytes:
        """A stream's bytes (names compared ignoring case, as Office does)."""
        for entry in self.entries:
            if entry.kind == 2 and entry.name.casefold() == name.casefold():
                if entry.size < self.mini_cutoff:
                    return self._mini_chain(entry.start, entry.size)
                return self._chain_bytes(entry.start, entry.size)
        raise CfbError(f"it has no {name} stream")

    def _sector(self, sid: int) -> bytes:
        if sid >= self.n_sectors:
            raise CfbError("a sector lies beyond the end of the file (it is truncated)")
        off = 512 + sid * self.sector_size
        return self.data[off : off + self.sector_size]

    def _chain(self, start: int, table: list[int], limit: int) -> list[int]:
        ids: list[int] = []
        seen: set[int] = set()
        sid = start
        while sid != _END:
            if sid >= len(table) or sid in seen or len(ids) > limit:
                raise CfbError("a sector chain is broken or loops")
            seen.add(sid)
            ids.append(sid)
            sid = table[sid]
        return ids

    def _chain_bytes(self, start: int, size: int | None = None) -> bytes:
        if start == _END or start == _FREE:
            return b""
        ids = self._chain(start, self.fat, self.n_sectors)
        data = b"".join(self._sector(s) for s in ids)
        if size is not None:
            if size > len(data):
                raise CfbError("a stream is longer than its sectors (the file is truncated)")
            data = data[:size]
        return data

    def _mini_chain(self, start: int, size: int) -> bytes:
        if size == 0:
            return b""
        ids = self._chain(start, self._minifat, len(self._mini_stream) // 64)
        data = b"".join(self._mini_stream[s * 64 : s * 64 + 64] for s in ids)
        if size > len(data):
            raise CfbError("a stream is longer than its sectors (the file is truncated)")
        return data[:size]
