"""Workbooks that claim a million rows or 16,384 columns: read in bounded time and memory.

Each is read in a fresh process so that its peak memory (Rust's included) can be measured.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .files import rezip, sheet_xml, xlsx

pytestmark = pytest.mark.slow

READ = """
import json, resource, sys, time
from isms.io.readers import open_source
t = time.perf_counter()
with open_source(sys.argv[1]) as source:
    rows = 0
    last = None
    for number, values in source.rows():
        rows += 1
        if values:
            last = [number, [str(v) for v in values]]
    notes = [[n.row, n.column, n.message] for n in source.notes()]
seconds = time.perf_counter() - t
try:  # VmHWM: this process's own peak (ru_maxrss survives exec, so it may be the parent's)
    with open("/proc/self/status") as fh:
        peak = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "last": last, "notes": notes, "seconds": seconds, "peak_mb": peak}))
"""


def _read_in_child(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", READ, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _base(tmp_path: Path) -> Path:
    return xlsx(
        tmp_path / "base.xlsx",
        {"Assets": [[f"CS-{r:03d}", f"Asset {r}"] + [r] * 10 for r in range(1, 201)]},
    )


def test_a_stray_value_in_xfd1_and_formatting_down_to_the_last_row(tmp_path: Path) -> None:
    base = _base(tmp_path)
    xml = sheet_xml(base)
    xml = xml.replace(
        b'<row r="1">', b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>stray</t></is></c>', 1
    )
    # Move the stray cell to the end of row 1 (cells are in column order in real files).
    xml = re.sub(
        rb'(<row r="1">)(<c r="XFD1".*?</c>)(.*?)(</row>)', rb"\1\3\2\4", xml, count=1, flags=re.S
    )
    formatted = b"".join(
        b'<row r="%d"><c r="A%d" s="0"/><c r="L%d" s="0"/></row>' % (n, n, n)
        for n in range(201, 1_048_577)
    )
    xml = xml.replace(b"</sheetData>", formatted + b"</sheetData>")
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    path = rezip(base, tmp_path / "claims.xlsx", {"xl/worksheets/sheet1.xml": xml})
    result = _read_in_child(path)
    assert result["rows"] == 200
    assert result["last"] == [200, ["CS-200", "Asset 200"] + ["200"] * 10]
    assert result["notes"] == [[1, 16384, result["notes"][0][2]]]  # type: ignore[index]
    assert "column XFD has data beyond the 512-column limit" in result["notes"][0][2]  # type: ignore[index]
    assert result["seconds"] < 30 and result["peak_mb"] < 300, result


def test_one_value_in_a1_and_one_in_xfd1048576(tmp_path: Path) -> None:
    """calamine alone would ask for 17 billion cells here and abort the process."""
    path = xlsx(
        tmp_path / "corner.xlsx", {"S": []}, cells={"S": {"A1": "top", "XFD1048576": "bottom"}}
    )
    result = _read_in_child(path)
    assert result["rows"] == 1 and result["last"] == [1, ["top"]]
    assert result["notes"][0][:2] == [1048576, 16384]  # type: ignore[index]
    assert result["seconds"] < 30 and result["peak_mb"] < 300, result


def test_a_stray_value_in_the_last_row(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "tall.xlsx",
        {"S": [[f"CS-{r}"] + [r] * 11 for r in range(1, 201)]},
        cells={"S": {"A1048576": "bottom"}},
    )
    result = _read_in_child(path)
    assert result["rows"] == 1_048_576 and result["last"] == [1048576, ["bottom"]]
    assert result["seconds"] < 30 and result["peak_mb"] < 300, result


def test_a_wide_sheet_with_data_past_the_column_limit(tmp_path: Path) -> None:
    rows = [[f"r{r}c{c}" for c in range(1, 601)] for r in range(1, 51)]
    path = xlsx(tmp_path / "wide.xlsx", {"S": rows})
    result = _read_in_child(path)
    assert result["rows"] == 50
    assert len(result["last"][1]) == 512  # type: ignore[index]
    assert [n[:2] for n in result["notes"]][:2] == [[1, 513], [1, 514]]  # type: ignore[union-attr]
    assert len(result["notes"]) == 88  # type: ignore[arg-type]


def test_the_zip_directory_of_a_generated_file_is_sane(tmp_path: Path) -> None:
    with zipfile.ZipFile(_base(tmp_path)) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
