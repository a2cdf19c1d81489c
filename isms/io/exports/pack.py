"""The audit pack as a file: one zip an auditor can open anywhere and check.

Inside: the items' files, ``index.html`` (numbered items, each file with its size and SHA-256),
``manifest.json`` (the same, for tools) and ``SHA256SUMS`` (``sha256sum -c SHA256SUMS`` verifies
every other member, the index and the manifest included). This module knows nothing of the
register: the services hand it :class:`PackItem` s.

Determinism: the same items, title, scope, ``generated`` and ``meta`` give a byte-identical zip.
Every member carries the same timestamp (``generated``) and permissions, members are written in a
fixed order (the items' files sorted by path, then the index, the manifest and the sums, which
describe them and so come last), items are ordered by number and the manifest's keys are sorted.

Safety: the index is built from escaped text only, with no scripts, no external resources and no
links but relative ones to the pack's own files; a content-security policy forbids scripts even
if escaping were ever missed. Member paths are checked (see :func:`safe_member_name`). The zip is
written under a temporary name beside the target and renamed once complete, so a crash or a
cancel never leaves a half pack that looks finished.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...errors import StorageError
from ..files import temporary_beside

#: A member's content: bytes, a file to stream, or a callable yielding chunks (called once).
Source = bytes | Path | Callable[[], Iterable[bytes]]
#: (stage, done, total): called before each member is written; raise Cancelled to stop.
Progress = Callable[[str, int, int], None]

INDEX, MANIFEST, SUMS = "index.html", "manifest.json", "SHA256SUMS"
_RESERVED = frozenset(n.casefold() for n in (INDEX, MANIFEST, SUMS))
_CHUNK = 1 << 20
#: Zip timestamps cannot say anything before 1980 or after 2107.
_ZIP_MIN, _ZIP_MAX = datetime(1980, 1, 1), datetime(2107, 12, 31, 23, 59, 58)
_FILE_MODE = 0o100644  # a regular file, rw-r--r--
_UNIX = 3  # zip "made by" system; fixed so a pack is the same bytes on every platform


# --- the pack's vocabulary -------------------------------------------------------------------


@dataclass(frozen=True)
class PackFile:
    """One file of an item: where it goes in the pack ("evidence/EV-0001 - Report.pdf") and
    what it holds. ``label`` is how the index names it when the path alone says too little."""

    path: str
    source: Source
    label: str = ""


@dataclass(frozen=True)
class PackTable:
    """A listing shown in the index (and kept in the manifest). Rows whose ``flag_column`` cell
    is not empty are highlighted: missing, stale or altered evidence must stand out."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    flag_column: int | None = None


@dataclass(frozen=True)
class PackItem:
    """A numbered item of the pack ("1", "2.3"): what it is, its files, and what to look at.

    ``notes`` are status remarks shown highlighted ("2 pieces of evidence are stale");
    ``facts`` are (label, value) pairs such as the change log's head hash.
    """

    number: str
    title: str
    description: str = ""
    files: Sequence[PackFile] = ()
    notes: Sequence[str] = ()
    facts: Sequence[tuple[str, str]] = ()
    table: PackTable | None = None


@dataclass(frozen=True)
class PackedFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PackSummary:
    """What was written: the zip, and every member but ``SHA256SUMS`` with its size and hash."""

    path: Path
    files: tuple[PackedFile, ...]
    size: int
    sha256: str


@dataclass
class _Written:
    files: dict[str, PackedFile] = field(default_factory=dict)


# --- member names ----------------------------------------------------------------------------

