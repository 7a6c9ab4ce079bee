"""The one HTML document of a volume's PDF, joined from the shared fragments.

Order: half-title, title page, imprint (its back), contents, the chapters, the
author page. Everything print-specific is added here and styled by
``styles/print.css``: footnotes moved to their calls (WeasyPrint's
``float: footnote`` sets them at the foot of the page that holds the element),
bookmark labels, the left running head, and the PDF metadata as ``<meta>``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from html import escape

from lxml import etree

from ..model import Book, Chapter, Document, Volume, chapter_code, volume_title
from ..xhtml import OPS, XHTML, local
from . import html, pdf_closing
from .pdf_links import print_links

GENERATOR = "bookpress"
BLOCKS = {"p", "li", "td", "th", "dd", "dt", "figcaption", "blockquote", "div", "section"}


def document(book: Book, volume: Volume, *, timestamp: dt.datetime, profile: str) -> str:
    """The complete HTML of ``volume`` for the PDF ``profile`` ("print" or "screen")."""
    return _page(
        book,
        volume,
        timestamp,
        profile,
        "\n".join([*_front(book, volume, profile), *_units(book, volume, profile)]),
    )


def unit_count(volume: Volume) -> int:
    """How many units the body of ``volume`` has: its chapters and the author page."""
    return len(volume.chapters) + 1


def unit_document(book: Book, volume: Volume, index: int, *, timestamp: dt.datetime, profile: str) -> str:
    """Unit ``index`` of the body (a chapter, or the author page last) as a document of its own.

    The units before it stand in as empty hidden elements, so that selectors
    such as ``.chapter:first-child`` match as they do in the whole volume.
    """
    if index < len(volume.chapters):
        hidden = '<section class="chapter" hidden=""></section>\n' * index
        chapter = _chapter(book, volume, volume.chapters[index], profile)
        body = f'<div class="mainmatter">\n{hidden}{chapter}\n</div>'
    else:
        body = f'<div class="mainmatter" hidden=""></div>\n{_author(book, profile)}'
    return _page(book, volume, timestamp, profile, body)


def front_document(book: Book, volume: Volume, *, timestamp: dt.datetime, profile: str) -> str:
    """The front matter, followed by one empty stand-in page per unit of the body.

    Each stand-in carries its unit's anchor on a page of its own whose counter
    :func:`stub_css` sets to the unit's first folio, so the contents find their
    page numbers and links as in the whole volume. Only the front matter's
    pages are used (see :mod:`.pdf_join`).
    """
    anchors = [chapter.doc.anchor for chapter in volume.chapters] + [book.author_page.anchor]
    stubs = [
        f'<section class="{"chapter" if i < len(volume.chapters) else "author-page"}" '
        f'id="{html.attr(anchor)}" style="page: {STUB_PAGE}{i}"></section>'
        for i, anchor in enumerate(anchors)
    ]
    body = "\n".join(
        [
            *_front(book, volume, profile),
            f'<div class="mainmatter">\n{"".join(stubs[:-1])}\n</div>',
            stubs[-1],
        ]
    )
    body += "\n" + pdf_closing.closing_pages(book, volume)  # after the stand-ins: see pdf_closing
    return _page(book, volume, timestamp, profile, body)


STUB_PAGE = "bookpress-stub-"


def stub_css(starts: list[int]) -> str:
    """The page counter of each stand-in page of :func:`front_document`: the unit's first folio."""
    return "".join(
        f"@page {STUB_PAGE}{i} {{ counter-reset: page {start}; }}\n" for i, start in enumerate(starts)
    )


def _page(book: Book, volume: Volume, timestamp: dt.datetime, profile: str, body: str) -> str:
    lang, kind = html.attr(book.series.language), html.attr(profile)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" class="{kind}">\n<head>\n<meta charset="utf-8"/>\n'
        f"{_metadata(book, volume, timestamp)}</head>\n"
        f'<body class="{kind}" data-running-head="{html.attr(volume_title(book.series, volume))}">\n'
        f"{body}\n</body>\n</html>\n"
    )


def _metadata(book: Book, volume: Volume, timestamp: dt.datetime) -> str:
    """Title, authors, subject, keywords and dates, as WeasyPrint reads them into the PDF."""
    series = book.series
    # W3C date with an explicit zone, so the PDF date does not depend on the machine's.
    date = timestamp.replace(microsecond=0).isoformat() + "Z"
    fields = [("author", author.name) for author in series.authors]
    fields += [
        ("description", volume.subtitle or series.description),
        ("keywords", ", ".join(series.subjects)),
        ("generator", GENERATOR),
        ("dcterms.created", date),
        ("dcterms.modified", date),
    ]
    meta = "".join(f'<meta name="{name}" content="{html.attr(value)}"/>\n' for name, value in fields)
    return f"<title>{escape(volume_title(series, volume))}</title>\n{meta}"


