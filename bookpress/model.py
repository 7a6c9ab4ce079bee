"""The book model: one documented, immutable description of what is built.

The loader composes a :class:`Book` once; every renderer reads it and none
changes it. Things that can be derived (volume labels, chapter codes, file
names) are functions here, not stored fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .assets import Resources


@dataclass(frozen=True)
class Author:
    """A person named on the cover and in the metadata."""

    name: str  # as printed: "Dr. Angelica Laurencon"
    sort: str  # as filed: "Laurencon, Angelica"


@dataclass(frozen=True)
class Series:
    """What all volumes share."""

    title: str
    subtitle: str
    language: str
    publisher: str
    publisher_city: str
    rights: str
    description: str
    subjects: tuple[str, ...]
    authors: tuple[Author, ...]
    publisher_address: str = ""  # postal address, as printed in the imprint
    copyright_holder: str = ""  # "" : the authors


@dataclass(frozen=True)
class Heading:
    """A subheading inside a chapter, for the table of contents."""

    level: int  # 2 or 3
    text: str  # plain text, typography applied
    anchor: str  # element id, unique within the book


@dataclass(frozen=True)
class Document:
    """A Markdown file turned into an XHTML fragment.

    ``html`` is the body content as well-formed XHTML (no wrapper element).
    Image sources in it are project-relative POSIX paths (see ``images``);
    footnote calls are ``<a class="noteref">`` and the notes themselves are
    ``<aside class="footnote">`` elements at the end of ``html``.
    """

    source: Path
    title: str
    subtitle: str
    summary: str
    html: str
    outline: tuple[Heading, ...]
    images: tuple[str, ...]  # project-relative POSIX paths, in order of use
    anchor: str  # id prefix of this document, unique within the book


@dataclass(frozen=True)
class Chapter:
    """A numbered chapter of a volume."""

    position: int  # 1-based position within the volume
    doc: Document


@dataclass(frozen=True)
class Isbns:
    """The ISBN of each edition as the author wrote it (hyphens kept for printing)."""

    ebook: str
    print: str


def isbn_digits(isbn: str) -> str:
    """ "978-3-98765-105-2" -> "9783987651052" """
    return "".join(c for c in isbn if c.isdigit())


@dataclass(frozen=True)
class Credits:
    """Who did what for a volume, as named in the imprint ("" : not named)."""

    editing: str = ""
    proofreading: str = ""
    cover_design: str = ""
    typesetting: str = ""


@dataclass(frozen=True)
class Volume:
    """One book of the series."""

    number: int
    title: str
    subtitle: str
    date: dt.date  # publication date of the first edition
    isbn: Isbns
    cover: Path | None  # configured cover image, or None for a generated one
    chapters: tuple[Chapter, ...]
    edition: int = 1  # "2. Auflage"
    edition_year: int = 0  # the year of this edition; 0: the year of ``date``
    credits: Credits = field(default_factory=Credits)
    blurb: str = ""  # the back cover's text; "" : the series description
    price: str = ""  # as printed on the back cover, "18,00 € (D)"; "" : none


@dataclass(frozen=True)
class Imprint:
    """The imprint's template and the lines only the printed book carries."""

    template: str = ""  # the template text; "" : the default template (see bookpress.imprint)
    template_file: Path | None = None  # where ``template`` came from, for messages
    printer_line: str = ""  # "Druck: …"; "" : none known
    paper_note: str = ""


@dataclass(frozen=True)
class PrintSettings:
    """Page geometry of the print and screen PDFs (all lengths in millimetres)."""

    trim: str = "12x19"
    width_mm: float = 120.0
    height_mm: float = 190.0
    bleed_mm: float = 3.0  # at the head, foot and outer edge
    spine_bleed_mm: float = 3.0  # at the spine (some printers want none there)
    printer: str = "generic"  # a key of bookpress.printers.PRINTERS
    paper: str = ""  # one of the printer's papers; "" is its first
    crop_marks: bool = False
    inner_margin_mm: float = 20.0
    outer_margin_mm: float = 14.0
    top_margin_mm: float = 16.0
    bottom_margin_mm: float = 20.0
    links: str = "footnote"  # how the print PDF shows web addresses: "footnote" or "inline"


@dataclass(frozen=True)
class CoverSettings:
    """The printed cover's settings ([cover] in book.toml)."""

    spine_text: str = "bottom-to-top"  # German custom; "top-to-bottom" is the English one
    author_note: str = ""  # the back cover's note on the author; "" : from the author page


@dataclass(frozen=True)
class Book:
    """Everything a renderer needs, read once from the project."""

    root: Path  # the project folder (holds manuscript/ and styles/)
    series: Series
    volumes: tuple[Volume, ...]
    author_page: Document
    styles: Path  # the project's styles/ folder
    print: PrintSettings = field(default_factory=PrintSettings)
    imprint: Imprint = field(default_factory=Imprint)
    cover: CoverSettings = field(default_factory=CoverSettings)
    # Checked bytes of stylesheets, the files they use, images and covers (see assets.py);
    # renderers use nothing else.
    resources: Resources = field(default_factory=Resources.empty)

    def volume(self, number: int) -> Volume:
        for volume in self.volumes:
            if volume.number == number:
                return volume
        raise KeyError(number)


ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    """Roman numeral of a positive integer: 3 -> "III"."""
    out = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def parse_roman(text: str) -> int | None:
    """Inverse of :func:`roman` for canonical numerals; None if ``text`` is not one."""
    text = text.strip().upper()
    for number in range(1, 4000):
        if roman(number) == text:
            return number
    return None


def volume_number(text: str) -> int | None:
    """A volume number as the author types it: "III", "iii" or "3"; None if it is neither."""
    text = text.strip()
    if len(text) > 15:  # no volume number is this long; int() of thousands of digits raises
        return None
    # isascii: str.isdigit also takes other scripts' digits ("٣").
    return int(text) if text.isascii() and text.isdigit() else parse_roman(text) if text else None


def volume_label(volume: Volume) -> str:
    """ "Band III" """
    return f"Band {roman(volume.number)}"


def chapter_code(volume: Volume, chapter: Chapter) -> str:
    """The citation code of a chapter within the series: "III/05"."""
    return f"{roman(volume.number)}/{chapter.position:02d}"


def full_code(series: Series, volume: Volume, chapter: Chapter) -> str:
    """ "#VUCA III/05" """
    return f"{series.title} {chapter_code(volume, chapter)}"


def volume_title(series: Series, volume: Volume) -> str:
    """The title of a volume as shops list it: "#VUCA III: Lernen und Führen"."""
    return f"{series.title} {roman(volume.number)}: {volume.title}"


def slug_of(text: str) -> str:
    """ASCII file-name part: "#VUCA" -> "VUCA", "Lernen und Führen" -> "Lernen-und-Fuehren"."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.translate(table))
    return "-".join(part for part in cleaned.split("-") if part)


def edition_filename(series: Series, volume: Volume, profile: str) -> str:
    """Stable, ISBN-based file name of an edition, e.g. "VUCA-III_9783987651052.epub"."""
    stem = f"{slug_of(series.title)}-{roman(volume.number)}"
    if profile == "ebook":
        return f"{stem}_{isbn_digits(volume.isbn.ebook)}.epub"
    return f"{stem}_{isbn_digits(volume.isbn.print)}_{profile}.pdf"
