"""Workbooks read with calamine (values only: macros are never run), behind the safety checks."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import python_calamine

from .base import (
    CellNote,
    CellValue,
    ColumnCutter,
    Limits,
    RowCount,
    SheetInfo,
    SourceFile,
    fail,
)
from .calamine_cells import calamine_errors, convert_row, damaged
from .cfb import Cfb, CfbError
from .legacy_bounds import Bounds, BoundsError, ods_bounds, xls_bounds, xlsb_bounds
from .safety import (
    PASSWORD_MESSAGE,
    check_no_dtd,
    find_member,
    iter_member,
    open_zip,
    read_member,
    verify_member,
)
from .xlsx_rewrite import WindowedSheet
from .xlsx_scan import SheetScan, pieces_at_cell_boundaries, scan_sheet

#: Largest grid (rows x columns) handed to calamine in one piece: with calamine's own cell list
#: this keeps a sheet under ~250 MB. Larger xlsx sheets go through the windowed path; larger
#: .xls / .ods / .xlsb workbooks, which calamine can only read whole, are refused.
FAST_PATH_MAX_CELLS = 3_000_000
WHOLE_WORKBOOK_MAX_CELLS = 4_000_000

_EXTENSIONS = {
    "xlsx": (".xlsx", ".xlsm"),
    "xlsm": (".xlsx", ".xlsm"),
    "xls": (".xls",),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
}
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class CalamineSource(SourceFile):
    """What all calamine-read formats share: the workbook handle, rows, notes."""

    def __init__(self, path: Path, fmt: str, sha256: str, limits: Limits) -> None:
        self.path = path
        self.format = fmt
        self.sha256 = sha256
        self.limits = limits
        self.sheets = []
        self._workbook: python_calamine.CalamineWorkbook | None = None
        self._tempdir: str | None = None
        self._cut_notes: dict[str, list[CellNote]] = {}
        self._read_complete: set[str] = set()

    # -- calamine -------------------------------------------------------------------------

    def _calamine_path(self) -> str:
        """calamine picks its parser from the extension: give it one that matches the content."""
        if self.path.suffix.lower() in _EXTENSIONS[self.format]:
            return str(self.path)
        self._tempdir = tempfile.mkdtemp(prefix="isms-import-")
        target = os.path.join(self._tempdir, "source" + _EXTENSIONS[self.format][0])
        try:
            os.link(self.path, target)
        except OSError:
            shutil.copyfile(self.path, target)
        return target

    def _open_workbook(self) -> python_calamine.CalamineWorkbook:
        if self._workbook is None:
            with calamine_errors(self.path, self.format):
                self._workbook = python_calamine.CalamineWorkbook.from_path(self._calamine_path())
        return self._workbook

    def close(self) -> None:
        if self._workbook is not None:
            with contextlib.suppress(Exception):
                self._workbook.close()
            self._workbook = None
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def _calamine_rows(self, name: str) -> Iterator[tuple[int, list[CellValue]]]:
        wb = self._open_workbook()
        with calamine_errors(self.path, self.format, f"in sheet {name!r}"):
            sheet = wb.get_sheet_by_name(name)
            start = sheet.start
        cutter = ColumnCutter(self.limits.max_columns)
        if start is not None:
            start_col = start[1]
            max_rows = self.limits.max_rows
            count = RowCount(self.path, self.limits)
            for number, raw in enumerate(sheet.iter_rows(), 1):
                if number > max_rows:
                    cutter.notes.append(
                        CellNote(number, 1, f"rows after row {max_rows} were not read")
                    )
                    break
                values = convert_row(raw, start_col, cutter, number)  # type: ignore[arg-type]
                count.take(values)
                yield number, values
        self._cut_notes[name] = cutter.notes
        self._read_complete.add(name)

    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[CellValue]]]:
        return self._calamine_rows(self._sheet_name(sheet))

    def notes(self, sheet: str | None = None) -> list[CellNote]:
        name = self._sheet_name(sheet)
        if name not in self._read_complete:
            for _ in self.rows(name):
                pass
        return list(self._cut_notes.get(name, []))

    def _has_data(self, sheet: str) -> bool:
        wb = self._open_workbook()
        with calamine_errors(self.path, self.format, f"in sheet {sheet!r}"):
            return wb.get_sheet_by_name(sheet).start is not None

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        name = self._sheet_name(sheet)
        wb = self._open_workbook()
        with calamine_errors(self.path, self.format, f"in sheet {name!r}"):
            merged = wb.get_sheet_by_name(name).merged_cell_ranges or []
        return [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in merged]

    def _sheets_from_calamine(self, bounds: dict[str, Bounds] | None = None) -> list[SheetInfo]:
        wb = self._open_workbook()
        infos = []
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            rows = bounds[meta.name].rows if bounds and meta.name in bounds else None
            infos.append(SheetInfo(meta.name, hidden, rows))
        return infos


# -- xlsx / xlsm ------------------------------------------------------------------------------


class _ZippedSource(CalamineSource):
    """A calamine format held in a zip: the archive is checked on opening and closed with us."""

    def __init__(self, path: Path, fmt: str, sha256: str, limits: Limits) -> None:
        super().__init__(path, fmt, sha256, limits)
        self._zip = open_zip(path, limits)
        try:
            self.sheets = self._load()
        except BaseException:
            self.close()
            raise

    def _load(self) -> list[SheetInfo]:
        raise NotImplementedError

    def close(self) -> None:
        super().close()
        self._zip.close()


class XlsxSource(_ZippedSource):
    def __init__(self, path: Path, fmt: str, sha256: str, limits: Limits) -> None:
        self._parts: dict[str, zipfile.ZipInfo] = {}
        self._scans: dict[str, SheetScan] = {}
        self._date1904 = False
        super().__init__(path, fmt, sha256, limits)

    def _load(self) -> list[SheetInfo]:
        return self._read_workbook()

    def _read_workbook(self) -> list[SheetInfo]:
        workbook = find_member(self._zip, "xl/workbook.xml")
        rels = find_member(self._zip, "xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            damaged(self.path, self.format, " (its list of sheets is missing)")
        # Every part calamine reads when it opens the workbook is checked first.
        for name in ("xl/sharedStrings.xml", "xl/styles.xml"):
            info = find_member(self._zip, name)
            if info is not None:
                verify_member(self.path, self._zip, info)
        targets: dict[str, str] = {}
        try:
            for rel in ET.fromstring(read_member(self.path, self._zip, rels, 16 * 1024**2)):
                if rel.get("Id") is not None and rel.get("Target") is not None:
                    targets[rel.get("Id", "")] = rel.get("Target", "")
            root = ET.fromstring(read_member(self.path, self._zip, workbook, 16 * 1024**2))
        except ET.ParseError as exc:
            damaged(self.path, self.format, f" (its list of sheets cannot be read: {exc})")
        infos = []
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "workbookPr":
                self._date1904 = el.get("date1904", "").lower() in ("1", "true")
            if tag != "sheet":
                continue
            name = el.get("name", "")
            target = targets.get(el.get(f"{{{_REL_NS}}}id", ""), "")
            # calamine's rule for where a sheet lives.
            if target.startswith("/xl/"):
                part = target[1:]
            elif target.startswith("xl/"):
                part = target
            else:
                part = "xl/" + target
            if part.split("/")[1:2] != ["worksheets"]:
                continue  # chart and dialog sheets hold no rows
            info = find_member(self._zip, part)
            if info is None:
                damaged(self.path, self.format, f" (sheet {name!r} is missing)")
            self._parts[name] = info
            hidden = el.get("state", "visible") != "visible"
            infos.append(SheetInfo(name, hidden, self._dimension_rows(info)))
        return infos

    def _dimension_rows(self, info: zipfile.ZipInfo) -> int | None:
        for piece in iter_member(self.path, self._zip, info, piece=64 * 1024):
            head = piece
            break
        else:
            return None
        scan = scan_head_dimension(head)
        return scan

    def _pieces(self, name: str) -> Callable[[], Iterator[bytes]]:
        info = self._parts[name]

        def pieces() -> Iterator[bytes]:
            first = True
            for piece in iter_member(self.path, self._zip, info):
                if first:
                    check_no_dtd(self.path, info.filename, piece)
                    first = False
                yield piece

        return pieces

    def _scan(self, name: str) -> SheetScan:
        if name not in self._scans:
            self._scans[name] = scan_sheet(self.path, self._pieces(name))
        return self._scans[name]

    def _fast(self, scan: SheetScan) -> bool:
        return (
            scan.canonical
            and scan.max_col <= self.limits.max_columns
            and scan.max_row <= self.limits.max_rows
            and scan.max_row * scan.max_col <= FAST_PATH_MAX_CELLS
        )

    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[CellValue]]]:
        name = self._sheet_name(sheet)
        return self._xlsx_rows(name)

    def _xlsx_rows(self, name: str) -> Iterator[tuple[int, list[CellValue]]]:
        scan = self._scan(name)
        if scan.max_row == 0:
            self._read_complete.add(name)
            return
        if self._fast(scan):
            yield from self._calamine_rows(name)
            return
        windowed = WindowedSheet(
            self.path,
            pieces_at_cell_boundaries(self.path, self._pieces(name)()),
            self.limits,
            scan.max_col,
            scan.canonical,
            self._member_bytes("xl/styles.xml"),
            self._member_bytes("xl/sharedStrings.xml"),
            self._date1904,
        )
        yield from windowed.rows()
        self._cut_notes[name] = windowed.cutter.notes + windowed.extra_notes
        self._read_complete.add(name)

    def _member_bytes(self, name: str) -> bytes | None:
        info = find_member(self._zip, name)
        return None if info is None else read_member(self.path, self._zip, info)

    def notes(self, sheet: str | None = None) -> list[CellNote]:
        name = self._sheet_name(sheet)
        scan = self._scan(name)
        if name not in self._read_complete and (
            not self._fast(scan) or scan.max_col > self.limits.max_columns
        ):
            for _ in self._xlsx_rows(name):
                pass
        # A fast-path sheet has no column beyond the limit (the scan proved it): nothing to cut.
        return list(scan.notes) + list(self._cut_notes.get(name, []))

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        return list(self._scan(self._sheet_name(sheet)).merged)

    def _has_data(self, sheet: str) -> bool:
        for piece in self._pieces(sheet)():
            if b"<v>" in piece or b"<is>" in piece or b":v>" in piece or b":is>" in piece:
                return True
        return False


def scan_head_dimension(head: bytes) -> int | None:
    import re

    m = re.search(rb"<(?:[\w.-]+:)?dimension\s+ref=\"[A-Za-z]*[0-9]*:?[A-Za-z]*([0-9]+)\"", head)
    if m is None:
        return None
    rows = int(m.group(1))
    return rows if rows <= 1_048_576 else None


# -- xls ------------------------------------------------------------------------------------


class XlsSource(CalamineSource):
    def __init__(self, path: Path, sha256: str, limits: Limits, cfb: Cfb) -> None:
        super().__init__(path, "xls", sha256, limits)
        try:
            stream = cfb.stream("Workbook") if "workbook" in _lower(cfb) else cfb.stream("Book")
            self._bounds = xls_bounds(stream)
        except (CfbError, BoundsError) as exc:
            damaged(path, "xls", f" ({exc})")
        except (struct_error, IndexError, ValueError) as exc:
            damaged(path, "xls", f" ({exc})")
        total = sum(b.cells for b in self._bounds.values())
        if total > WHOLE_WORKBOOK_MAX_CELLS:
            _too_large(path, total)
        self.sheets = self._sheets_from_calamine(self._bounds)

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        name = self._sheet_name(sheet)
        bounds = self._bounds.get(name)
        return list(bounds.merged) if bounds else super().merged_ranges(name)


def _lower(cfb: Cfb) -> set[str]:
    return {n.casefold() for n in cfb.names()}


def _too_large(path: Path, cells: int) -> NoReturn:
    fail(
        path,
        f"it claims {cells:,} cells, too many to read safely in this format: open it in Excel, "
        "delete the unused rows and columns (or save it as .xlsx) and send it again",
    )


from struct import error as struct_error  # noqa: E402 - used in XlsSource above

# -- ods ------------------------------------------------------------------------------------


class OdsSource(_ZippedSource):
    def __init__(self, path: Path, sha256: str, limits: Limits) -> None:
        self._bounds: dict[str, Bounds] = {}
        super().__init__(path, "ods", sha256, limits)

    def _load(self) -> list[SheetInfo]:
        path = self.path
        for name in ("mimetype", "META-INF/manifest.xml"):
            info = find_member(self._zip, name)
            if info is not None:
                data = read_member(path, self._zip, info, 16 * 1024**2)
                if name.endswith("manifest.xml") and b"encryption-data" in data:
                    fail(path, PASSWORD_MESSAGE)
        content = find_member(self._zip, "content.xml")
        if content is None:
            damaged(path, "ods", " (content.xml is missing)")

        def checked() -> Iterator[bytes]:
            first = True
            for piece in iter_member(path, self._zip, content):
                if first:
                    check_no_dtd(path, "content.xml", piece)
                    first = False
                yield piece

        try:
            self._bounds = ods_bounds(checked(), WHOLE_WORKBOOK_MAX_CELLS)
        except BoundsError as exc:
            if str(exc) == "too large":
                _too_large(path, WHOLE_WORKBOOK_MAX_CELLS + 1)
            damaged(path, "ods", f" ({exc})")
        total = sum(b.cells for b in self._bounds.values())
        if total > WHOLE_WORKBOOK_MAX_CELLS:
            _too_large(path, total)
        return self._sheets_from_calamine(self._bounds)

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        name = self._sheet_name(sheet)
        bounds = self._bounds.get(name)
        return list(bounds.merged) if bounds else []


# -- xlsb -----------------------------------------------------------------------------------


class XlsbSource(_ZippedSource):
    def __init__(self, path: Path, sha256: str, limits: Limits) -> None:
        self._checked = False
        super().__init__(path, "xlsb", sha256, limits)

    def _load(self) -> list[SheetInfo]:
        # calamine reads these parts on opening: check them (sizes, CRCs) first.
        for info in self._zip.infolist():
            low = info.filename.casefold()
            if (
                low.startswith("xl/")
                and low.endswith((".bin", ".rels"))
                and "/worksheets/" not in low
                and not low.endswith("vbaproject.bin")
            ):
                verify_member(self.path, self._zip, info)
        return self._sheets_from_calamine()

    def _check_sheets(self) -> None:
        """Bound every sheet's grid before calamine builds one (.xlsb has no windowed path)."""
        if self._checked:
            return
        for info in self._zip.infolist():
            low = info.filename.casefold()
            if not (low.startswith("xl/worksheets/") and low.endswith(".bin")):
                continue
            try:
                bounds = xlsb_bounds(iter_member(self.path, self._zip, info))
            except BoundsError as exc:
                damaged(self.path, "xlsb", f" ({exc})")
            if bounds.cells > WHOLE_WORKBOOK_MAX_CELLS or bounds.cols > 16384:
                _too_large(self.path, bounds.cells)
        self._checked = True

    def _calamine_rows(self, name: str) -> Iterator[tuple[int, list[CellValue]]]:
        self._check_sheets()
        yield from super()._calamine_rows(name)

    def _has_data(self, sheet: str) -> bool:
        self._check_sheets()
        return super()._has_data(sheet)

    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        self._sheet_name(sheet)
        return []  # calamine does not read merged cells from .xlsb
