"""Print and screen PDF editions; with :mod:`.cover_pdf`, the only modules that import WeasyPrint.

The HTML (see :mod:`.pdf_html`) is laid out with the project's stylesheets
plus one generated from ``book.toml [print]``, then written with fixed dates
and a stable identifier so rebuilds are byte-identical. WeasyPrint reads files
only through :class:`ProjectFetcher`. After layout the build fails if a
fallback font would be used; the print profile warns about raster images below
300 ppi.

Both editions are laid out in units: each chapter and the author page opens
on a new page (in print, a right-hand one), so it lays out on its own, apart
from its folios and the side of its pages.
Units are independent jobs (:func:`lay_out_unit`, run by :mod:`bookpress.jobs`
in worker processes or one after another). A unit learns its first folio
only once it is paginated, just before WeasyPrint makes the margin boxes,
from the page counts of the units before it (a :class:`Board`); the folios
never change a line or page break. A page with an odd folio is a right-hand
page; a unit laid out from a right-hand page whose folios say otherwise gets
the other side's margin boxes, or, where the sides differ in more than those,
is laid out again from the other side. The front matter is laid out last,
when the contents' page numbers are known, and :mod:`.pdf_join` joins the
parts, with their structure trees for the tagged screen edition.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import posixpath
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
import weasyprint.layout
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..assets import FONT_TYPES
from ..cache import Cache
from ..errors import BookError, BookErrors, Problem
from ..hyphenation import use_safer_german
from ..logs import kept_warnings
from ..model import Book, PrintSettings, Volume
from ..pdfscan import remember_scans
from ..printers import PRINTERS
from . import pdf_closing, pdf_html, pdf_join, pdf_pages, pdf_printer
from .pdf_checks import (
    check_fonts,
    check_images,
    misplaced_footnotes,
    misplaced_on_pages,
)
from .pdf_plan import (  # the plan of an edition, made where WeasyPrint is not loaded
    Board,
    Laid,
    LocalBoard,
    PdfProfile,
    Plan,
    Setup,
    UnitJob,
    edition_setup,
    plan,
)

LOG = logging.getLogger("bookpress")
MM = 72 / 25.4  # PDF points per millimetre


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


def render(
    book: Book,
    volume: Volume,
    *,
    timestamp: dt.datetime,
    profile: PdfProfile,
    cache_root: Path | None = None,
) -> bytes:
    """The PDF of ``volume`` in ``profile`` as bytes; the same input gives the same bytes.

    An edition made in units lays them out here one after another;
    :mod:`bookpress.jobs` spreads them over processes, with the same bytes.
    With ``cache_root``, its units use that project's build cache.
    """
    if profile.in_units:
        edition = plan(book, volume, timestamp=timestamp, profile=profile, cache_root=cache_root)
        return finish(edition, run_in_turn(list(edition.jobs)))
    use_safer_german(book.series.language)
    source = pdf_html.document(book, volume, timestamp=timestamp, profile=profile.name)
    setup = edition_setup(book, volume, profile)
    css = list(setup.css)
    try:
        with _errors_stop_the_build():
            document = _layout(setup, source, css)
            for note in sorted(misplaced_footnotes(document)):
                LOG.warning("footnote %s is not on the page of its call", note)
            if profile.check_images:
                check_images(document, root=book.root)
            data = _write(document, setup)
    except FatalURLFetchingError as error:
        raise _outside(error) from None
    check_fonts(document, allowed=setup.fonts)
    return data


def run_in_turn(jobs: list[UnitJob]) -> list[Laid]:
    """Lay out the units one after another in this process."""
    board = LocalBoard()
    return [lay_out_unit(job, board) for job in jobs]


@functools.cache
def _library_versions() -> tuple[str, ...]:
    from importlib.metadata import version

    from weasyprint.text.ffi import pango

    packages = tuple(f"{name} {version(name)}" for name in ("weasyprint", "pydyf", "pyphen", "pikepdf"))
    return (*packages, f"pango {pango.pango_version()}")


def finish(plan: Plan, units: list[Laid]) -> bytes:
    """Lay out the front matter now that the units' folios are known, and join everything."""
    setup = plan.setup
    for unit in units:
        for warning in unit.warnings:
            LOG.warning("%s", warning)
    css = [*setup.css, (setup.base_url, pdf_html.stub_css([unit.first_folio for unit in units]))]
    data, stubs = _front_matter(plan, css)
    pages = stubs[0] + units[-1].first_folio + units[-1].pages - 1
    closing = pdf_closing.pages_to_add(pages, stubs[-1] + 1, _multiple(setup))
    joined = pdf_join.join(
        front=data,
        front_pages=stubs[0],
        blank=stubs[0] + 1 if len(stubs) > 1 and stubs[1] == stubs[0] + 2 else None,
        units=[pdf_join.Part(unit.first_folio, unit.pages, unit.pdf) for unit in units],
        closing=closing,
        identifier=setup.identifier,
        fonts={
            name: data
            for name, data in setup.resources.items()
            if PurePosixPath(name).suffix.lower() in FONT_TYPES
        },
    )
    pdf_pages.remember(plan, units, front=stubs[0], total=pages + len(closing))
    return pdf_printer.for_printer(joined, setup.settings) if setup.profile.bleed else joined


