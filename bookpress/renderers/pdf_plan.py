"""What a PDF edition is made of, without WeasyPrint.

The profiles, the settings every layout of an edition shares (:class:`Setup`),
and the plan of a print edition cut into units (:func:`plan`): the process
that starts a build plans it and hands the units to workers, which lay them
out with :mod:`.pdf`. Importing this module loads no part of WeasyPrint, so
a build's main process starts its workers' jobs without waiting for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import BookError
from ..model import Book, PrintSettings, Volume, isbn_digits
from . import pdf_html
from .pdf_checks import declared_families

MARKS_MM = 10.0  # room outside the bleed for crop marks (mm)


@dataclass(frozen=True)
class PdfProfile:
    """What differs between the PDF editions."""

    name: str
    stylesheets: tuple[str, ...]  # files in the project's styles/, in cascade order
    bleed: bool  # bleed (and crop marks if configured) around the trim size
    mirrored: bool  # inner margin wider (a bound book) or both margins equal (a screen)
    variant: str | None  # WeasyPrint pdf_variant
    check_images: bool  # warn about raster images below 300 ppi
    in_units: bool  # laid out chapter by chapter and joined


PRINT = PdfProfile(
    "print",
    ("fonts.css", "base.css", "print.css"),
    bleed=True,
    mirrored=True,
    variant=None,
    check_images=True,
    in_units=True,
)
# PDF/UA-1 tags the content (headings, paragraphs, lists, figures with alt text)
# so screen readers can follow it; WeasyPrint says its variants are not
# guaranteed valid, so the README claims only what the tests check.
SCREEN = PdfProfile(
    "screen",
    ("fonts.css", "base.css", "print.css", "screen.css"),
    bleed=False,
    mirrored=False,
    variant="pdf/ua-1",
    check_images=False,
    in_units=True,
)


PROFILES = {profile.name: profile for profile in (PRINT, SCREEN)}


@dataclass(frozen=True)
class Setup:
    """What every layout of one edition shares; plain data, so it can go to a worker process."""

    root: Path
    resources: Mapping[str, bytes]
    css: tuple[tuple[str, str], ...]  # (base URL, text) in cascade order
    settings: PrintSettings
    profile: PdfProfile
    identifier: str
    language: str
    digest: str  # of everything above that shapes a layout (see :func:`shaping_digest`)
    cache_root: Path | None = None  # the project whose build cache units use; None: no cache

    @property
    def base_url(self) -> str:
        return (self.root / "styles").as_uri() + "/"

    @property
    def fonts(self) -> set[str]:
        return declared_families(text for _, text in self.css)


def edition_setup(
    book: Book, volume: Volume, profile: PdfProfile, *, cache_root: Path | None = None
) -> Setup:
    css = tuple(_stylesheet_texts(book, profile))
    resources = dict(book.resources)
    return Setup(
        root=book.root,
        resources=resources,
        css=css,
        settings=book.print,
        profile=profile,
        identifier=identifier(volume, profile),
        language=book.series.language,
        digest=shaping_digest(css, resources, book.print, profile, book.series.language, book.root),
        cache_root=cache_root,
    )


def shaping_digest(
    css: Sequence[tuple[str, str]],
    resources: Mapping[str, bytes],
    settings: PrintSettings,
    profile: PdfProfile,
    language: str,
    root: Path,
) -> str:
    """SHA-256 of what shapes a layout besides its HTML: stylesheets, the files they and the
    text use (fonts, images), page geometry, the profile, the language, the project's
    place (file URLs). The renderer adds the versions of the libraries that lay out
    and shape text to its cache keys (WeasyPrint, and with it Pango, are not loaded here)."""
    digest = hashlib.sha256()
    parts: list[bytes] = [
        repr((settings, profile, language, root.as_posix())).encode(),
        *(f"{url}\n{text}".encode() for url, text in css),
    ]
    for name in sorted(resources):
        parts += [name.encode(), hashlib.sha256(resources[name]).digest()]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass(frozen=True)
class UnitJob:
    """One unit of a volume's body to lay out: ``index`` counts from 0, the author page last."""

    setup: Setup
    index: int
    anchor: str  # id of the unit's element
    html: str


@dataclass(frozen=True)
class Laid:
    """A laid-out unit: its PDF, where it begins, and what the author should hear about it."""

    index: int
    first_folio: int
    pages: int
    pdf: bytes
    warnings: tuple[str, ...] = ()


