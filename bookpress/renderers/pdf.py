"""Print and screen PDF editions. The only module that imports WeasyPrint.

One HTML document per volume (see :mod:`.pdf_html`) is laid out with the
project's stylesheets plus one generated from ``book.toml [print]``, then
written with fixed dates and a stable identifier so rebuilds are
byte-identical. WeasyPrint reads files only through :class:`ProjectFetcher`.
After layout the build fails if a fallback font would be used; the print
profile warns about raster images below 300 ppi.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import BookError, BookErrors, Problem
from ..hyphenation import use_safer_german
from ..model import Book, PrintSettings, Volume, isbn_digits
from . import pdf_html
from .pdf_checks import check_fonts, check_images, declared_families, misplaced_footnotes

LOG = logging.getLogger("bookpress")
MM = 72 / 25.4  # PDF points per millimetre
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


PRINT = PdfProfile(
    "print",
    ("fonts.css", "base.css", "print.css"),
    bleed=True,
    mirrored=True,
    variant=None,
    check_images=True,
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
)


class ProjectFetcher(URLFetcher):
    """Serves the checked files of the project (``book.resources``), and nothing else.

    Anything else (another scheme, a path outside the project, a file the
    loader did not read and check) stops the rendering: WeasyPrint would
    otherwise only log a warning and go on. Nothing is read from disk here.
    """

    def __init__(self, root: Path, resources: Mapping[str, bytes]) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = PurePosixPath(root.resolve().as_posix())
        self.resources = resources

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        key = self.key(url)
        if key is None:
            raise FatalURLFetchingError(f"'{url}' is not a checked file inside the project folder")
        return URLFetcherResponse(url, self.resources[key])

    def key(self, url: str) -> str | None:
        """The project-relative path ``url`` names, if it is one of the checked files."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = PurePosixPath(posixpath.normpath(unquote(parts.path)))
        if not path.is_relative_to(self.root):
            return None
        key = path.relative_to(self.root).as_posix()
        return key if key in self.resources else None


class _ErrorLog(logging.Handler):
    """Collects what WeasyPrint logs at ERROR (an image it cannot load, a refused URL)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0] if record.getMessage() else "unknown error"
        self.messages.append(message[:300])  # a reason, not a dump of what was read


@contextmanager
def _errors_stop_the_build() -> Iterator[None]:
    """Turn WeasyPrint's ERROR log lines during rendering into a BookError: an image it
    could not use would otherwise be silently missing from the PDF."""
    logger = logging.getLogger("weasyprint")
    handler = _ErrorLog()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise BookErrors(
            [
                Problem(f"the PDF could not be made as written: {message}")
                for message in dict.fromkeys(handler.messages)
            ]
        )


def render(book: Book, volume: Volume, *, timestamp: dt.datetime, profile: PdfProfile) -> bytes:
    """The PDF of ``volume`` in ``profile`` as bytes; the same input gives the same bytes."""
    use_safer_german(book.series.language)
    source = pdf_html.document(book, volume, timestamp=timestamp, profile=profile.name)
    css = _stylesheet_texts(book, profile)
    try:
        with _errors_stop_the_build():
            document = _layout(book, source, css)
            misplaced = misplaced_footnotes(document)
            if misplaced:
                css.append((book.styles.as_uri() + "/", pdf_html.note_css(misplaced)))
                document = _layout(book, source, css)
                for note in sorted(misplaced_footnotes(document)):
                    LOG.warning("footnote %s is not on the page of its call", note)
            if profile.check_images:
                check_images(document, root=book.root)
            data = document.write_pdf(
                pdf_identifier=identifier(volume, profile).encode(),
                pdf_variant=profile.variant,
                finisher=lambda doc, pdf: _fix_boxes(pdf, book.print, bleed=profile.bleed),
            )
    except FatalURLFetchingError as error:
        raise BookError(f"the PDF may only use files inside the project folder: {error}") from None
    check_fonts(document, allowed=declared_families(text for _, text in css))
    return data


def _layout(book: Book, source: str, css: list[tuple[str, str]]) -> Document:
    """Lay out the HTML with the stylesheets, reading files through the project fetcher."""
    fetcher = ProjectFetcher(book.root, book.resources)
    # @font-face rules of a stylesheet are only used with the FontConfiguration
    # that the document is rendered with.
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=text, base_url=url, url_fetcher=fetcher, font_config=fonts) for url, text in css
    ]
    return HTML(
        string=source, base_url=book.root.as_uri() + "/", url_fetcher=fetcher, media_type="print"
    ).render(stylesheets=stylesheets, font_config=fonts, presentational_hints=False)


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


def _fix_boxes(pdf: pydyf.PDF, settings: PrintSettings, *, bleed: bool) -> None:
    """Set each page's BleedBox to the trim box plus the configured bleed.

    WeasyPrint puts the BleedBox at most 10 pt outside the TrimBox whatever the
    CSS bleed (pdf/__init__.py, "Arbitrarly set PDF BleedBox"), and with crop
    marks our CSS bleed also holds the marks, which must lie outside it.
    """
    extra = settings.bleed_mm * MM if bleed else 0
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/Page":
            left, top, right, bottom = item["TrimBox"]
            item["BleedBox"] = pydyf.Array([left - extra, top - extra, right + extra, bottom + extra])