def _front(book: Book, volume: Volume, profile: str) -> list[str]:
    href = {chapter.doc.anchor: f"#{chapter.doc.anchor}" for chapter in volume.chapters}
    href[book.author_page.anchor] = f"#{book.author_page.anchor}"
    return [
        html.half_title(book, volume),
        _bookmarked(html.title_page(book, volume), html.LABELS["title"]),
        _bookmarked(html.imprint(book, volume, profile), html.LABELS["imprint"]),
        _bookmarked(html.contents(book, volume, href, page_numbers=True), html.LABELS["contents"]),
    ]


def _chapters(book: Book, volume: Volume, profile: str) -> list[str]:
    return [_chapter(book, volume, chapter, profile) for chapter in volume.chapters]


def _chapter(book: Book, volume: Volume, chapter: Chapter, profile: str) -> str:
    return _bookmarked(
        html.chapter(
            book, volume, _with_inline_notes(replace(chapter, doc=_on_paper(book, chapter.doc, profile)))
        ),
        f"{chapter_code(volume, chapter)} {chapter.doc.title}",
    )


def _author(book: Book, profile: str) -> str:
    page = _on_paper(book, book.author_page, profile)
    return _bookmarked(html.author_page(replace(book, author_page=page)), page.title)


def _units(book: Book, volume: Volume, profile: str) -> list[str]:
    chapters = "\n".join(_chapters(book, volume, profile))
    return [f'<div class="mainmatter">\n{chapters}\n</div>', _author(book, profile)]


def _bookmarked(fragment: str, label: str) -> str:
    """Give the fragment's outermost element the label of its PDF bookmark."""
    end = fragment.index(">")
    if fragment[end - 1] == "/":
        end -= 1
    return f'{fragment[:end]} data-bookmark="{html.attr(label)}"{fragment[end:]}'


def _on_paper(book: Book, doc: Document, profile: str) -> Document:
    """``doc`` with its web addresses written out, in the print profile (see :mod:`.pdf_links`)."""
    if profile != "print":
        return doc
    return replace(doc, html=print_links(doc.html, book.print.links))


def _with_inline_notes(chapter: Chapter) -> Chapter:
    """The chapter with each footnote moved from the chapter's end to its call."""
    doc = replace(chapter.doc, html=inline_footnotes(chapter.doc.html))
    return replace(chapter, doc=doc)


def inline_footnotes(fragment: str) -> str:
    """Replace every ``a.noteref`` by a ``span.footnote`` holding the note's text.

    A note called twice is set once, at its first call; later calls show the
    number the note is printed with (the notes of web addresses, ``span.link-note``
    from :mod:`.pdf_links`, count too). Paragraphs of a long note are joined by
    line breaks, since the note is now inline content of the calling paragraph.
    """
    tree = etree.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{fragment}</div>')
    notes = {aside.get("id"): aside for aside in tree.iterfind(f"{{{XHTML}}}aside[@class='footnote']")}
    printed: dict[str, str] = {}  # note id -> its number on paper
    count = 0  # the notes set so far
    for call in list(tree.iter(f"{{{XHTML}}}a", f"{{{XHTML}}}span")):
        if "link-note" in (call.get("class") or "").split():
            count += 1
        if local(call) != "a" or call.get("class") != "noteref":
            continue
        target = call.get("href", "")[1:]
        aside = notes.pop(target, None)
        if aside is not None:
            count += 1
            printed[target] = str(count)
            replacement = _note_span(aside, call.text or "")
        else:
            replacement = _repeat(call, printed.get(target, call.text or ""))
        replacement.tail = call.tail
        if aside is not None:
            _mark_block(call, aside.get("id"))
        call.getparent().replace(call, replacement)
    for aside in tree.iterfind(f"{{{XHTML}}}aside[@class='footnote']"):
        tree.remove(aside)
    text = etree.tostring(tree, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</div>")].strip()


def _mark_block(call: etree._Element, note: str) -> None:
    """List the note's id in ``data-notes`` of the block that holds its call (print.css
    lets such blocks end a page with a single line)."""
    block = next((node for node in call.iterancestors() if local(node) in BLOCKS), None)
    if block is not None:
        block.set("data-notes", f"{block.get('data-notes', '')} {note}".strip())


def _note_span(aside: etree._Element, number: str) -> etree._Element:
    span = etree.Element(
        f"{{{XHTML}}}span", {"class": "footnote", "id": aside.get("id"), "data-note": number}
    )
    for index, paragraph in enumerate(aside.iterfind(f"{{{XHTML}}}p")):
        if index:
            etree.SubElement(span, f"{{{XHTML}}}br")
        for back in paragraph.iterfind(f"{{{XHTML}}}a[@class='backlink']"):
            paragraph.text = (paragraph.text or "") + (back.tail or "").lstrip()
            paragraph.remove(back)
        _append_content(span, paragraph)
    return span


def _append_content(target: etree._Element, source: etree._Element) -> None:
    """Move the text and children of ``source`` to the end of ``target``."""
    if source.text:
        last = target[-1] if len(target) else None
        if last is None:
            target.text = (target.text or "") + source.text
        else:
            last.tail = (last.tail or "") + source.text
    for child in list(source):
        target.append(child)


def _repeat(call: etree._Element, number: str) -> etree._Element:
    span = etree.Element(f"{{{XHTML}}}span", {"class": "noteref-repeat"})
    span.text = number
    return span