_INVALID = re.compile(r'[<>:"/\\|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)
#: Bytes of UTF-8 a name may take: far below every file system's limit, with room for " (99)".
_MAX_NAME_BYTES = 120


def safe_member_name(name: str, taken: set[str]) -> str:
    """A file name that is safe in a zip and on every desktop, unique among ``taken``.

    Directories and drive letters are dropped (``../../etc/passwd`` -> ``passwd``,
    ``C:\\evil.exe`` -> ``evil.exe``), control and format characters removed (a right-to-left
    override could disguise an extension), characters Windows forbids replaced by ``_``, leading
    dots and trailing dots and spaces stripped, device names (CON, LPT1...) suffixed, long names
    shortened; the extension is kept and the result is never empty. A name already in ``taken``
    (compared case-insensitively: ``taken`` holds casefolded names) gets " (2)", " (3)"... before
    its extension. The chosen name is added to ``taken``. The pack's own documents (index.html,
    manifest.json, SHA256SUMS) count as taken everywhere, so no evidence file can pose as one.
    """
    base = _DRIVE.sub("", unicodedata.normalize("NFC", name))
    base = re.split(r"[/\\]", base)[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    base = _INVALID.sub("_", base).strip()
    match = _EXTENSION.search(base)
    ext = match.group(0) if match else ""
    stem = base[: len(base) - len(ext)].strip(" .") or "file"
    if stem.split(".")[0].casefold() in _DEVICES:  # Windows reserves "CON.anything" too
        stem = "_" + stem
    while len((stem + ext).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1].rstrip(" .") or "file"
    candidate, n = stem + ext, 1
    while candidate.casefold() in taken or candidate.casefold() in _RESERVED:
        n += 1
        candidate = f"{stem} ({n}){ext}"
    taken.add(candidate.casefold())
    return candidate


def _check_paths(items: Sequence[PackItem]) -> None:
    """Refuse a pack whose member paths could escape the folder it is unpacked into or clash.

    Paths are built by the services with :func:`safe_member_name`; this is the format's own
    guard, so a careless caller gets an error rather than a hostile zip."""
    seen: set[str] = set()
    folders: set[str] = set()
    numbers: set[str] = set()
    for item in items:
        if not re.fullmatch(r"\d+(\.\d+)*", item.number) or item.number in numbers:
            raise ValueError(f"Pack item number {item.number!r} is not a new number like 2.3.")
        numbers.add(item.number)
        for packed in item.files:
            parts = packed.path.split("/")
            for part in parts:
                if safe_member_name(part, set()) != part:
                    raise ValueError(f"Unsafe path in the audit pack: {packed.path!r}.")
            key = packed.path.casefold()
            if key in seen or key in folders or key in _RESERVED:
                raise ValueError(f"Two files of the audit pack would be {packed.path!r}.")
            seen.add(key)
            folders.update("/".join(parts[:i]).casefold() for i in range(1, len(parts)))
    if clash := seen & folders:
        raise ValueError(f"{sorted(clash)[0]!r} is both a file and a folder in the audit pack.")


# --- writing ---------------------------------------------------------------------------------


def write_pack(
    path: Path,
    items: Sequence[PackItem],
    *,
    title: str,
    scope: str,
    generated: datetime,
    meta: dict[str, Any],
    about: Sequence[tuple[str, str]] = (),
    marking: str = "",
    progress: Progress | None = None,
) -> PackSummary:
    """Write the audit pack zip at ``path`` (replacing any file there) and say what it holds.

    ``meta`` (app version, register name, department...) goes into the manifest for tools; its
    values must be JSON-ready or have a stable ``str``. The index shows people ``about``:
    labelled (label, value) pairs under the title ("Register", "As at"...), after the scope.
    ``marking`` (the pack's protective marking) is a banner at the top and the bottom of the
    index and in the manifest. A :class:`~isms.errors.Cancelled`
    raised from ``progress``, or any error, leaves ``path`` as it was and no temporary file.
    A ValueError names an unsafe or clashing member path or a bad item number. Callable sources
    are streamed without a known size, so each must stay under 2 GiB (bytes and files may not).
    """
    _check_paths(items)
    items = sorted(items, key=lambda i: tuple(int(n) for n in i.number.split(".")))
    members = sorted((f for i in items for f in i.files), key=lambda f: f.path)
    total = len(members) + 3
    stamp = _zip_time(generated)
    path = path.expanduser().resolve()
    fd, temp = temporary_beside(path)
    written = _Written()
    try:
        with os.fdopen(fd, "w+b") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                for done, member in enumerate(members):
                    _report(progress, member.path, done, total)
                    _add(archive, written, member.path, member.source, stamp)
                _report(progress, INDEX, len(members), total)
                index = _render_index(items, written, title=title, scope=scope,
                                      about=about, marking=marking)
                _add(archive, written, INDEX, index, stamp)
                _report(progress, MANIFEST, len(members) + 1, total)
                manifest = _manifest(items, written, title=title, scope=scope,
                                     generated=generated, meta=meta, marking=marking)
                _add(archive, written, MANIFEST, manifest, stamp)
                _report(progress, SUMS, len(members) + 2, total)
                _add(archive, _Written(), SUMS, _sums(written), stamp)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StorageError(f"Cannot write the audit pack {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    digest, size = _hash_file(path)
    files = tuple(written.files[p] for p in sorted(written.files))
    return PackSummary(path=path, files=files, size=size, sha256=digest)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _zip_time(generated: datetime) -> tuple[int, int, int, int, int, int]:
    moment = generated.astimezone(UTC).replace(tzinfo=None) if generated.tzinfo else generated
    moment = min(max(moment, _ZIP_MIN), _ZIP_MAX)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
    elif isinstance(source, Path):
        with source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    else:
        yield from source()


def _add(archive: zipfile.ZipFile, written: _Written, name: str, source: Source,
         stamp: tuple[int, int, int, int, int, int]) -> None:
    """Stream one member into the zip, hashing it on the way (large evidence is never held)."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE << 16
    if isinstance(source, bytes):
        info.file_size = len(source)
    elif isinstance(source, Path):
        info.file_size = source.stat().st_size  # lets zipfile choose zip64 for huge files
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w") as out:
        for chunk in _chunks(source):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    written.files[name] = PackedFile(name, size, digest.hexdigest())


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sums(written: _Written) -> bytes:
    # Two spaces: sha256sum's text mode. Paths never hold a newline or backslash (checked), so
    # no line needs sha256sum's escaping.
    return "".join(f"{f.sha256}  {f.path}\n" for _, f in sorted(written.files.items())
                   ).encode("utf-8")


def _manifest(items: Sequence[PackItem], written: _Written, *, title: str, scope: str,
              generated: datetime, meta: dict[str, Any], marking: str) -> bytes:
    document = {
        "format": "isms audit pack",
        "format_version": 1,
        "marking": marking,
        "title": title,
        "scope": scope,
        "generated": generated.isoformat(),
        "meta": meta,
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "description": item.description,
                "notes": list(item.notes),
                "facts": [list(pair) for pair in item.facts],
                "files": [f.path for f in item.files],
                "table": None if item.table is None else {
                    "columns": list(item.table.columns),
                    "rows": [list(row) for row in item.table.rows],
                },
            }
            for item in items
        ],
        # Every member but the manifest itself and SHA256SUMS, which cannot describe themselves.
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256}
                  for _, f in sorted(written.files.items())],
        "verify": f"sha256sum -c {SUMS}",
    }
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, default=str)
    return (text + "\n").encode("utf-8")


# --- the index page --------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2em auto;
max-width:70em;padding:0 1em;color:#1b1b1b;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;
border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;
font-size:.9em}th{background:#eef1f5}code{font-size:.85em;word-break:break-all}
.note{background:#fff3cd;border-left:4px solid #c99700;padding:.3em .6em;margin:.3em 0}
tr.flag td{background:#fde2e1}dl{display:grid;grid-template-columns:max-content 1fr;
gap:.2em 1em}dt{font-weight:600}dd{margin:0;word-break:break-all}
.marking{text-align:center;font-weight:700;letter-spacing:.05em;border:2px solid #1b1b1b;
padding:.2em;margin:.5em 0}
@media print{body{margin:3em 0}.marking{position:fixed;left:0;right:0;margin:0;
background:#fff}.marking.top{top:0}.marking.bottom{bottom:0}}
"""
# No script may run even if some text escaped escaping; links to the pack's files still work.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _href(member: str) -> str:
    return _e(quote(member, safe="/"))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    scaled, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if scaled < 1024:
            break
        scaled, unit = scaled / 1024, bigger
    return f"{scaled:.1f} {unit} ({size} bytes)"


def _facts(pairs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in pairs)
    return f"<dl>{rows}</dl>" if rows else ""


def _table(table: PackTable) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        flagged = table.flag_column is not None and bool(row[table.flag_column])
        cells = "".join(f"<td>{_e(c)}</td>" for c in row)
        body.append(f'<tr class="flag">{cells}</tr>' if flagged else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _files(files: Sequence[PackFile], written: _Written) -> str:
    if not files:
        return ""
    rows = []
    for packed in files:
        done = written.files.get(packed.path)
        size, digest = (_size(done.size), done.sha256) if done else ("", "")
        label = f"<br>{_e(packed.label)}" if packed.label else ""
        rows.append(f'<tr><td><a href="{_href(packed.path)}">{_e(packed.path)}</a>{label}</td>'
                    f"<td>{_e(size)}</td><td><code>{_e(digest)}</code></td></tr>")
    return ("<table><thead><tr><th>File</th><th>Size</th><th>SHA-256</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _section(item: PackItem, written: _Written) -> str:
    heading = f"{item.number}. {item.title}" if item.number else item.title
    anchor = f' id="item-{_e(item.number)}"' if item.number else ""
    parts = [f"<h2{anchor}>{_e(heading)}</h2>"]
    parts.extend(f"<p>{_e(p)}</p>" for p in item.description.split("\n\n") if p.strip())
    parts.extend(f'<p class="note">{_e(n)}</p>' for n in item.notes)
    parts.append(_facts(item.facts))
    if item.table is not None:
        parts.append(_table(item.table))
    parts.append(_files(item.files, written))
    return "<section>" + "".join(parts) + "</section>"


def _page(title: str, body: str, marking: str) -> bytes:
    """The page, with the protective marking as a banner at its top and bottom (printed, on
    every page: fixed banners repeat), and first in the title a browser prints in its header."""
    top = f'<p class="marking top">{_e(marking)}</p>' if marking else ""
    bottom = f'<p class="marking bottom">{_e(marking)}</p>' if marking else ""
    heading = f"{marking} - {title}" if marking else title
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(heading)}</title><style>{_STYLE}</style></head>\n"
        f"<body>{top}{body}{bottom}</body></html>\n"
    ).encode()


def render_page(title: str, items: Sequence[PackItem], *, generated: datetime,
                marking: str = "") -> bytes:
    """A self-contained HTML page of items without files (the scope statement is one), in the
    index's own style, dated as at ``generated``'s day and marked like the index."""
    body = (f"<h1>{_e(title)}</h1>{_facts([('As at', generated.date().isoformat())])}"
            + "".join(_section(i, _Written()) for i in items))
    return _page(title, body, marking)


def _render_index(items: Sequence[PackItem], written: _Written, *, title: str, scope: str,
                  about: Sequence[tuple[str, str]], marking: str) -> bytes:
    contents = "".join(
        f'<li><a href="#item-{_e(i.number)}">{_e(i.number)}. {_e(i.title)}</a></li>'
        for i in items
    )
    shown = [("Scope", scope), *about]
    if marking:
        shown.append(("Protective marking", marking))
    body = (
        f"<h1>{_e(title)}</h1>{_facts(shown)}<h2>Contents</h2><ol>{contents}</ol>"
        + "".join(_section(i, written) for i in items)
        + "<h2>Checking this pack</h2><p>"
        + _e(f"{SUMS} lists the SHA-256 of every file in the pack, this page and "
             f"{MANIFEST} included. In the unpacked folder, run: sha256sum -c {SUMS}")
        + "</p>"
    )
    return _page(title, body, marking)
