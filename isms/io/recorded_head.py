"""Reading the change log's head that an exported document recorded: from an audit pack (its
zip, the folder it was unpacked into, or its ``manifest.json``), a PDF (its Keywords metadata)
or an xlsx (its "Document control" sheet). ``isms audit verify --against FILE`` then checks the
register against it (``isms.db.audit_chain.verify_against``).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from ..db.audit_chain import LogHead
from ..errors import NotFoundError, ValidationError
from .exports.report import LOG_HEAD_LABEL

_MANIFEST = "manifest.json"
#: A manifest is a few kilobytes per file of the pack: refuse anything far larger unread.
_MANIFEST_LIMIT = 64 << 20


def recorded_head(path: Path) -> LogHead:
    """The head recorded in the document at ``path``; a clear error if it records none."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder.")
    if path.is_dir():
        return _from_manifest(_read(path / _MANIFEST, path), path)
    head = path.read_bytes()[:8]
    if head.startswith(b"%PDF"):
        return _from_pdf(path)
    if head.startswith(b"PK"):
        return _from_zip(path)
    if path.suffix.lower() == ".json":
        return _from_manifest(_read(path, path), path)
    raise ValidationError(
        f"{path.name}: not an audit pack, a PDF, an xlsx or a manifest.json: give a document "
        "the register exported.")


def _read(file: Path, named: Path) -> bytes:
    if not file.is_file():
        raise NotFoundError(f"{named}: no {_MANIFEST} in it; give the audit pack's folder, its "
                            "zip, or a PDF or xlsx the register exported.")
    if file.stat().st_size > _MANIFEST_LIMIT:
        raise ValidationError(f"{file}: too large to be an audit pack's manifest.")
    return file.read_bytes()


def _from_manifest(data: bytes, named: Path) -> LogHead:
    try:
        manifest: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{named}: the manifest is not valid JSON ({exc}).") from None
    meta = manifest.get("meta") if isinstance(manifest, dict) else None
    head = LogHead.from_dict(meta.get("change_log_head") if isinstance(meta, dict) else None)
    if head is None:
        raise ValidationError(f"{named}: the manifest records no change log head (a pack made "
                              "before isms recorded one, or not an isms audit pack).")
    return head


def _from_zip(path: Path) -> LogHead:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if _MANIFEST in names:
                info = archive.getinfo(_MANIFEST)
                if info.file_size > _MANIFEST_LIMIT:
                    raise ValidationError(f"{path.name}: its manifest is too large to read.")
                return _from_manifest(archive.read(_MANIFEST), path)
            if "xl/workbook.xml" in names:
                return _from_xlsx(path)
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"{path.name}: not a readable zip ({exc}).") from None
    raise ValidationError(f"{path.name}: neither an audit pack (no {_MANIFEST}) nor an xlsx.")


def _from_pdf(path: Path) -> LogHead:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        info = PdfReader(path).metadata
    except (PdfReadError, ValueError, OSError) as exc:
        raise ValidationError(f"{path.name}: the PDF cannot be read ({exc}).") from None
    keywords = str(info.get("/Keywords") or "") if info else ""
    head = LogHead.parse(keywords)
    if head is None:
        raise ValidationError(f"{path.name}: the PDF records no change log head in its "
                              "metadata (not exported by isms, or by a version before it did).")
    return head


def _from_xlsx(path: Path) -> LogHead:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if "Document control" not in book.sheetnames:
            raise ValidationError(f"{path.name}: no 'Document control' sheet.")
        for row in book["Document control"].iter_rows(max_col=2, values_only=True):
            if row and row[0] == LOG_HEAD_LABEL and row[1] is not None:
                head = LogHead.parse(str(row[1]))
                if head is not None:
                    return head
    finally:
        book.close()
    raise ValidationError(f"{path.name}: its document control records no change log head.")
