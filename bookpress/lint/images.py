"""Rules over the images a chapter uses: alternative text and print resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..cover import pixel_size
from ..gate import Gate, project_root
from ..model import PrintSettings
from .finding import Finding
from .source import Text

MIN_PPI = 300
MM_PER_INCH = 25.4
RESOLUTION_FREE = (".svg",)  # vector images print sharp at any size

_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def text_width_mm(settings: PrintSettings) -> float:
    """The width of the printed text block: trim width minus inner and outer margins."""
    return settings.width_mm - settings.inner_margin_mm - settings.outer_margin_mm


def images(text: Text, settings: PrintSettings) -> Iterator[Finding]:
    """E021 images without alt text, W022 raster images under 300 ppi at the text width."""
    for number, line in text.masked.items():
        for column, src, alt in _images_in(line):
            if not alt.strip():
                yield Finding(
                    text.path,
                    number,
                    column,
                    "E021",
                    f"image '{src}' has no alternative text; describe it in ![…]",
                )
            finding = _resolution(text.path, number, column, src, settings)
            if finding is not None:
                yield finding


def _images_in(line: str) -> Iterator[tuple[int, str, str]]:
    for match in _MARKDOWN_IMAGE.finditer(line):
        yield match.start() + 1, match.group("src"), match.group("alt")
    for match in _HTML_IMAGE.finditer(line):
        attributes = {
            m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTRIBUTE.finditer(match.group(0))
        }
        yield match.start() + 1, attributes.get("src", ""), attributes.get("alt", "")


def _resolution(path: Path, line: int, column: int, src: str, settings: PrintSettings) -> Finding | None:
    target = path.parent / PurePosixPath(src)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", src) or target.suffix.lower() in RESOLUTION_FREE:
        return None
    root = project_root(path)
    # Only a regular file inside the project is opened (never a FIFO, a device or a linked file).
    size = pixel_size(target) if root is not None and Gate(root).is_file(target) else None
    if size is None:
        return None  # missing or unreadable: the build's own check (E020) reports it
    width_mm = text_width_mm(settings)
    needed = round(width_mm / MM_PER_INCH * MIN_PPI)
    ppi = size[0] / (width_mm / MM_PER_INCH)
    if ppi >= MIN_PPI:
        return None
    return Finding(
        path,
        line,
        column,
        "W022",
        f"image '{src}' is {size[0]} px wide: {ppi:.0f} ppi at the printed text width "
        f"of {width_mm:g} mm; print needs {needed} px ({MIN_PPI} ppi)",
    )