def _multiple(setup: Setup) -> int:
    """The page multiple the print edition is padded to (1 for an edition not printed)."""
    return PRINTERS[setup.settings.printer].page_multiple if setup.profile.bleed else 1


def _front_matter(plan: Plan, css: list[tuple[str, str]]) -> tuple[bytes, list[int]]:
    """The front matter's PDF and the page of each unit's stand-in in it.

    With a cache, front matter laid out before with the same stylesheets and
    folios is taken from it, its warnings told again; it is kept only once it
    passed the font check.
    """
    setup = plan.setup
    cache = Cache(setup.cache_root) if setup.cache_root is not None else None
    key = cache.key("pdf front", setup.digest, *_library_versions(), plan.front, repr(css)) if cache else ""
    known = _front_entry(cache.get(key), len(plan.anchors)) if cache is not None else None
    if known is not None:
        data, stubs, kept = known
        for warning in kept:
            LOG.warning("%s", warning)
        return data, stubs
    use_safer_german(setup.language, cache=cache)
    warnings: list[str] = []
    try:
        with _errors_stop_the_build(), kept_warnings(warnings):
            document = _layout(setup, plan.front, css)
            data = _write(document, setup)
    except FatalURLFetchingError as error:
        raise _outside(error) from None
    for warning in warnings:
        LOG.warning("%s", warning)
    check_fonts(document, allowed=setup.fonts)
    stubs = [_page_of(document, anchor) for anchor in plan.anchors]
    if cache is not None:
        cache.put(key, _entry({"stubs": stubs, "warnings": warnings}, data))
    return data, stubs


def _front_entry(entry: bytes | None, units: int) -> tuple[bytes, list[int], list[str]] | None:
    """(PDF, stand-in pages, warnings) of cached front matter with ``units`` stand-ins."""
    try:
        fields, data = _read_entry(entry)
        stubs, warnings = [int(page) for page in fields["stubs"]], [str(w) for w in fields["warnings"]]
    except (ValueError, KeyError, TypeError):
        return None
    return (data, stubs, warnings) if len(stubs) == units else None


def _page_of(document: Document, anchor: str) -> int:
    for number, page in enumerate(document.pages):
        if anchor in page.anchors:
            return number
    raise RuntimeError(f"the front matter lost the anchor {anchor}")


def lay_out_unit(job: UnitJob, board: Board) -> Laid:
    """Lay out one unit of a volume's body and write it as a PDF of its own.

    Once paginated, the unit publishes its page count on ``board`` and takes
    its first folio from there. A footnote set off its call's page is
    warned of. With a cache, a unit laid out before publishes
    its known page count at once and, if its first folio is unchanged, is
    not laid out again.
    """
    try:
        return _lay_out_unit(job, board)
    except FatalURLFetchingError as error:
        board.abandon(job.index)
        raise _outside(error) from None
    except BaseException:
        board.abandon(job.index)
        raise


def _lay_out_unit(job: UnitJob, board: Board) -> Laid:
    setup = job.setup
    cache = Cache(setup.cache_root) if setup.cache_root is not None else None
    shaping = (setup.digest, *_library_versions())
    pages_key = cache.key("pdf unit pages", *shaping, job.html) if cache else ""
    if cache:
        known = _counted(cache.get(pages_key))
        if known is not None:
            board.publish(job.index, *known)
            folio = board.first_folio(job.index, known[1])
            laid = _unpacked(cache.get(cache.key("pdf unit", *shaping, job.html, str(folio))), job.index)
            if laid is not None:
                return laid
    use_safer_german(setup.language, cache=cache)
    laid, recto = _laid_out(job, board)
    if cache and setup.profile.name == "print":
        # Preflight reads every page of the joined book: its pages are scanned here,
        # beside the other units, and found in the cache then.
        remember_scans(laid.pdf, cache)
    if cache:
        cache.put(pages_key, f"{laid.pages} {int(recto)}".encode())
        cache.put(cache.key("pdf unit", *shaping, job.html, str(laid.first_folio)), _packed(laid))
    return laid


