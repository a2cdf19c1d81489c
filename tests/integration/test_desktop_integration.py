"""Desktop integration: the icons, the menu entry, install.sh, and the Windows installer script.

packaging/icons.py renders the PNGs and the .ico; desktop-file-validate (Debian's
desktop-file-utils) checks packaging/isms.desktop and the copy install.sh writes; install.sh
(packaging/install-linux.sh) runs against a stand-in bundle with HOME and XDG_DATA_HOME in temporary
folders; Debian's makensis (nsis) compiles packaging/windows/isms.nsi. A missing tool skips its
tests, except under CI (CI is set), where it fails them: a check silently not run is no check.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS_PY = PACKAGING / "icons.py"
DESKTOP = PACKAGING / "isms.desktop"
MIME_XML = PACKAGING / "isms-mime.xml"
MIME_TYPE = "application/x-isms-register"
INSTALL_SH = PACKAGING / "install-linux.sh"
NSI = PACKAGING / "windows" / "isms.nsi"
SVG = ROOT / "ui" / "resources" / "isms.svg"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tool(name: str, package: str) -> str:
    """The tool's path; skips without it, or fails under CI."""
    path = shutil.which(name)
    if path is None:
        why = f"{name} not found: install the Debian package `{package}` (make test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required under CI: {why}", pytrace=False)
        pytest.skip(why)
    return path


def run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False,
                          env=env, cwd=cwd)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"{' '.join(map(str, result.args))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which must come first)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def read_ico(data: bytes) -> dict[int, bytes]:
    """Size -> image bytes of each entry of an ICO file, checking the header as it goes."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1), "not an ICO file"
    images: dict[int, bytes] = {}
    for i in range(count):
        width, height, colours, reserved, planes, bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        assert (colours, reserved, planes, bits) == (0, 0, 1, 32)
        assert width == height
        assert 6 + 16 * count <= offset and offset + size <= len(data)
        images[width or 256] = data[offset:offset + size]
    return images


def desktop_entry(path: Path) -> dict[str, str]:
    entry: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


def validate_desktop(path: Path) -> None:
    result = ok(run([tool("desktop-file-validate", "desktop-file-utils"), str(path)]))
    assert "error" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """packaging/icons.py's output, built once for the module."""
    out = tmp_path_factory.mktemp("icons")
    ok(run([sys.executable, str(ICONS_PY), str(out)]))
    return out


