"""The printed cover of a volume: back, spine and front on one sheet, with bleed.

The sheet is the trim size twice plus the spine, with the bleed around it:
``2 × trim width + spine`` by ``trim height`` between the trim marks (the
PDF's TrimBox). The spine width comes from the caller, who knows the page
count and the paper. The front is the volume's cover image or the generated
design; the back carries the blurb, a note on the author, the publisher, the
price and the print ISBN as an EAN-13 bar code with the ISBN written above
it. The spine names author, series and volume, and publisher, reading from
bottom to top (the German custom) or from top to bottom ([cover] spine_text).

Everything is set in the CMYK ink model: text and bars in black ink alone,
the ground in a four-colour navy, the front picture converted to CMYK.
Laid out with WeasyPrint, which reads only the project's checked files
through :class:`ProjectFetcher` of :mod:`.pdf` and the pictures made here.
Also here: the store's cover image for the ebook upload (:func:`store_image`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import barcode
import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .. import cover as covers
from ..errors import BookError
from ..model import Book, Volume, volume_label
from ..printers import printer
from .pdf import ProjectFetcher

COVER_FONTS = Path(__file__).parent.parent / "defaults" / "styles" / "fonts" / "libertine"
MM = 72 / 25.4  # PDF points per millimetre
PPI = 300  # the front picture's resolution on the sheet
STORE_SIZE = (1600, 2560)  # the store image: the proportions and size the ebook shops ask for
# EAN-13 at 100 % magnification: module (X) 0.330 mm, light margins 11 X left and
# 7 X right (3.63 mm, 2.31 mm), bars 22.85 mm high. Source: GS1 Ireland, "EAN 13
# Barcode Symbol Specifications", https://www.gs1ie.org/standards/data-carriers/barcodes/ean-13/
EAN_MODULE_MM = 0.33
EAN_LEFT_MODULES, EAN_RIGHT_MODULES = 11, 7
EAN_BAR_MM = 22.85
EAN_GUARDS = (range(0, 3), range(45, 50), range(92, 95))  # start, centre and end guard modules
# Our default: below this spine width the spine carries no text (printers name their own).
SPINE_TEXT_MIN_MM = 6.0
FRONT_KEY = "bookpress-cover/front.jpg"  # the front picture, served to WeasyPrint from memory

BLACK = "device-cmyk(0 0 0 1)"
PAPER = "device-cmyk(0 0 0 0)"
# The series' navy of the generated front (cover.BACKGROUND), converted as the front
# picture is (see cover.fitted_jpeg), so that back, spine and front meet in one colour.
NAVY = "device-cmyk({:.3f} {:.3f} {:.3f} 0)".format(*(1 - c / 255 for c in covers.BACKGROUND))
LIGHT = "device-cmyk(0.12 0.08 0.04 0)"  # the soft text of the generated front, for the back


@dataclass(frozen=True)
class Sheet:
    """The cover's geometry in millimetres."""

    trim_w: float
    trim_h: float
    spine: float
    bleed: float

    @property
    def width(self) -> float:
        """Between the trim marks: back, spine and front."""
        return 2 * self.trim_w + self.spine

    @property
    def media(self) -> tuple[float, float]:
        """The whole sheet, bleed included."""
        return self.width + 2 * self.bleed, self.trim_h + 2 * self.bleed


def sheet(book: Book, spine_mm: float) -> Sheet:
    """The geometry of ``book``'s cover with a spine of ``spine_mm``."""
    if not 0 < spine_mm <= 100:
        raise BookError(f"a spine of {spine_mm:g} mm is not a book's spine (0 to 100 mm)")
    settings = book.print
    return Sheet(settings.width_mm, settings.height_mm, spine_mm, settings.bleed_mm)


def spine_for(book: Book, pages: int) -> tuple[float, float]:
    """(spine width, least spine width that carries text) in mm for a book block of ``pages``
    pages, from the book's printer profile and paper ([print] printer, paper)."""
    profile = printer(book.print.printer)
    paper = book.print.paper or None
    return profile.spine_width_mm(pages, paper), profile.spine_width_mm(profile.spine_text_min_pages, paper)


def render(
    book: Book,
    volume: Volume,
    *,
    spine_mm: float,
    timestamp: dt.datetime,
    spine_text_min_mm: float = SPINE_TEXT_MIN_MM,
) -> bytes:
    """The cover PDF of ``volume`` with a spine ``spine_mm`` wide."""
    geometry = sheet(book, spine_mm)
    if not volume.isbn.print:
        raise BookError(f"{volume_label(volume)} has no print ISBN for the cover's bar code")
    if "styles/fonts.css" not in book.resources:
        raise BookError("the cover needs the book's fonts: styles/fonts.css is missing")
    front = _front_picture(book, volume, geometry)
    source = _document(book, volume, geometry, spine_text=spine_mm >= spine_text_min_mm)
    resources = {**book.resources, FRONT_KEY: front}
    fetcher = ProjectFetcher(book.root, resources)
    fonts = FontConfiguration()
    css = [
        CSS(
            string=book.resources["styles/fonts.css"].decode("utf-8-sig"),
            base_url=(book.root / "styles" / "fonts.css").as_uri(),
            url_fetcher=fetcher,
            font_config=fonts,
        )
    ]
    document = HTML(
        string=source, base_url=book.root.as_uri() + "/", url_fetcher=fetcher, media_type="print"
    ).render(stylesheets=css, font_config=fonts, presentational_hints=False)
    identifier = f"cover-{volume.isbn.print}-{spine_mm:g}".encode()
    date = timestamp.replace(microsecond=0)
    document.metadata.created = document.metadata.modified = date.isoformat() + "Z"
    return document.write_pdf(pdf_identifier=identifier, finisher=lambda doc, pdf: _boxes(pdf, geometry))


