"""Checks on a laid-out PDF document: fonts and image resolution.

These read WeasyPrint's document objects by their attributes only; the
import of WeasyPrint stays in :mod:`.pdf`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import BookError

LOG = logging.getLogger("bookpress")
MIN_PPI = 300
CSS_PX_PER_INCH = 96
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FAMILY = re.compile(r"font-family\s*:\s*([^;]+)", re.IGNORECASE)


def declared_families(css: Iterable[str]) -> set[str]:
    """The families that ``@font-face`` rules in ``css`` define: the fonts we ship."""
    families = set()
    for text in css:
        for block in _FONT_FACE.findall(text):
            for value in _FAMILY.findall(block):
                families.add(value.strip().strip("\"'"))
    return families


def check_fonts(document: Any, *, allowed: set[str]) -> None:
    """Fail if the PDF uses a font other than the shipped ones (a Fontconfig fallback).

    Every font WeasyPrint writes is embedded (as a subset); what can go wrong is
    a glyph or family missing from our fonts, which Fontconfig silently fills
    with a system font that differs between machines.
    """
    used = sorted({font.family for font in document.fonts.values()})
    foreign = [family for family in used if family not in allowed]
    if foreign:
        raise BookError(
            f"the PDF would use the system font(s) {', '.join(foreign)} in place of "
            f"{', '.join(sorted(allowed)) or 'the fonts in styles/fonts.css'}: a character or "
            "style is missing from the book's fonts, or a stylesheet names another font family"
        )


def check_images(document: Any, *, root: Path) -> None:
    """Warn about each raster image printed at less than 300 ppi, naming its file."""
    seen: set[tuple[str, int]] = set()
    for box in _replaced_boxes(document):
        image = box.replacement
        pixels = getattr(image, "width", None)  # raster images only; SVG scales freely
        if not isinstance(pixels, int) or not box.width:
            continue
        ppi = round(pixels / (box.width / CSS_PX_PER_INCH))
        name = _project_path(box.element.get("src", ""), root)
        if ppi < MIN_PPI and (name, ppi) not in seen:
            seen.add((name, ppi))
            LOG.warning(
                "%s: printed at %d ppi, below the %d ppi a printer needs; use an image "
                "with at least %d pixels across or print it smaller",
                name,
                ppi,
                MIN_PPI,
                round(box.width / CSS_PX_PER_INCH * MIN_PPI),
            )


def misplaced_footnotes(document: Any) -> set[str]:
    """Ids of footnotes that are not set on the page of their call."""
    return misplaced_on_pages([page._page_box for page in document.pages])


def misplaced_on_pages(pages: Iterable[Any]) -> set[str]:
    """Ids of footnotes not set on the page of their call, from WeasyPrint's page boxes."""
    misplaced = set()
    for page in pages:
        calls = {
            box.element.get("id")
            for box in page.descendants()
            if (box.element_tag or "").endswith("::footnote-call")
        }
        notes = {
            box.element.get("id")
            for area in page.children
            if type(area).__name__ == "FootnoteAreaBox"
            for box in area.descendants()
            if box.element is not None
        }
        misplaced |= calls - notes
    return misplaced


def _replaced_boxes(document: Any) -> Iterator[Any]:
    for page in document.pages:
        for box in page._page_box.descendants():
            if hasattr(box, "replacement") and box.element is not None:
                yield box


def _project_path(src: str, root: Path) -> str:
    """A readable name for an image source: project-relative where possible."""
    parts = urlsplit(src)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return src
