"""``bookpress stats``: how long each chapter and volume is, in the units publishers use.

Counts are taken from the text as the reader sees it (front-matter title,
subtitle and body, footnotes included, markup excluded). A Normseite is 1,800
characters including spaces. Print pages come from the last layout of the
print edition where it still holds (:mod:`.renderers.pdf_pages`: the pages of
each chapter whose text, stylesheets, fonts and page geometry are unchanged
since, and the whole volume's when nothing changed); otherwise they are an
estimate from the trim size and margins with the assumptions below, put
together as the print edition puts its parts together. Each count says which
it is.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

from .build import select_volumes, timestamp
from .loader import load_book
from .model import Book, Document, PrintSettings, Volume, chapter_code, roman
from .printers import PRINTERS
from .renderers import pdf_pages, pdf_plan

NORMSEITE = 1800  # characters with spaces
WORDS_PER_MINUTE = 200  # unhurried reading of non-fiction
# Print estimate: 10.5 pt type on 1.4 line height (base.css). Linux Libertine's advance over
# German prose averages 0.42 em (the sample's text and a 100,000-word corpus of
# scripts/bench_corpus.py); 0.44 allows for the room that line ends, headings and lists
# leave, and gives the print PDFs' page counts of both to within a page.
FONT_PT = 10.5
LINE_HEIGHT = 1.4
GLYPH_EM = 0.44
MM_PER_PT = 25.4 / 72
OPENING_LINES = 8  # a chapter opening (code, title, subtitle, space) takes about this many lines
AUTHOR_OPENING_LINES = 3  # the author page's title
# The front matter (print.css): half title, its blank back, title page, imprint on its back,
# then the contents on a right-hand page, about two lines an entry.
FRONT_PAGES = 4
CONTENTS_LINES_PER_ENTRY = 2
LAID_OUT, ESTIMATED = "laid out", "estimated"

_WORD = re.compile(r"\w+(?:[-’'.]\w+)*")


@dataclass(frozen=True)
class Count:
    """The length of one chapter, or of a whole volume."""

    code: str  # "III/05", or "III" for a volume
    title: str
    words: int
    characters: int  # with spaces
    normseiten: float
    print_pages: int
    reading_minutes: int
    pages_from: str = ESTIMATED  # LAID_OUT: print_pages are the last print layout's


@dataclass(frozen=True)
class VolumeCount:
    total: Count
    chapters: tuple[Count, ...]


def stats(root: Path, volumes: tuple[str, ...] = (), output_format: str = "table") -> str:
    """The statistics of the project at ``root`` (all volumes, or the chosen ones) as text."""
    book = load_book(root)
    return FORMATS[output_format](count_book(book, select_volumes(book, volumes)))


def count_book(book: Book, volumes: list[Volume], *, layouts: bool = True) -> list[VolumeCount]:
    """Counts for each chosen volume and its chapters; print pages from the last layouts
    in the project's build cache unless ``layouts`` is False."""
    return [_volume(book, volume, last_layout(book, volume) if layouts else None) for volume in volumes]


def last_layout(book: Book, volume: Volume) -> pdf_pages.PageCounts | None:
    """What the last layout of ``volume``'s print edition says of it as it is now."""
    edition = pdf_plan.plan(
        book, volume, timestamp=timestamp(volume), profile=pdf_plan.PRINT, cache_root=book.root
    )
    return pdf_pages.recall(edition)


def _volume(book: Book, volume: Volume, layout: pdf_pages.PageCounts | None) -> VolumeCount:
    page = page_capacity(book.print)
    texts = [plain_text(chapter.doc) for chapter in volume.chapters]
    estimates = [_pages(len(text), page) for text in texts]
    estimates.append(_pages(len(plain_text(book.author_page)), page, opening=AUTHOR_OPENING_LINES))
    laid = list(layout.units) if layout else [None] * len(estimates)
    units = [
        known if known is not None else estimate for known, estimate in zip(laid, estimates, strict=True)
    ]
    chapters = [
        _count(chapter_code(volume, chapter), chapter.doc.title, text, units[i], laid[i] is not None)
        for i, (chapter, text) in enumerate(zip(volume.chapters, texts, strict=True))
    ]
    words = sum(c.words for c in chapters)
    characters = sum(c.characters for c in chapters)
    if layout is not None and layout.total is not None:
        pages, source = layout.total, LAID_OUT
    else:
        front = (
            layout.front if layout is not None and layout.front is not None else _front_pages(book, volume)
        )
        pages, source = _edition_pages(front, units, PRINTERS[book.print.printer].page_multiple), ESTIMATED
    total = Count(
        roman(volume.number),
        volume.title,
        words,
        characters,
        round(characters / NORMSEITE, 1),
        pages,
        _minutes(words),
        source,
    )
    return VolumeCount(total=total, chapters=tuple(chapters))


