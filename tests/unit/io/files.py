"""Builders of the files the reader tests open: real workbooks made with openpyxl, small ODS and
OLE2 files written by hand, and zip surgery for the damaged and hostile ones."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "readers"


def xlsx(path: Path, sheets: dict[str, list[list[Any]]], **options: Any) -> Path:
    """A workbook with one sheet per entry (rows appended from row 1). Options: merged
    {sheet: ["A1:D1"]}, hidden {sheet: "hidden" | "veryHidden"}, cells {sheet: {"C3": value}}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref, value in options.get("cells", {}).get(name, {}).items():
            ws[ref] = value
        for rng in options.get("merged", {}).get(name, []):
            ws.merge_cells(rng)
        if name in options.get("hidden", {}):
            ws.sheet_state = options["hidden"][name]
    wb.save(path)
    return path


def rezip(
    src: Path, dst: Path, replace: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Copy a zip, replacing the named members' bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", method) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name in replace.keys() - set(zin.namelist()):
            zout.writestr(name, replace[name])
    return dst


def sheet_xml(path: Path, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def with_sheet_data(path: Path, dst: Path, rows_xml: bytes, dimension: bytes | None = None) -> Path:
    """Replace the first sheet's <sheetData> content (and optionally its dimension)."""
    xml = sheet_xml(path)
    xml = re.sub(
        rb"<sheetData>.*</sheetData>|<sheetData/>",
        b"<sheetData>" + rows_xml.replace(b"\\", b"\\\\") + b"</sheetData>",
        xml,
        flags=re.S,
    )
    if dimension is not None:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dimension + b'"/>', xml)
    return rezip(path, dst, {"xl/worksheets/sheet1.xml": xml})


def lie_about_size(src: Path, dst: Path, member: str, declared: int) -> Path:
    """Patch the zip directory so that ``member`` claims ``declared`` uncompressed bytes."""
    data = bytearray(src.read_bytes())
    name = member.encode()
    for sig, size_off in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            name_off = 46 if sig == b"PK\x01\x02" else 30
            n = struct.unpack_from("<H", data, pos + (28 if sig == b"PK\x01\x02" else 26))[0]
            if bytes(data[pos + name_off : pos + name_off + n]) == name:
                struct.pack_into("<I", data, pos + size_off, declared)
            pos += 4
    dst.write_bytes(bytes(data))
    return dst


def ods(path: Path, tables: dict[str, str], hidden: tuple[str, ...] = ()) -> Path:
    """A minimal OpenDocument spreadsheet; each table's rows are given as raw XML."""
    styles = "".join(
        f'<style:style style:name="ta{i}" style:family="table">'
        f'<style:table-properties table:display="{"false" if name in hidden else "true"}"/>'
        "</style:style>"
        for i, name in enumerate(tables)
    )
    body = "".join(
        f'<table:table table:name="{name}" table:style-name="ta{i}">{rows}</table:table>'
        for i, (name, rows) in enumerate(tables.items())
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        v = "true" if value else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{v}"/>'
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_rows(rows: list[list[Any]]) -> str:
    return "".join(
        "<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors) holding the given streams, each
    padded to at least 4096 bytes so that it lives in ordinary sectors."""
    FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    bodies = [data.ljust(4096, b"\0") for data in streams.values()]
    fat = [FATSECT, END]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for body in bodies:
        n = (len(body) + 511) // 512
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + n))
        fat.append(END)
    fat += [FREE] * (128 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))

    def entry(
        name: str, kind: int, start: int, size: int, child: int = FREE, right: int = FREE
    ) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, FREE, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    names = list(streams)
    directory = entry("Root Entry", 5, END, 0, child=1)
    for i, (name, body) in enumerate(zip(names, bodies, strict=True)):
        right = i + 2 if i + 1 < len(names) else FREE
        directory += entry(name, 2, starts[i], len(body), right=right)
    directory = directory.ljust(512, b"\0")
    return (
        bytes(header)
        + struct.pack("<128I", *fat)
        + directory
        + b"".join(body.ljust((len(body) + 511) // 512 * 512, b"\0") for body in bodies)
    )


def stored_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()
