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
    from pathlib import Path

    from ..model import Book, Volume

# (book, volume, timestamp, cache_root=...): with a cache root, the renderer keeps what it
# may reuse in that project's build cache.
Render = Callable[..., bytes]


@dataclass(frozen=True)
class Profile:
    """An edition's settings: which format it is and how to render it."""

    name: str  # "ebook", "print", "screen"
    format: str  # "epub" or "pdf"
    description: str
    render: Render


def _epub(book: Book, volume: Volume, timestamp: dt.datetime, *, cache_root: Path | None = None) -> bytes:
    from . import epub

    return epub.render(book, volume, timestamp=timestamp, cache_root=cache_root)


def _print(book: Book, volume: Volume, timestamp: dt.datetime, *, cache_root: Path | None = None) -> bytes:
    from . import pdf, pdf_plan  # WeasyPrint loads slowly: only when a PDF is built

    return pdf.render(book, volume, timestamp=timestamp, profile=pdf_plan.PRINT, cache_root=cache_root)


def _screen(book: Book, volume: Volume, timestamp: dt.datetime, *, cache_root: Path | None = None) -> bytes:
    from . import pdf, pdf_plan

    return pdf.render(book, volume, timestamp=timestamp, profile=pdf_plan.SCREEN, cache_root=cache_root)


PROFILES: dict[str, Profile] = {
    "ebook": Profile("ebook", "epub", "EPUB 3 for the ebook stores", _epub),
    "print": Profile("print", "pdf", "PDF for print on demand: trim size, bleed, embedded fonts", _print),
    "screen": Profile("screen", "pdf", "tagged PDF for reading on screen, with live links", _screen),
}