def _front_pages(book: Book, volume: Volume) -> int:
    """Pages before the text: the front matter, ending on a left-hand page."""
    _, lines = page_capacity(book.print)
    entries = len(volume.chapters) + 1
    contents = max(math.ceil((OPENING_LINES + entries * CONTENTS_LINES_PER_ENTRY) / lines), 1)
    pages = FRONT_PAGES + contents
    return pages + pages % 2


def _edition_pages(front: int, units: list[int], multiple: int) -> int:
    """The pages of the print edition: every unit opens on a right-hand page (a blank page
    before it where needed, as :func:`.pdf_plan.first_folio` places them), and the whole is
    filled up to the printer's page multiple (whole sheets)."""
    counts = {index: (pages, True) for index, pages in enumerate(units)}
    last = pdf_plan.first_folio(counts, len(units) - 1, True) or 1
    pages = front + last + units[-1] - 1
    return pages + -pages % max(multiple, 2)


def _count(code: str, title: str, text: str, pages: int, laid_out: bool) -> Count:
    words = len(_WORD.findall(text))
    source = LAID_OUT if laid_out else ESTIMATED
    return Count(
        code, title, words, len(text), round(len(text) / NORMSEITE, 1), pages, _minutes(words), source
    )


def _minutes(words: int) -> int:
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0


def page_capacity(settings: PrintSettings) -> tuple[float, int]:
    """Characters per line and lines per page of running text, estimated from the page geometry."""
    width = settings.width_mm - settings.inner_margin_mm - settings.outer_margin_mm
    height = settings.height_mm - settings.top_margin_mm - settings.bottom_margin_mm
    per_line = width / (FONT_PT * GLYPH_EM * MM_PER_PT)
    lines = math.floor(height / (FONT_PT * LINE_HEIGHT * MM_PER_PT))
    return max(per_line, 1.0), max(lines, 1)


def _pages(characters: int, page: tuple[float, int], *, opening: int = OPENING_LINES) -> int:
    """Pages for a text that starts on a new page, its opening included."""
    per_line, lines = page
    return max(math.ceil((characters / per_line + opening) / lines), 1)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "h2", "h3", "h4", "td", "th", "br", "aside", "blockquote"):
            self.parts.append(" ")


def plain_text(doc: Document) -> str:
    """What a reader reads of a document, whitespace collapsed (no-break spaces count as spaces)."""
    parser = _Text()
    parser.feed(doc.html)
    body = " ".join("".join(parser.parts).split())
    return " ".join(part for part in (doc.title, doc.subtitle, body) if part)


# --- output forms

HEADERS = (
    "chapter",
    "title",
    "words",
    "characters",
    "normseiten",
    "print pages",
    "pages from",
    "reading min",
)


def as_table(counts: list[VolumeCount]) -> str:
    """An aligned text table, a total line under each volume."""
    rows: list[tuple[str, ...]] = [HEADERS]
    for volume in counts:
        rows += [_row(c) for c in volume.chapters]
        rows.append(_row(volume.total, prefix="Band "))
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i in (0, 1, 6) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if row[0].startswith("Band "):
            lines.append("")
    return "\n".join(lines).rstrip()


def _row(count: Count, prefix: str = "") -> tuple[str, ...]:
    title = count.title if len(count.title) <= 40 else count.title[:39] + "…"
    return (
        prefix + count.code,
        title,
        str(count.words),
        str(count.characters),
        f"{count.normseiten:.1f}",
        str(count.print_pages),
        count.pages_from,
        str(count.reading_minutes),
    )


def as_json(counts: list[VolumeCount]) -> str:
    data = [{**asdict(v.total), "chapters": [asdict(c) for c in v.chapters]} for v in counts]
    return json.dumps({"volumes": data}, ensure_ascii=False, indent=2)


def as_csv(counts: list[VolumeCount]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["level", *(f.replace(" ", "_") for f in Count.__dataclass_fields__)])
    for volume in counts:
        for chapter in volume.chapters:
            writer.writerow(["chapter", *asdict(chapter).values()])
        writer.writerow(["volume", *asdict(volume.total).values()])
    return out.getvalue().rstrip("\n")


FORMATS = {"table": as_table, "json": as_json, "csv": as_csv}
