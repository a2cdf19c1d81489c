"""The audit pack zip on real files: checked with the real sha256sum, byte-identical when
repeated, escaped, with safe member names, and never left half-written."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from isms.errors import Cancelled
from isms.io.exports.pack import (
    PackFile,
    PackItem,
    PackTable,
    safe_member_name,
    write_pack,
)

GENERATED = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)
META = {"app_version": "1.2.3", "register": "council.isms", "department": None}
XSS = "<script>alert(1)</script>"


def items(tmp_path: Path) -> list[PackItem]:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 9000)  # streamed from disk in pieces
    return [
        PackItem("2", "Evidence of control operation", "Files from the evidence store.",
                 files=[PackFile("evidence/EV-0001 - big.bin", big, label="Backup test"),
                        PackFile("evidence/Report (2).pdf", b"%PDF second")],
                 notes=["1 piece of evidence is stale"],
                 table=PackTable(["Ref", "Status"], [["EV-0001", ""], ["EV-0002", "stale"]],
                                 flag_column=1)),
        PackItem("1", "ISMS scope", "Who is in scope.",
                 files=[PackFile("scope.html", b"<html>scope</html>")]),
        PackItem("10", "Change log", files=[PackFile(
            "change-log.csv", lambda: iter([b"id,label\r\n", b"1,x\r\n"]))],
            facts=[("Head hash", "ab" * 32)]),
    ]


def write(tmp_path: Path, target: Path, **overrides: object) -> Path:
    options: dict[str, object] = {"title": "Audit pack", "scope": "Whole council",
                                  "generated": GENERATED, "meta": META}
    write_pack(target, items(tmp_path), **(options | overrides))  # type: ignore[arg-type]
    return target


def unpack(pack: Path, into: Path) -> Path:
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(into)
    return into


def test_sha256sum_verifies_the_unpacked_pack(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()  # an export never makes the folder it is told to write in
    pack = write(tmp_path, tmp_path / "out" / "pack.zip")
    folder = unpack(pack, tmp_path / "unpacked")
    assert shutil.which("sha256sum"), "coreutils sha256sum is needed for this test"
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit(": ", 1)[0] for line in done.stdout.splitlines()}
    assert checked == {"index.html", "manifest.json", "scope.html", "change-log.csv",
                       "evidence/EV-0001 - big.bin", "evidence/Report (2).pdf"}
    # ...and an altered file is caught.
    (folder / "scope.html").write_bytes(b"<html>changed</html>")
    again = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                           check=False)
    assert again.returncode != 0


def test_the_same_inputs_give_a_byte_identical_zip(tmp_path: Path) -> None:
    first = write(tmp_path, tmp_path / "a.zip")
    second = write(tmp_path, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    other = write(tmp_path, tmp_path / "c.zip", generated=datetime(2026, 3, 3, tzinfo=UTC))
    assert other.read_bytes() != first.read_bytes()


def test_members_have_fixed_times_permissions_and_order(tmp_path: Path) -> None:
    pack = write(tmp_path, tmp_path / "pack.zip", generated=datetime(1970, 1, 1))
    with zipfile.ZipFile(pack) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == ["change-log.csv", "evidence/EV-0001 - big.bin", "evidence/Report (2).pdf",
                     "scope.html", "index.html", "manifest.json", "SHA256SUMS"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}  # clamped to the zip epoch
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_the_summary_and_manifest_describe_every_member(tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    summary = write_pack(target, items(tmp_path), title="Audit pack", scope="Whole council",
                         generated=GENERATED, meta=META)
    assert summary.path == target.resolve()
    assert summary.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        big = archive.read("evidence/EV-0001 - big.bin")
    assert [i["number"] for i in manifest["items"]] == ["1", "2", "10"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed["evidence/EV-0001 - big.bin"] == {
        "path": "evidence/EV-0001 - big.bin", "size": len(big),
        "sha256": hashlib.sha256(big).hexdigest()}
    assert "index.html" in listed and "manifest.json" not in listed
    assert manifest["meta"] == META and manifest["generated"] == "2026-03-02T09:30:15+00:00"
    assert manifest["items"][2]["facts"] == [["Head hash", "ab" * 32]]
    assert {f.path for f in summary.files} == set(listed) | {"manifest.json"}


def test_the_index_escapes_every_text_and_loads_nothing(tmp_path: Path) -> None:
    hostile = [PackItem("1", XSS, f"Description {XSS}", notes=[XSS], facts=[(XSS, XSS)],
                        table=PackTable([XSS], [[XSS], ["https://evil.example/x.js"]]),
                        files=[PackFile("evidence/a.pdf", b"x", label=XSS)])]
    target = tmp_path / "pack.zip"
    write_pack(target, hostile, title=XSS, scope=XSS, generated=GENERATED,
               meta={"register": XSS})
    with zipfile.ZipFile(target) as archive:
        index = archive.read("index.html").decode()
    assert "<script" not in index.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    # The one external address appears as text, never as a link, source or import.
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', index)
    assert hrefs and all(h.startswith("#item-") or h.startswith("evidence/") for h in hrefs)
    assert "https://evil.example/x.js" in index
    assert "@import" not in index and "url(" not in index
    assert "Content-Security-Policy" in index


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\evil.exe", "evil.exe"),
    ("C:evil.exe", "evil.exe"),
    ("/etc/shadow", "shadow"),
    ("..", "file"),
    ("", "file"),
    (".pdf", "file.pdf"),
    ("a\x00b\x1f\u202etxt.exe", "abtxt.exe"),
    ('what?<is>"this"|*.docx', "what__is__this___.docx"),
    ("CON.txt", "_CON.txt"),
    ("Report .pdf", "Report.pdf"),
    ("index.html", "index (2).html"),
])
def test_safe_member_names(name: str, expected: str) -> None:
    assert safe_member_name(name, set()) == expected


def test_clashing_names_get_numbered_case_insensitively() -> None:
    taken: set[str] = set()
    names = [safe_member_name(n, taken)
             for n in ("Report.pdf", "report.PDF", "dir/Report.pdf", "Report (2).pdf")]
    assert names == ["Report.pdf", "report (2).PDF", "Report (3).pdf", "Report (2) (2).pdf"]
    assert len({n.casefold() for n in names}) == 4


def test_a_very_long_name_is_shortened_keeping_its_extension() -> None:
    name = safe_member_name("é" * 300 + ".xlsx", set())
    assert name.endswith(".xlsx") and len(name.encode()) <= 120


@pytest.mark.parametrize("path", ["../x.pdf", "/abs.pdf", "evidence/../x", "a\\b.pdf",
                                  "index.html", "evidence//x.pdf"])
def test_unsafe_member_paths_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError):
        write_pack(tmp_path / "p.zip", [PackItem("1", "x", files=[PackFile(path, b"")])],
                   title="t", scope="s", generated=GENERATED, meta={})
    assert list(tmp_path.iterdir()) == []


def test_clashing_member_paths_are_refused(tmp_path: Path) -> None:
    clash = [PackItem("1", "x", files=[PackFile("a/B.pdf", b"1")]),
             PackItem("2", "y", files=[PackFile("A/b.PDF", b"2")])]
    with pytest.raises(ValueError, match="Two files"):
        write_pack(tmp_path / "p.zip", clash, title="t", scope="s", generated=GENERATED,
                   meta={})


def test_a_crash_mid_write_leaves_neither_pack_nor_temp_file(tmp_path: Path) -> None:
    def broken() -> Iterator[bytes]:
        yield b"first half"
        raise OSError(5, "Input/output error")

    folder = tmp_path / "out"
    folder.mkdir()
    doomed = [PackItem("1", "x", files=[PackFile("a.bin", b"fine"), PackFile("b.bin", broken)])]
    with pytest.raises(Exception, match="Input/output error"):
        write_pack(folder / "pack.zip", doomed, title="t", scope="s", generated=GENERATED,
                   meta={})
    assert list(folder.iterdir()) == []


def test_a_crash_keeps_the_previous_pack_intact(tmp_path: Path) -> None:
    target = write(tmp_path, tmp_path / "pack.zip")
    before = target.read_bytes()

    def broken() -> Iterator[bytes]:
        raise RuntimeError("bug in a renderer")
        yield b""

    with pytest.raises(RuntimeError):
        write_pack(target, [PackItem("1", "x", files=[PackFile("a.bin", broken)])],
                   title="t", scope="s", generated=GENERATED, meta={})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin", "pack.zip"]


def test_progress_reports_each_member_and_can_cancel(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    write(tmp_path, tmp_path / "pack.zip", progress=lambda *a: seen.append(a))
    assert seen[0] == ("change-log.csv", 0, 7) and seen[-1] == ("SHA256SUMS", 6, 7)

    def cancel(stage: str, done: int, total: int) -> None:
        if done == 2:
            raise Cancelled("Stopped by the user.")

    with pytest.raises(Cancelled):
        write(tmp_path, tmp_path / "cancelled.zip", progress=cancel)
    assert not (tmp_path / "cancelled.zip").exists()
    assert not list(tmp_path.glob(".*partial"))