def _laid_out(job: UnitJob, board: Board) -> tuple[Laid, bool]:
    try:
        return _laid_out_from(job, board, None)
    except _OtherSide as turn:
        # The two sides' pages differ in more than their margin boxes (mirrored
        # margins, say): lay the unit out again, opening on the side it needs.
        return _laid_out_from(job, board, turn.side)


def _laid_out_from(job: UnitJob, board: Board, side: str | None) -> tuple[Laid, bool]:
    """Lay out a unit whose first page is a right-hand page, or one on ``side``."""
    setup = job.setup
    warnings: list[str] = []
    folio, recto = 0, False

    def paginated(pages: Sequence[Any]) -> int:
        nonlocal folio, recto
        misplaced = misplaced_on_pages(pages)
        warnings.extend(f"footnote {note} is not on the page of its call" for note in sorted(misplaced))
        recto = _opens_recto(pages, job.anchor)
        board.publish(job.index, len(pages), recto)
        folio = board.first_folio(job.index, recto)
        return folio - 1

    css = list(setup.css)
    if side is not None:
        # The root element's break sets the side of a document's first page, without a blank.
        css.append((setup.base_url, f"html {{ break-before: {side}; }}\n"))
    with _errors_stop_the_build(), kept_warnings(warnings), _on_paginated(paginated):
        document = _layout(setup, job.html, css)
        if setup.profile.check_images:
            check_images(document, root=setup.root)
        data = _write(document, setup)
    check_fonts(document, allowed=setup.fonts)
    return Laid(job.index, folio, len(document.pages), data, tuple(warnings)), recto


def _counted(entry: bytes | None) -> tuple[int, bool] | None:
    """(pages, opens on the right) from a cache entry."""
    try:
        pages, recto = (entry or b"").decode().split()
        return int(pages), recto == "1"
    except ValueError:
        return None


def _packed(laid: Laid) -> bytes:
    return _entry(
        {"first_folio": laid.first_folio, "pages": laid.pages, "warnings": list(laid.warnings)}, laid.pdf
    )


def _unpacked(entry: bytes | None, index: int) -> Laid | None:
    try:
        fields, pdf = _read_entry(entry)
        return Laid(index, int(fields["first_folio"]), int(fields["pages"]), pdf, tuple(fields["warnings"]))
    except (ValueError, KeyError, TypeError):
        return None


def _entry(head: dict[str, Any], pdf: bytes) -> bytes:
    """A cache entry of a laid-out part: a line of JSON about it, then its PDF."""
    return json.dumps(head).encode() + b"\n" + pdf


def _read_entry(entry: bytes | None) -> tuple[dict[str, Any], bytes]:
    """The JSON head and the PDF of an entry made by :func:`_entry`; ValueError if it is none."""
    head, separator, pdf = (entry or b"").partition(b"\n")
    fields = json.loads(head) if separator else None
    if not isinstance(fields, dict):
        raise ValueError("not a cache entry of a laid-out part")
    return fields, pdf


def _opens_recto(pages: Sequence[Any], anchor: str) -> bool:
    """Whether the unit's element asks to open on a right-hand page (``break-before: right``)."""
    for box in pages[0].descendants() if pages else ():
        element = getattr(box, "element", None)
        if element is not None and element.get("id") == anchor:
            return box.style["break_before"] in ("right", "recto")
    return False


_HOOK_LOCK = threading.Lock()


class _OtherSide(Exception):
    """A unit's pages are on the wrong sides, and more than their margin boxes differ."""

    def __init__(self, side: str) -> None:
        super().__init__(side)
        self.side = side  # of the unit's first page


@contextmanager
def _on_paginated(paginated: Callable[[Sequence[Any]], int]) -> Iterator[None]:
    """Call ``paginated(pages)`` once WeasyPrint has paginated, before its margin boxes.

    Its result is added to the page counter of every margin box, so that folios
    can be numbered after pagination. A page with an odd folio is a right-hand
    page: where a page was laid out on the other side and the two sides' page
    styles are the same, only its margin boxes change side; where they differ,
    :class:`_OtherSide` is raised. WeasyPrint 70 makes all pages
    (``make_all_pages``) and only then the margin boxes of each page
    (``make_margin_boxes``), both looked up in ``weasyprint.layout``; these
    two are wrapped while the layout runs.
    """
    layout: Any = weasyprint.layout
    make_all_pages, make_margin_boxes = layout.make_all_pages, layout.make_margin_boxes
    made: list[Any] = []
    document: list[Any] = []
    offset: list[int] = []

    def all_pages(context: Any, root_box: Any, html: Any, pages: Any) -> Iterator[Any]:
        document[:] = [html]
        made[:] = list(make_all_pages(context, root_box, html, pages))
        yield from made

    def margin_boxes(context: Any, page: Any, state: Any) -> Any:
        if not offset:
            offset.append(paginated(made))
        folio = offset[0] + page.page_type.index + 1
        side = "right" if folio % 2 else "left"
        if page.page_type.side != side:
            if page.page_type.blank or _breaks_to_a_side(made):
                # Pages on the other side might break or leave blanks elsewhere.
                raise _OtherSide(_first_side(page.page_type, side))
            page.page_type = _turned(context, document[0], page.page_type, side)
        if offset[0]:
            quote_depth, counters, *rest = state
            counters = dict(counters)
            if "page" in counters:
                counters["page"] = [value + offset[0] for value in counters["page"]]
            state = (quote_depth, counters, *rest)
        return make_margin_boxes(context, page, state)

    with _HOOK_LOCK:
        layout.make_all_pages, layout.make_margin_boxes = all_pages, margin_boxes
        try:
            yield
        finally:
            layout.make_all_pages, layout.make_margin_boxes = make_all_pages, make_margin_boxes