def store_image(book: Book, volume: Volume) -> bytes:
    """The front as the ebook shops take it: an RGB JPEG of 1600 × 2560 pixels."""
    if volume.cover is None:
        return covers.render_cover(covers.CoverText.of(book, volume), fonts_dir=COVER_FONTS, size=STORE_SIZE)
    data = book.resources[volume.cover.relative_to(book.root).as_posix()]
    return covers.fitted_jpeg(data, STORE_SIZE)


def _front_picture(book: Book, volume: Volume, geometry: Sheet) -> bytes:
    """The front with its bleed (top, bottom, outer edge) in CMYK at :data:`PPI`."""
    size = (
        round((geometry.trim_w + geometry.bleed) / 25.4 * PPI),
        round((geometry.trim_h + 2 * geometry.bleed) / 25.4 * PPI),
    )
    if volume.cover is None:
        data = covers.render_cover(covers.CoverText.of(book, volume), fonts_dir=COVER_FONTS, size=size)
    else:
        data = book.resources[volume.cover.relative_to(book.root).as_posix()]
    return covers.fitted_jpeg(data, size, mode="CMYK")


def _boxes(pdf: pydyf.PDF, geometry: Sheet) -> None:
    """BleedBox = the whole sheet: WeasyPrint keeps it within 10 pt of the TrimBox."""
    bleed = geometry.bleed * MM
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/Page":
            left, top, right, bottom = item["TrimBox"]
            item["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])


def _document(book: Book, volume: Volume, geometry: Sheet, *, spine_text: bool) -> str:
    g = geometry
    lang = escape(book.series.language, quote=True)
    parts, size = _spine_parts(book, volume, g) if spine_text else (("", "", ""), 0.0)
    spine = _spine(parts) if any(parts) else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"/><title>{escape(_title(book, volume))}</title>
<style>
@page {{ size: {g.width}mm {g.trim_h}mm; bleed: {g.bleed}mm; margin: 0; background: {NAVY}; }}
html {{ font-family: "Libertine", serif; color: {PAPER}; }}
body {{ margin: 0; }}
.front {{ position: absolute; left: {g.trim_w + g.spine}mm; top: -{g.bleed}mm;
  width: {g.trim_w + g.bleed}mm; height: {g.trim_h + 2 * g.bleed}mm; }}
.front img {{ width: 100%; height: 100%; display: block; }}
.back {{ position: absolute; left: 14mm; top: 16mm; width: {g.trim_w - 28}mm; }}
.back p {{ margin: 0 0 0.6em; font-size: 9.5pt; line-height: 1.4; text-align: justify;
  hyphens: auto; }}
.back .series {{ font-size: 8pt; letter-spacing: 0.12em; color: {LIGHT}; margin-bottom: 1.2em;
  text-align: left; }}
.back .author-note {{ font-style: italic; font-size: 8.5pt; margin-top: 1.2em; }}
.foot {{ position: absolute; left: 14mm; bottom: 14mm; font-size: 8pt; line-height: 1.4; }}
.foot p {{ margin: 0; }}
.ean {{ position: absolute; left: {g.trim_w - 12 - _ean_width()}mm; bottom: 12mm;
  background: {PAPER}; color: {BLACK}; width: {_ean_width()}mm; padding: 1.5mm 0 1mm; }}
.ean .isbn {{ text-align: center; font-size: 8.5pt; letter-spacing: 0.02em; margin: 0 0 0.8mm; }}
.ean .bars {{ position: relative; height: {EAN_BAR_MM + 5 * EAN_MODULE_MM}mm; }}
.ean .bar {{ position: absolute; top: 0; background: {BLACK}; }}
.ean .digits {{ position: relative; height: 3.2mm; font-size: 8pt; }}
.ean .digits span {{ position: absolute; top: 0; text-align: center; }}
.spine {{ position: absolute; left: {g.trim_w + g.spine / 2 - _spine_length(g) / 2}mm;
  top: {g.trim_h / 2 - g.spine / 2}mm; width: {_spine_length(g)}mm; height: {g.spine}mm;
  transform: rotate({-90 if book.cover.spine_text == "bottom-to-top" else 90}deg);
  font-size: {size}pt; line-height: {g.spine}mm; white-space: nowrap; }}
.spine table {{ width: 100%; border-collapse: collapse; }}
.spine td {{ padding: 0; height: {g.spine}mm; vertical-align: middle; }}
.spine .title {{ text-align: center; }}
.spine .publisher {{ text-align: right; }}
</style></head>
<body>
<div class="back">{_back(book, volume)}</div>
<div class="foot">{_back_foot(book, volume)}</div>
{_ean(volume.isbn.print)}
{spine}
<div class="front"><img src="{escape(FRONT_KEY, quote=True)}" alt=""/></div>
</body></html>
"""


def _title(book: Book, volume: Volume) -> str:
    return f"{book.series.title} {volume_label(volume)}: {volume.title} (Umschlag)"


def _back(book: Book, volume: Volume) -> str:
    blurb = volume.blurb or book.series.description
    paragraphs = [p for p in blurb.split("\n\n") if p.strip()]
    note = book.cover.author_note or _author_note(book)
    parts = [f'<p class="series">{escape(book.series.title)} · {escape(volume_label(volume))}</p>']
    parts += [f"<p>{escape(p)}</p>" for p in paragraphs]
    if note:
        parts.append(f'<p class="author-note">{escape(note)}</p>')
    return "\n".join(parts)


def _author_note(book: Book) -> str:
    """The first paragraph of the author page, as plain text."""
    match = re.search(r"<p>(.*?)</p>", book.author_page.html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else ""


def _back_foot(book: Book, volume: Volume) -> str:
    price = f"<p>{escape(volume.price)}</p>" if volume.price else ""
    return f"{price}<p>{escape(book.series.publisher)}</p>"


def _ean_width() -> float:
    return (EAN_LEFT_MODULES + 95 + EAN_RIGHT_MODULES) * EAN_MODULE_MM


def _ean(isbn: str) -> str:
    """The EAN-13 of ``isbn`` as vector bars in black ink, the ISBN written above them.

    python-barcode computes the pattern (the check digit, the parities the first
    digit chooses); the bars are drawn here, so that they are K-only rectangles.
    """
    code = barcode.get_barcode_class("ean13")(re.sub(r"[^0-9]", "", isbn))
    modules = code.build()[0]
    digits = code.get_fullcode()
    x = EAN_MODULE_MM
    bars = []
    for match in re.finditer(r"1+", modules):
        start, run = match.start(), len(match.group())
        guard = any(start in guards for guards in EAN_GUARDS)
        height = EAN_BAR_MM + (5 * x if guard else 0)
        left = (EAN_LEFT_MODULES + start) * x
        style = f"left: {left:.3f}mm; width: {run * x:.3f}mm; height: {height:.3f}mm"
        bars.append(f'<div class="bar" style="{style}"></div>')
    # The digits under the bars: the first in the left light margin, then six under each half.
    groups = [
        (digits[0], 0, EAN_LEFT_MODULES - 1),
        (digits[1:7], EAN_LEFT_MODULES + 3, 42),
        (digits[7:], EAN_LEFT_MODULES + 50, 42),
    ]
    spans = "".join(
        f'<span style="left: {start * x:.3f}mm; width: {width * x:.3f}mm">{text}</span>'
        for text, start, width in groups
    )
    return (
        f'<div class="ean" role="img" aria-label="EAN {digits}">'
        f'<p class="isbn">ISBN {escape(isbn)}</p>'
        f'<div class="bars">{"".join(bars)}</div><div class="digits">{spans}</div></div>'
    )


SPINE_MARGIN_MM = 12  # no spine text this close to the head or the foot of the book
SPINE_GAP_MM = 6  # at least this much room between author, title and publisher
SPINE_MAX_PT, SPINE_MIN_PT = 10.0, 6.0


def _spine_length(geometry: Sheet) -> float:
    return geometry.trim_h - 2 * SPINE_MARGIN_MM


def _spine_parts(book: Book, volume: Volume, geometry: Sheet) -> tuple[tuple[str, str, str], float]:
    """(author, title, publisher) for the spine and their type size in points.

    The size is at most 10 pt and half the spine's width; what does not fit the
    spine's length at 6 pt or more is left out, publisher first, then author.
    Three empty strings when not even the title fits.
    """
    authors = ", ".join(author.name for author in book.series.authors)
    title = f"{book.series.title} {volume_label(volume)} · {volume.title}"
    start = round(min(SPINE_MAX_PT, geometry.spine * 0.5 * MM), 1)
    for parts in ((authors, title, book.series.publisher), (authors, title, ""), ("", title, "")):
        shown = [part for part in parts if part]
        run = sum(covers.advance_mm(part, start, fonts_dir=COVER_FONTS) for part in shown)
        room = _spine_length(geometry) - SPINE_GAP_MM * (len(shown) - 1)
        size = min(start, start * room / run) if run and room > 0 else 0.0
        if size >= SPINE_MIN_PT:
            return parts, round(size - 0.05, 1)  # rounded down: never wider than measured
    return ("", "", ""), 0.0


def _spine(parts: tuple[str, str, str]) -> str:
    author, title, publisher = (escape(part) for part in parts)
    return (
        f'<div class="spine"><table><tr><td class="author">{author}</td>'
        f'<td class="title">{title}</td>'
        f'<td class="publisher">{publisher}</td></tr></table></div>'
    )
