"""The table of renderers: profile name -> function producing the edition's bytes.

A renderer takes the finished :class:`~bookpress.model.Book`, one volume and
the build timestamp, and returns the file's content. It never reads the
manuscript again and never changes the model; writing the file is the build's
job, so a failed render leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads the table for its --help: keep this module light
    from ..model import Book, Volume

Render = Callable[["Book", "Volume", dt.datetime], bytes]


@dataclass(frozen=True)
class Profile:
    """An edition's settings: which format it is and how to render it."""

    name: str  # "ebook", "print", "screen"
    format: str  # "epub" or "pdf"
    description: str
    render: Render


def _epub(book: Book, volume: Volume, timestamp: dt.datetime) -> bytes:
    from . import epub

    return epub.render(book, volume, timestamp=timestamp)


def _print(book: Book, volume: Volume, timestamp: dt.datetime) -> bytes:
    from . import pdf, pdf_plan  # WeasyPrint loads slowly: only when a PDF is built

    return pdf.render(book, volume, timestamp=timestamp, profile=pdf_plan.PRINT)


def _screen(book: Book, volume: Volume, timestamp: dt.datetime) -> bytes:
    from . import pdf, pdf_plan

    return pdf.render(book, volume, timestamp=timestamp, profile=pdf_plan.SCREEN)


PROFILES: dict[str, Profile] = {
    "ebook": Profile("ebook", "epub", "EPUB 3 for the ebook stores", _epub),
    "print": Profile("print", "pdf", "PDF for print on demand: trim size, bleed, embedded fonts", _print),
    "screen": Profile("screen", "pdf", "tagged PDF for reading on screen, with live links", _screen),
}