# The page areas whose styles shape a page's content (the page box and its footnote area).
_SHAPING_AREAS = (None, "@footnote")


def _turned(context: Any, html: Any, page_type: Any, side: str) -> Any:
    """``page_type`` on ``side``, if pages of both sides are styled alike but for their
    margin boxes; raises :class:`_OtherSide` otherwise."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.layout.page import set_page_type_computed_styles

    turned = page_type._replace(side=side)
    if context.style_for(turned) is None:
        set_page_type_computed_styles(turned, html, context.style_for)
    for area in _SHAPING_AREAS:
        laid, wanted = context.style_for(page_type, area), context.style_for(turned, area)
        if (laid is None) != (wanted is None):
            raise _OtherSide(_first_side(page_type, side))
        try:
            same = laid is None or all(laid[name] == wanted[name] for name in INITIAL_VALUES)
        except (KeyError, TypeError, ValueError):
            same = False
        if not same:
            raise _OtherSide(_first_side(page_type, side))
    return turned


def _breaks_to_a_side(pages: Sequence[Any]) -> bool:
    """Whether anything in ``pages`` breaks to a left or right page, but at the very top of
    the first page (where a break has no effect)."""
    sides = ("left", "right", "recto", "verso")
    for number, page in enumerate(pages):
        top = page.content_box_y()
        for child in page.children:
            for box in child.descendants():
                style = box.style
                if style["break_after"] in sides:
                    return True
                if style["break_before"] in sides and (number or box.position_y > top):
                    return True
    return False


def _first_side(page_type: Any, side: str) -> str:
    """The side of the unit's first page, given that page ``page_type.index`` belongs on ``side``."""
    if page_type.index % 2 == 0:
        return side
    return "left" if side == "right" else "right"


def _outside(error: FatalURLFetchingError) -> BookError:
    return BookError(f"the PDF may only use files inside the project folder: {error}")


def _write(document: Document, setup: Setup) -> bytes:
    return document.write_pdf(
        pdf_identifier=setup.identifier.encode(),
        pdf_variant=setup.profile.variant,
        finisher=lambda doc, pdf: _fix_boxes(pdf, setup.settings, bleed=setup.profile.bleed),
    )


def _layout(setup: Setup, source: str, css: list[tuple[str, str]]) -> Document:
    """Lay out the HTML with the stylesheets, reading files through the project fetcher."""
    fetcher = ProjectFetcher(setup.root, setup.resources)
    fonts, stylesheets = _styles(setup, tuple(css))
    return HTML(
        string=source, base_url=setup.root.as_uri() + "/", url_fetcher=fetcher, media_type="print"
    ).render(stylesheets=stylesheets, font_config=fonts, presentational_hints=False)


# The parsed stylesheets of the last few layouts in this process, by the
# edition's digest and the stylesheets' texts: a worker lays out many units of
# one edition, and parsing the same CSS for each took a tenth of a second.
_STYLES: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], tuple[FontConfiguration, list[CSS]]]
_STYLES = OrderedDict()


def _styles(setup: Setup, css: tuple[tuple[str, str], ...]) -> tuple[FontConfiguration, list[CSS]]:
    """The font configuration and parsed stylesheets for a layout, parsed once per process."""
    key = (setup.digest, css)
    if key in _STYLES:
        _STYLES.move_to_end(key)
        return _STYLES[key]
    fetcher = ProjectFetcher(setup.root, setup.resources)
    # @font-face rules of a stylesheet are only used with the FontConfiguration
    # that the document is rendered with.
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=text, base_url=url, url_fetcher=fetcher, font_config=fonts) for url, text in css
    ]
    _STYLES[key] = fonts, stylesheets
    while len(_STYLES) > 3:
        _STYLES.popitem(last=False)
    return fonts, stylesheets


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