class Board(Protocol):
    """Where the units of one edition tell each other their page counts."""

    def publish(self, index: int, pages: int, recto: bool) -> None: ...

    def first_folio(self, index: int, recto: bool) -> int:
        """The first folio of unit ``index``; waits until the units before it have published."""
        ...

    def abandon(self, index: int) -> None:
        """Unit ``index`` failed: the units after it stop waiting for it."""
        ...


def first_folio(counts: Mapping[int, tuple[int, bool]], index: int, recto: bool) -> int | None:
    """The folio unit ``index`` opens on, from the (pages, recto) of the units before it.

    The text starts at folio 1; a unit that opens on a right-hand page (odd
    folio) after one that ends on a right-hand page has a blank page before it.
    None while a count is missing.
    """
    folio = 1
    for before in range(index):
        if before not in counts:
            return None
        pages, opens_right = counts[before]
        if opens_right and folio % 2 == 0:
            folio += 1
        folio += pages
    if recto and folio % 2 == 0:
        folio += 1
    return folio


@dataclass
class LocalBoard:
    """A board for units laid out in order in one process: every count is there when asked for."""

    counts: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def publish(self, index: int, pages: int, recto: bool) -> None:
        self.counts[index] = (pages, recto)

    def first_folio(self, index: int, recto: bool) -> int:
        folio = first_folio(self.counts, index, recto)
        if folio is None:
            raise RuntimeError(f"unit {index} laid out before the units ahead of it")
        return folio

    def abandon(self, index: int) -> None:
        pass


@dataclass(frozen=True)
class Plan:
    """A print edition cut into units: what to lay out, and what the front matter needs after."""

    setup: Setup
    front: str  # HTML of the front matter and its stand-ins
    anchors: tuple[str, ...]  # of the units, in order
    jobs: tuple[UnitJob, ...]


def plan(
    book: Book, volume: Volume, *, timestamp: dt.datetime, profile: PdfProfile, cache_root: Path | None = None
) -> Plan:
    """The units of a print edition; with ``cache_root``, units use that project's build cache."""
    setup = edition_setup(book, volume, profile, cache_root=cache_root)
    anchors = (*(chapter.doc.anchor for chapter in volume.chapters), book.author_page.anchor)
    jobs = tuple(
        UnitJob(
            setup,
            index,
            anchor,
            pdf_html.unit_document(book, volume, index, timestamp=timestamp, profile=profile.name),
        )
        for index, anchor in enumerate(anchors)
    )
    front = pdf_html.front_document(book, volume, timestamp=timestamp, profile=profile.name)
    return Plan(setup, front, anchors, jobs)


def identifier(volume: Volume, profile: PdfProfile) -> str:
    """The PDF's stable document identifier."""
    return f"urn:isbn:{isbn_digits(volume.isbn.print)}:{profile.name}"


def _stylesheet_texts(book: Book, profile: PdfProfile) -> list[tuple[str, str]]:
    """(base URL, CSS) of the generated geometry and of each stylesheet file, in order."""
    sheets = [(book.styles.as_uri() + "/", geometry_css(book.print, profile))]
    for name in profile.stylesheets:
        key = f"styles/{name}"
        if key not in book.resources:
            raise BookError(f"the stylesheet {key} is missing", file=book.styles / name)
        # The base URL makes url() and @import relative to the file; the fetcher serves them.
        sheets.append(((book.root / key).as_uri(), book.resources[key].decode("utf-8-sig")))
    return sheets


def geometry_css(settings: PrintSettings, profile: PdfProfile) -> str:
    """Page size, bleed, crop marks and margins from ``book.toml [print]``."""
    s = settings
    bleed = s.bleed_mm + (MARKS_MM if s.crop_marks else 0) if profile.bleed else 0
    marks = "crop" if profile.bleed and s.crop_marks else "none"
    inner, outer = s.inner_margin_mm, s.outer_margin_mm
    if not profile.mirrored:
        inner = outer = (inner + outer) / 2
    return (
        f"@page {{ size: {s.width_mm}mm {s.height_mm}mm; bleed: {bleed}mm; marks: {marks}; "
        f"margin-top: {s.top_margin_mm}mm; margin-bottom: {s.bottom_margin_mm}mm; }}\n"
        f"@page :left {{ margin-left: {outer}mm; margin-right: {inner}mm; }}\n"
        f"@page :right {{ margin-left: {inner}mm; margin-right: {outer}mm; }}\n"
    )
