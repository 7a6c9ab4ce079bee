"""XHTML shared by every format: the pages of a volume as fragments and documents.

The EPUB renderer wraps each fragment in a document of its own; the PDF
renderer joins them into one. Text from the model is already typeset; here it
is only escaped: :func:`escape` for text, :func:`attr` for attribute values
(quotes included), for every value, even those the loader already checked.
"""

from __future__ import annotations

from html import escape

from .. import imprint as imprints
from ..model import Book, Chapter, Document, Volume, chapter_code, full_code, volume_label

LABELS = {
    "cover": "Cover",
    "title": "Titelseite",
    "imprint": "Impressum",
    "contents": "Inhalt",
    "landmarks": "Orientierungspunkte",
    "start": "Beginn des Textes",
    "halftitle": "Schmutztitel",
    "series": "Ebenfalls in dieser Reihe",
}


def attr(value: object) -> str:
    """A value escaped for a double- or single-quoted XML/HTML attribute."""
    return escape(str(value), quote=True)


def document(*, title: str, body: str, lang: str, stylesheets: list[str], epub_type: str = "") -> str:
    """A complete XHTML5 document, as EPUB content documents need it."""
    links = "".join(
        f'\n    <link rel="stylesheet" type="text/css" href="{attr(href)}"/>' for href in stylesheets
    )
    body_attrs = f' epub:type="{attr(epub_type)}"' if epub_type else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{attr(lang)}" xml:lang="{attr(lang)}">\n  <head>\n    <meta charset="utf-8"/>\n'
        f"    <title>{escape(title)}</title>{links}\n  </head>\n"
        f"  <body{body_attrs}>\n{body}\n  </body>\n</html>\n"
    )


def authors_line(book: Book) -> str:
    return ", ".join(author.name for author in book.series.authors)


def half_title(book: Book, volume: Volume) -> str:
    return (
        f'<section class="halftitle" epub:type="halftitlepage" role="doc-halftitle"'
        f' aria-label="{attr(LABELS["halftitle"])}">\n'
        f'<p class="halftitle-series">{escape(book.series.title)}</p>\n'
        f'<p class="halftitle-title">{escape(volume.title)}</p>\n</section>'
    )


def title_page(book: Book, volume: Volume) -> str:
    subtitle = f'<p class="subtitle">{escape(volume.subtitle)}</p>\n' if volume.subtitle else ""
    return (
        f'<section class="titlepage" epub:type="titlepage" aria-label="{attr(LABELS["title"])}">\n'
        f'<p class="author">{escape(authors_line(book))}</p>\n'
        f'<h1 class="title"><span class="series">{escape(book.series.title)}</span> '
        f'<span class="volume">{escape(volume_label(volume))}</span> '
        f'<span class="main">{escape(volume.title)}</span></h1>\n{subtitle}'
        f'<p class="publisher">{escape(book.series.publisher)}</p>\n</section>'
    )


def imprint(book: Book, volume: Volume, edition: str) -> str:
    """The imprint page, its wording from the project's template (see :mod:`bookpress.imprint`).

    ``edition`` is "print", "screen" or "ebook": only the print edition names the printer.
    """
    paragraphs = "\n".join(
        f"<p>{'<br/>'.join(escape(line) for line in lines)}</p>"
        for lines in imprints.paragraphs(book, volume, edition)
    )
    return (
        f'<section class="imprint" epub:type="copyright-page" aria-label="{attr(LABELS["imprint"])}">\n'
        f'<div class="imprint-text">\n{paragraphs}\n</div>\n</section>'
    )


def contents(book: Book, volume: Volume, href: dict[str, str], *, page_numbers: bool = False) -> str:
    """The printed table of contents; ``href`` maps document anchors to link targets."""
    items = []
    for chapter in volume.chapters:
        code = escape(chapter_code(volume, chapter))
        items.append(_contents_item(chapter.doc, href, code, page_numbers))
    items.append(_contents_item(book.author_page, href, "", page_numbers))
    return (
        f'<nav class="contents" epub:type="toc" role="doc-toc" aria-labelledby="contents-title">\n'
        f'<h1 id="contents-title">{escape(LABELS["contents"])}</h1>\n<ol>\n'
        + "\n".join(items)
        + "\n</ol>\n</nav>"
    )


def _contents_item(doc: Document, href: dict[str, str], code: str, page_numbers: bool) -> str:
    target = attr(href[doc.anchor])
    code_html = f'<span class="code">{code}</span> ' if code else ""
    page = f'<span class="page" data-target="{target}"></span>' if page_numbers else ""
    return f'<li><a href="{target}">{code_html}<span class="title">{escape(doc.title)}</span>{page}</a></li>'


def chapter(book: Book, volume: Volume, chapter: Chapter) -> str:
    """A chapter as a section, titled with its code ("#VUCA III/05")."""
    doc = chapter.doc
    subtitle = f'<p class="chapter-subtitle">{escape(doc.subtitle)}</p>\n' if doc.subtitle else ""
    anchor = attr(doc.anchor)
    return (
        f'<section class="chapter" id="{anchor}" epub:type="chapter" role="doc-chapter" '
        f'aria-labelledby="{anchor}-title">\n<header>\n'
        f'<p class="chapter-code">{escape(full_code(book.series, volume, chapter))}</p>\n'
        f'<h1 id="{anchor}-title" class="chapter-title">{escape(doc.title)}</h1>\n'
        f"{subtitle}</header>\n{doc.html}\n</section>"
    )


def author_page(book: Book) -> str:
    doc = book.author_page
    anchor = attr(doc.anchor)
    return (
        f'<section class="author-page" id="{anchor}" epub:type="contributors" '
        f'aria-labelledby="{anchor}-title">\n'
        f'<h1 id="{anchor}-title">{escape(doc.title)}</h1>\n{doc.html}\n</section>'
    )


def cover_alt(book: Book, volume: Volume) -> str:
    return f"Cover: {book.series.title}, {volume_label(volume)}: {volume.title}, von {authors_line(book)}"
