"""Reading stays under 500 MB whatever the file (issue 16, 8): a sheet that expands past the
size an import reads is refused from its zip directory, before any of it is read; a sheet with
more rows or cells of data than an import holds is refused as it streams, naming the file and
the limit. Peak memory is measured in a child process (its own VmHWM), on files generated here
by writing the sheet XML straight into a zip (a million rows in about two seconds)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from isms.db import commit, open_register
from isms.errors import ImportFormatError
from isms.io.readers import Limits, open_source
from tests import builders as b

ROWS = 1_048_575  # a full Excel sheet below its header
PEAK_LIMIT_MB = 500

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Assets" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def tall_sheet(path: Path, rows: int, text: str) -> Path:
    """An xlsx whose one sheet holds "Asset name" over ``rows`` rows of ``text`` + row number,
    written as XML straight into the zip (openpyxl would take minutes for a million rows)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Asset name</t></is></c></row>')
            last = rows + 1
            for start in range(2, last + 1, 10_000):
                sheet.write("".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{text}{r}</t></is></c></row>'
                    for r in range(start, min(start + 10_000, last + 1))).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


_CHILD = """
import json, sys
from isms.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as fh:  # this process's own peak resident memory
    peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
print(json.dumps({"code": code, "peak_mb": peak}), file=sys.stderr)
"""


def import_in_child(*args: str) -> tuple[int, float, str]:
    """`isms import ...` in a child process: (exit code, peak MB, the error line)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, "import", *args], capture_output=True,
                          text=True, timeout=600, check=False)
    lines = done.stderr.strip().splitlines()
    measured = json.loads(lines[-1])
    return measured["code"], measured["peak_mb"], "\n".join(lines[:-1])


@pytest.fixture
def housing_register(register_path: Path) -> Path:
    register = open_register(str(register_path))
    with register.session() as s:
        b.department(s, code="HSG", name="Housing")
        commit(s)
    register.close()
    return register_path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory from /proc")
def test_a_sheet_expanding_past_the_size_limit_is_refused_from_its_zip_directory(
    tmp_path: Path, housing_register: Path
) -> None:
    # 1,048,575 rows of 150-character names: 9 MB of file, 227 MB of sheet XML (a zip bomb in
    # all but the ratio: 24 to 1 passes the per-member ratio check).
    bomb = tall_sheet(tmp_path / "bomb.xlsx", ROWS, "x" * 150)
    code, peak, error = import_in_child("assets", str(bomb), "--db", str(housing_register),
                                        "--department", "HSG", "--dry-run")
    assert code == 1
    assert error == ("isms: error: Cannot read bomb.xlsx: it would unpack to more than the 192 "
                     "MB this import reads (it expands to 227 MB; possibly a zip bomb): split it "
                     "into smaller files and send them again")
    assert peak < 150, f"{peak:.0f} MB to refuse a file from its directory"
    print(f"bomb refused: peak {peak:.0f} MB")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory from /proc")
def test_a_million_row_sheet_is_refused_at_the_row_limit_with_the_import_under_500_mb(
    tmp_path: Path, housing_register: Path
) -> None:
    tall = tall_sheet(tmp_path / "tall.xlsx", ROWS, "Asset ")  # 87 MB of XML: within the size
    code, peak, error = import_in_child("assets", str(tall), "--db", str(housing_register),
                                        "--department", "HSG", "--dry-run")
    assert code == 1
    assert error == ("isms: error: Cannot read tall.xlsx: the sheet has more than 150,000 rows "
                     "of data, more than one import reads: split it into files of fewer rows "
                     "and import each")
    assert peak < PEAK_LIMIT_MB, f"{peak:.0f} MB"
    print(f"1,048,575-row sheet refused at 150,000 rows: peak {peak:.0f} MB")


def test_a_csv_with_more_rows_of_data_than_an_import_reads_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Asset name,Owner\n" + "".join(f"Asset {n},Olive\n" for n in range(1, 2001)))
    limits = Limits(max_data_rows=1_000)
    with pytest.raises(ImportFormatError) as refused, open_source(path, limits=limits) as source:
        for _ in source.rows():
            pass
    assert str(refused.value) == ("Cannot read long.csv: the sheet has more than 1,000 rows of "
                                  "data, more than one import reads: split it into files of "
                                  "fewer rows and import each")


def test_blank_rows_are_not_counted_and_cells_are(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    # 1,500 blank lines cost nothing; 40 rows of 10 cells pass 300 cells.
    path.write_text("\n" * 1500 + "".join(",".join(["v"] * 10) + "\n" for _ in range(40)))
    with open_source(path, limits=Limits(max_data_rows=100)) as source:
        assert sum(1 for _, values in source.rows() if values) == 40
    refused = r"more than 300 cells of data in its first 31 rows of data"
    with pytest.raises(ImportFormatError, match=refused), \
            open_source(path, limits=Limits(max_cells=300)) as source:
        for _ in source.rows():
            pass
