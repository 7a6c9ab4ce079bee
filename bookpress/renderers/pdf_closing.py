"""Closing pages that bring a print edition to its printer's page multiple.

A book block is bound in leaves (and often in sections of 4, 8 or 16
pages): a page count off the printer's multiple is padded by the printer
with blank pages. bookpress pads it itself, with designed pages: first a
page that lists the other volumes of the series, then, only where more than
one page is missing, blank pages. A series of one volume has no list to
show; its padding is blank.

The closing pages are laid out at the end of the front matter's document
(see :func:`.pdf_html.front_document`), which is laid out after the units;
:func:`pages_to_add` picks those the join appends.
"""

from __future__ import annotations

from html import escape

from ..model import Book, Volume, volume_title
from ..printers import PRINTERS
from . import html

MAX_LISTED = 12  # volumes on the series page; more would not fit on one page
SERIES_ID = "bookpress-closing-series"


def closing_pages(book: Book, volume: Volume) -> str:
    """HTML of every closing page the edition may need: the series page, then blank pages.

    Each is one page of its own (``page: front``: no running head, no folio).
    """
    multiple = PRINTERS[book.print.printer].page_multiple
    others = [other for other in book.volumes if other.number != volume.number][:MAX_LISTED]
    pages = [_series_page(book, others) if others else _blank(0)]
    pages += [_blank(index) for index in range(1, multiple - 1)]
    return "\n".join(pages)


def _series_page(book: Book, others: list[Volume]) -> str:
    items = "\n".join(
        f'<li><span class="title">{escape(volume_title(book.series, other))}</span>'
        + (f'<br/><span class="subtitle">{escape(other.subtitle)}</span>' if other.subtitle else "")
        + f'<br/><span class="isbn">ISBN {escape(other.isbn.print)}</span></li>'
        for other in others
    )
    return (
        f'<section class="also-in-series" id="{SERIES_ID}" style="page: front; break-before: page">\n'
        f"<h2>{escape(html.LABELS['series'])}</h2>\n<ul>\n{items}\n</ul>\n</section>"
    )


def _blank(index: int) -> str:
    return (
        f'<div class="closing-blank" id="bookpress-closing-{index}" '
        'style="page: front; break-before: page; min-height: 1px"></div>'
    )


def pages_to_add(pages: int, first_closing: int, multiple: int) -> list[int]:
    """The pages of the front matter's document to append to a book of ``pages`` pages.

    ``first_closing`` is the page of the first closing page in that document;
    the others follow it. As many are taken as the book lacks to a multiple
    of ``multiple``: the series page first.
    """
    missing = -pages % multiple
    return list(range(first_closing, first_closing + missing))