# --- icons -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_is_its_size_and_drawn(icons: Path, size: int) -> None:
    from PySide6.QtGui import QImage

    path = icons / "hicolor" / f"{size}x{size}" / "apps" / "isms.png"
    data = path.read_bytes()
    assert png_size(data) == (size, size)
    image = QImage.fromData(data)
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # The rounded square fills the middle; its rounded corners leave the very corner clear.
    assert image.pixelColor(size // 2, size // 2).alpha() == 255
    assert image.pixelColor(0, 0).alpha() < 255


def test_the_scalable_icon_is_the_app_svg(icons: Path) -> None:
    assert (icons / "hicolor" / "scalable" / "apps" / "isms.svg").read_bytes() == SVG.read_bytes()


def test_the_ico_holds_every_windows_size_as_png(icons: Path) -> None:
    images = read_ico((icons / "isms.ico").read_bytes())
    assert sorted(images) == list(ICO_SIZES)
    for size, data in images.items():
        assert png_size(data) == (size, size)
        png = icons / "hicolor" / f"{size}x{size}" / "apps" / "isms.png"
        assert data == png.read_bytes()


def test_icons_are_the_same_bytes_every_run(icons: Path, tmp_path: Path) -> None:
    ok(run([sys.executable, str(ICONS_PY), str(tmp_path)]))
    first = sorted(p.relative_to(icons) for p in icons.rglob("*") if p.is_file())
    again = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == again
    for rel in first:
        assert (icons / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


# --- the menu entry --------------------------------------------------------------------------


def test_the_desktop_entry_is_valid() -> None:
    validate_desktop(DESKTOP)
    entry = desktop_entry(DESKTOP)
    assert entry["Exec"] == "isms-gui %f"  # a double-clicked register: isms-gui FILE
    assert entry["Icon"] == "isms"
    assert entry["Type"] == "Application"
    assert entry["MimeType"] == f"{MIME_TYPE};"


def test_the_register_file_type_names_the_type_the_entry_opens() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = ElementTree.parse(MIME_XML).getroot().find("m:mime-type", ns)
    assert kind is not None and kind.get("type") == MIME_TYPE
    assert [glob.get("pattern") for glob in kind.findall("m:glob", ns)] == ["*.isms"]


# --- install.sh ------------------------------------------------------------------------------


@pytest.fixture
def bundle(tmp_path: Path, icons: Path) -> Path:
    """A stand-in for dist/isms: stub commands, _internal, share/ and install.sh, as built."""
    folder = tmp_path / "bundle"
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "libpython.so").write_bytes(b"stub")
    for name in ("isms", "isms-gui"):
        command = folder / name
        command.write_text(f'#!/bin/sh\necho "{name} stub $*"\n', encoding="utf-8")
        command.chmod(0o755)
    (folder / "share" / "applications").mkdir(parents=True)
    shutil.copyfile(DESKTOP, folder / "share" / "applications" / "isms.desktop")
    shutil.copytree(icons / "hicolor", folder / "share" / "icons" / "hicolor")
    (folder / "share" / "mime" / "packages").mkdir(parents=True)
    shutil.copyfile(MIME_XML, folder / "share" / "mime" / "packages" / "isms.xml")
    shutil.copyfile(icons / "isms.ico", folder / "isms.ico")
    shutil.copyfile(INSTALL_SH, folder / "install.sh")
    (folder / "install.sh").chmod(0o755)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for install.sh: HOME and XDG_DATA_HOME in temporary folders."""
    home = tmp_path / "home"
    home.mkdir()
    yield {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg-data")}


def sh(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run(["/bin/sh", str(script), *args], env=env, cwd=script.parent.parent)


def installed_files(data_home: Path, home: Path) -> list[Path]:
    """Everything install.sh may have put outside the app folder."""
    found = list((home / ".local" / "bin").glob("isms*"))
    found += list((data_home / "applications").glob("isms*.desktop"))
    found += list((data_home / "icons").rglob("isms.*"))
    found += list((data_home / "mime" / "packages").glob("isms*"))
    return found


def check_installed(app: Path, data_home: Path, home: Path, icons: Path) -> None:
    assert (app / "isms-gui").is_file() and (app / "_internal" / "libpython.so").is_file()
    assert os.access(app / "isms-gui", os.X_OK)
    for name in ("isms", "isms-gui"):
        link = home / ".local" / "bin" / name
        assert link.is_symlink()
        assert Path(os.readlink(link)) == app / name
        assert ok(run([str(link), "--version"])).stdout == f"{name} stub --version\n"
    desktop = data_home / "applications" / "isms.desktop"
    entry = desktop_entry(desktop)
    exec_path = str(app / "isms-gui")
    assert entry["Exec"] in (f"{exec_path} %f", f'"{exec_path}" %f')
    assert (data_home / "mime" / "packages" / "isms.xml").read_bytes() == MIME_XML.read_bytes()
    assert entry["Icon"] == "isms"
    if shutil.which("desktop-file-validate") or os.environ.get("CI"):  # else its own test skips
        validate_desktop(desktop)
    for size in PNG_SIZES:
        rel = Path("hicolor") / f"{size}x{size}" / "apps" / "isms.png"
        assert (data_home / "icons" / rel).read_bytes() == (icons / rel).read_bytes()
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / "isms.svg").is_file()


def test_install_twice_then_uninstall_keeps_user_data(
    bundle: Path, home: dict[str, str], icons: Path
) -> None:
    data_home, user_home = Path(home["XDG_DATA_HOME"]), Path(home["HOME"])
    app = data_home / "isms-app"
    register = data_home / "isms" / "register.isms"
    register.parent.mkdir(parents=True)
    register.write_bytes(b"the register")

    ok(sh(bundle / "install.sh", home))
    check_installed(app, data_home, user_home, icons)
    (app / "_internal" / "left-from-old-version").write_bytes(b"old")
    ok(sh(bundle / "install.sh", home))  # again: an upgrade replaces the app folder
    check_installed(app, data_home, user_home, icons)
    assert not (app / "_internal" / "left-from-old-version").exists()
    assert not list(data_home.glob("isms-app.new.*"))

    # The installed copy's own install.sh knows where it is installed.
    ok(sh(app / "install.sh", home, "--uninstall"))
    assert not app.exists()
    assert installed_files(data_home, user_home) == []
    assert register.read_bytes() == b"the register"
    ok(sh(bundle / "install.sh", home, "--uninstall"))  # nothing left to remove: still fine
    assert register.read_bytes() == b"the register"


def test_install_with_a_prefix_holding_a_space(
    bundle: Path, home: dict[str, str], icons: Path, tmp_path: Path
) -> None:
    del home["XDG_DATA_HOME"]  # the default, ~/.local/share
    user_home = Path(home["HOME"])
    data_home = user_home / ".local" / "share"
    app = tmp_path / "my apps" / "isms"

    ok(sh(bundle / "install.sh", home, "--prefix", str(app)))
    ok(sh(bundle / "install.sh", home, f"--prefix={app}"))
    check_installed(app, data_home, user_home, icons)
    assert desktop_entry(data_home / "applications" / "isms.desktop")["Exec"] == (
        f'"{app}/isms-gui" %f'
    )
    assert not (data_home / "isms-app").exists()

    ok(sh(bundle / "install.sh", home, "--prefix", str(app), "--uninstall"))
    assert not app.exists()
    assert installed_files(data_home, user_home) == []


def test_install_replaces_nothing_it_did_not_make(
    bundle: Path, home: dict[str, str], tmp_path: Path
) -> None:
    someone_elses = tmp_path / "elsewhere"
    someone_elses.mkdir()
    (someone_elses / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = sh(bundle / "install.sh", home, "--prefix", str(someone_elses))
    assert refused.returncode != 0 and "not made by install.sh" in refused.stderr
    assert [p.name for p in someone_elses.iterdir()] == ["notes.txt"]

    data_home = Path(home["XDG_DATA_HOME"])
    for folder in (data_home / "isms", Path(home["HOME"])):
        refused = sh(bundle / "install.sh", home, "--prefix", str(folder))
        assert refused.returncode != 0

    # A command of the same name that is not a link (say a pip --user script) stays.
    bin_dir = Path(home["HOME"]) / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "isms").write_text("#!/bin/sh\n", encoding="utf-8")
    refused = sh(bundle / "install.sh", home)
    assert refused.returncode != 0 and "is not a link" in refused.stderr
    assert (bin_dir / "isms").read_text(encoding="utf-8") == "#!/bin/sh\n"


def test_install_sh_is_executable_posix_sh() -> None:
    assert INSTALL_SH.stat().st_mode & stat.S_IXUSR
    assert INSTALL_SH.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    for shell in ("dash", "bash"):
        path = shutil.which(shell)
        if path:
            ok(run([path, "-n", str(INSTALL_SH)]))


# --- the Windows installer -------------------------------------------------------------------


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def test_the_nsis_script_compiles(icons: Path, tmp_path: Path) -> None:
    makensis = tool("makensis", "nsis")
    bundle = tmp_path / "isms"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "python311.dll").write_bytes(b"stub")
    for exe in ("isms.exe", "isms-gui.exe"):
        (bundle / exe).write_bytes(b"MZ stub")
    shutil.copyfile(icons / "isms.ico", bundle / "isms.ico")
    out = tmp_path / "out" / "isms-setup.exe"
    out.parent.mkdir()

    # -WX: a warning fails the build, so the script stays clean as well as valid.
    ok(run([makensis, "-WX", "-V2", f"-DVERSION={project_version()}", f"-DBUNDLE={bundle}",
            f"-DOUTFILE={out}", str(NSI)]))
    assert out.read_bytes()[:2] == b"MZ"

    missing = run([makensis, "-V2", f"-DBUNDLE={bundle}", f"-DOUTFILE={out}.2", str(NSI)])
    assert missing.returncode != 0, "the version must be passed, never defaulted"
    assert "-DVERSION" in missing.stdout + missing.stderr
