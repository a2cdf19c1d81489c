"""Render the app icon, ui/resources/isms.svg, to the files desktops and Windows want.

    python packaging/icons.py OUTDIR [--svg PATH]

writes

    OUTDIR/hicolor/NxN/apps/isms.png     N in PNG_SIZES (the freedesktop hicolor theme layout)
    OUTDIR/hicolor/scalable/apps/isms.svg
    OUTDIR/isms.ico                      every size in ICO_SIZES, each a PNG (Windows Vista on)

Qt renders (QtSvg's QSvgRenderer into a QImage, offscreen: no display needed). The .ico is
written here rather than by Qt's ico plugin, which stores one image only. Its format: a 6-byte
ICONDIR (reserved 0, type 1, count), one 16-byte ICONDIRENTRY per image (width and height, 0
meaning 256; colours 0; reserved 0; planes 1; bits per pixel 32; byte size; offset), then the
images. The output is the same bytes on every run with the same Qt. `make package` runs this
through packaging/isms.spec; the files are built, never committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "ui" / "resources" / "isms.svg"
NAME = "isms"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a size x size transparent image, PNG-encoded."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image.convertToFormat(QImage.Format.Format_ARGB32)):
        raise RuntimeError(f"Qt could not encode a {size}px PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file holding each (size -> PNG bytes) entry, smallest first."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries: list[bytes] = []
    blobs: list[bytes] = []
    for size in sizes:
        if not 1 <= size <= 256:
            raise ValueError(f"an ICO image is 1 to 256 px, not {size}")
        blob = images[size]
        side = 0 if size == 256 else size
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def build(outdir: Path, svg: Path = SOURCE) -> list[Path]:
    """Write every icon file under outdir; returns the paths written."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never needs a window or a display
        app = QGuiApplication([sys.argv[0]])  # noqa: F841 (kept alive while rendering)
    written: list[Path] = []
    pngs = {size: render_png(svg, size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    for size in PNG_SIZES:
        path = outdir / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    scalable = outdir / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)
    icon = outdir / f"{NAME}.ico"
    icon.write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    written.append(icon)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="folder to write hicolor/ and isms.ico into")
    parser.add_argument("--svg", type=Path, default=SOURCE, help=f"source SVG (default {SOURCE})")
    args = parser.parse_args(argv)
    written = build(args.outdir, args.svg)
    print(f"icons: wrote {len(written)} files under {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
