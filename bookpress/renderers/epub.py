"""EPUB 3 edition. The only module that imports ebooklib.

ebooklib builds the package (OPF, nav, NCX); we hand it complete XHTML
documents as plain items, so its lenient HTML re-parsing never touches our
markup. The zip it writes is then rewritten: ebooklib stamps every entry with
the current time, and byte-identical rebuilds need fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from ebooklib import epub
from lxml import etree

from .. import cover as covers
from ..cache import Cache
from ..errors import BookError
from ..model import Book, Volume, chapter_code, isbn_digits, volume_title
from . import epub_fonts, epub_zip, html

CSS = ("fonts.css", "base.css", "epub.css")
# A generated cover is set in the fonts bookpress ships, not in files of the project.
COVER_FONTS = Path(__file__).parent.parent / "defaults" / "styles" / "fonts" / "libertine"
OPF = "EPUB/content.opf"
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
WRITER_OPTIONS = {
    "raise_exceptions": True,  # otherwise write_epub() returns False on an I/O error
    "landmark_title": html.LABELS["landmarks"],  # default "Guide"
    "epub3_pages": False,  # no page-list: it would be titled "Pages"
    "compresslevel": 0,  # the zip is recompressed once, in _normalise_zip
}


@dataclass(frozen=True)
class Page:
    """One content document of the package."""

    ident: str
    name: str  # file name under text/
    title: str
    body: str
    epub_type: str  # of the body element


def render(book: Book, volume: Volume, *, timestamp: dt.datetime, cache_root: Path | None = None) -> bytes:
    """The EPUB of ``volume`` as bytes; the same input gives the same bytes.

    With ``cache_root``, the generated cover and the deflated fonts and
    stylesheets are kept in that project's build cache.
    """
    cache = Cache(cache_root) if cache_root is not None else None
    package = epub.EpubBook()
    _metadata(package, book, volume)
    pages = _pages(book, volume)
    for page in pages:
        package.add_item(_document(page, book.series.language))
    _resources(package, book, volume, cache=cache)
    _navigation(package, book, volume, pages)
    buffer = io.BytesIO()
    epub.write_epub(buffer, package, {**WRITER_OPTIONS, "mtime": timestamp})
    return _normalise_zip(
        buffer.getvalue(),
        timestamp,
        {OPF: partial(_package_language, lang=book.series.language)},
        cache=cache,
    )


def identifier(volume: Volume) -> str:
    return f"urn:isbn:{isbn_digits(volume.isbn.ebook)}"


def _metadata(package: epub.EpubBook, book: Book, volume: Volume) -> None:
    series = book.series
    package.set_identifier(identifier(volume))
    package.set_language(series.language)
    package.title = volume_title(series, volume)  # nav and NCX titles
    package.add_metadata("DC", "title", package.title, {"id": "title-main"})
    package.add_metadata(None, "meta", "main", {"refines": "#title-main", "property": "title-type"})
    if volume.subtitle:
        package.add_metadata("DC", "title", volume.subtitle, {"id": "title-sub"})
        package.add_metadata(None, "meta", "subtitle", {"refines": "#title-sub", "property": "title-type"})
    for number, author in enumerate(series.authors, 1):
        package.add_author(author.name, file_as=author.sort, role="aut", uid=f"creator-{number}")
    package.add_metadata("DC", "publisher", series.publisher)
    package.add_metadata("DC", "date", volume.date.isoformat())
    package.add_metadata("DC", "rights", series.rights)
    if series.description:
        package.add_metadata("DC", "description", series.description)
    for subject in series.subjects:
        package.add_metadata("DC", "subject", subject)
    position = str(volume.number)
    package.add_metadata(None, "meta", series.title, {"property": "belongs-to-collection", "id": "series"})
    package.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    package.add_metadata(None, "meta", position, {"refines": "#series", "property": "group-position"})
    package.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series.title})
    package.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": position})
    _accessibility(package, book, volume)


def _accessibility(package: epub.EpubBook, book: Book, volume: Volume) -> None:
    """schema.org accessibility metadata (EPUB Accessibility 1.1 discovery fields).

    Derived from the content, never asserted: ``visual`` only when the text has
    images, ``alternativeText`` only when every one of them has a non-empty
    ``alt``, and the summary says no more than that. The cover is described by
    its own generated alt text and does not count as an image of the text.
    """
    alts = [alt for fragment in _fragments(book, volume) for alt in _image_alts(fragment)]
    described = bool(alts) and all(alt.strip() for alt in alts)
    modes = ["textual", "visual"] if alts else ["textual"]
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if described:
        features.append("alternativeText")
    for mode in modes:
        package.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    # Text alone is sufficient only when every image is described in words.
    if not alts or described:
        package.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    else:
        package.add_metadata(None, "meta", "textual,visual", {"property": "schema:accessModeSufficient"})
    for feature in features:
        package.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    package.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    package.add_metadata(None, "meta", _summary(alts, described), {"property": "schema:accessibilitySummary"})


def _fragments(book: Book, volume: Volume) -> list[str]:
    """The author's texts in the volume: its chapters and the author page."""
    return [*(chapter.doc.html for chapter in volume.chapters), book.author_page.html]


_XHTML = "http://www.w3.org/1999/xhtml"


def _image_alts(fragment: str) -> list[str]:
    """The alt text of every ``img`` in an XHTML fragment ('' where it has none)."""
    if "img" not in fragment:
        return []  # no element named img, whatever its prefix: nothing to parse
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        wrapped = f'<div xmlns="{_XHTML}" xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>'
        root = etree.fromstring(wrapped, parser)
    except etree.XMLSyntaxError:
        # Cannot tell: claim nothing (one image without a description).
        return [""]
    return [image.get("alt", "") for image in root.iter(f"{{{_XHTML}}}img", "img")]


def _summary(alts: list[str], described: bool) -> str:
    sentences = ["Reiner Fließtext mit Überschriftenhierarchie, Inhaltsverzeichnis und verlinkten Fußnoten."]
    if described:
        sentences.append("Alle Abbildungen haben Alternativtexte.")
    elif alts:
        sentences.append("Nicht alle Abbildungen haben Alternativtexte.")
    sentences.append("Schriftgröße und Farben lassen sich im Lesesystem anpassen.")
    return " ".join(sentences)


def _pages(book: Book, volume: Volume) -> list[Page]:
    href = {
        chapter.doc.anchor: f"{_chapter_name(volume, chapter.position)}#{chapter.doc.anchor}"
        for chapter in volume.chapters
    }
    href[book.author_page.anchor] = "autorin.xhtml"
    pages = [
        Page("cover", "cover.xhtml", html.LABELS["cover"], _cover_body(book, volume), "cover"),
        Page(
            "titlepage",
            "titel.xhtml",
            html.LABELS["title"],
            html.title_page(book, volume),
            "frontmatter",
        ),
        Page(
            "imprint",
            "impressum.xhtml",
            html.LABELS["imprint"],
            html.imprint(book, volume, "ebook"),
            "frontmatter",
        ),
        Page(
            "contents",
            "inhalt.xhtml",
            html.LABELS["contents"],
            html.contents(book, volume, href),
            "frontmatter",
        ),
    ]
    for chapter in volume.chapters:
        body = _package_images(html.chapter(book, volume, chapter), chapter.doc.images)
        pages.append(
            Page(
                chapter.doc.anchor,
                _chapter_name(volume, chapter.position),
                f"{chapter_code(volume, chapter)} {chapter.doc.title}",
                body,
                "bodymatter",
            )
        )
    pages.append(
        Page(
            "autorin",
            "autorin.xhtml",
            book.author_page.title,
            _package_images(html.author_page(book), book.author_page.images),
            "backmatter",
        )
    )
    return pages


def _package_images(body: str, images: tuple[str, ...]) -> str:
    """Point image sources (project-relative in the model) at their place in the package."""
    for image in images:
        body = body.replace(f'src="{image}"', f'src="../{image_name(image)}"')
    return body


def _chapter_name(volume: Volume, position: int) -> str:
    return f"kapitel-{position:02d}.xhtml"


def _cover_body(book: Book, volume: Volume) -> str:
    alt = html.escape(html.cover_alt(book, volume))
    return (
        f'<section class="cover" epub:type="cover" aria-label="{html.attr(html.LABELS["cover"])}">'
        f'<img src="../images/cover{_cover_suffix(volume)}" alt="{alt}"/></section>'
    )


def _cover_suffix(volume: Volume) -> str:
    if volume.cover is None:
        return ".jpg"
    return ".png" if volume.cover.suffix.lower() == ".png" else ".jpg"


def _document(page: Page, lang: str) -> epub.EpubItem:
    content = html.document(
        title=page.title,
        body=page.body,
        lang=lang,
        stylesheets=[f"../styles/{name}" for name in CSS],
        epub_type=page.epub_type,
    )
    return epub.EpubItem(
        uid=page.ident,
        file_name=f"text/{page.name}",
        media_type="application/xhtml+xml",
        content=content.encode("utf-8"),
    )


def _resources(package: epub.EpubBook, book: Book, volume: Volume, *, cache: Cache | None = None) -> None:
    """Stylesheets with the files they use, images and the cover image: exactly the checked
    bytes the loader kept (``book.resources``), never a file read again from disk."""
    for name in CSS:
        if f"styles/{name}" not in book.resources:
            raise BookError(f"the stylesheet styles/{name} is missing", file=book.styles / name)
    packed: dict[str, bytes] = {}
    for name in book.resources.closure(f"styles/{name}" for name in CSS):
        _add_once(package, packed, name, book.resources[name])
    for doc in [*(chapter.doc for chapter in volume.chapters), book.author_page]:
        for image in doc.images:
            _add_once(package, packed, image_name(image), book.resources[image])
    if volume.cover is not None:
        data = book.resources[volume.cover.relative_to(book.root).as_posix()]
    else:
        data = generated_cover(covers.CoverText.of(book, volume), cache=cache)
    if f"images/cover{_cover_suffix(volume)}" in packed:
        raise BookError(
            f"an image would be packed as 'images/cover{_cover_suffix(volume)}', the cover's place"
        )
    item = _add_file(package, f"images/cover{_cover_suffix(volume)}", data, ident="cover-image")
    item.properties = ["cover-image"]
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


_covers: dict[covers.CoverText, bytes] = {}


def generated_cover(text: covers.CoverText, *, cache: Cache | None = None) -> bytes:
    """The generated cover of ``text``, drawn once: kept in this process and, given a
    cache, in the project's build cache (drawing it takes a third of a second)."""
    if text in _covers:
        return _covers[text]
    key = cache.key("epub cover", repr(text), *_cover_inputs()) if cache else ""
    data = cache.get(key) if cache else None
    if data is None:
        data = covers.render_cover(text, fonts_dir=COVER_FONTS)
        if cache:
            cache.put(key, data)
    if len(_covers) >= 16:
        _covers.pop(next(iter(_covers)))
    _covers[text] = data
    return data


@functools.cache
def _cover_inputs() -> tuple[str, ...]:
    """What shapes a generated cover besides its text: Pillow and the fonts it draws with."""
    import PIL

    fonts = sorted(path for path in COVER_FONTS.iterdir() if path.is_file())
    return (
        f"Pillow {PIL.__version__}",
        *(f"{p.name} {hashlib.sha256(p.read_bytes()).hexdigest()}" for p in fonts),
    )


def _add_once(package: epub.EpubBook, packed: dict[str, bytes], name: str, data: bytes) -> None:
    """Add a file unless the same bytes are already at ``name``; two different files may not
    share a place in the package (the zip would hold the name twice)."""
    if name in packed:
        if packed[name] != data:
            raise BookError(
                f"two different files would be packed as '{name}' in the EPUB; rename one of them"
            )
        return
    packed[name] = data
    _add_file(package, name, data)


def image_name(project_path: str) -> str:
    """Where a project image lives in the package: "manuscript/images/a.svg" -> "images/…"."""
    path = PurePosixPath(project_path)
    parts = [part for part in path.parent.parts if part not in ("manuscript", "images")]
    return "images/" + "-".join([*parts, path.name])


def _add_file(package: epub.EpubBook, name: str, data: bytes, *, ident: str | None = None) -> epub.EpubItem:
    ident = ident or "res-" + "".join(c if c.isalnum() else "-" for c in name)
    item = epub.EpubItem(
        uid=ident, file_name=name, media_type=MEDIA_TYPES[Path(name).suffix.lower()], content=data
    )
    package.add_item(item)
    return item


def _navigation(package: epub.EpubBook, book: Book, volume: Volume, pages: list[Page]) -> None:
    nav = epub.EpubNav(title=html.LABELS["contents"])
    for name in CSS:
        nav.add_link(href=f"styles/{name}", rel="stylesheet", type="text/css")
    package.add_item(epub.EpubNcx())
    package.add_item(nav)
    toc: list = []
    chapter_pages = [page for page in pages if page.ident.startswith(f"v{volume.number}-c")]
    for chapter, page in zip(volume.chapters, chapter_pages, strict=True):
        link = epub.Link(f"text/{page.name}", page.title, page.ident)
        subs = [
            epub.Link(f"text/{page.name}#{h.anchor}", h.text, h.anchor)
            for h in chapter.doc.outline
            if h.level == 2
        ]
        toc.append((link, subs) if subs else link)
    toc.append(epub.Link("text/autorin.xhtml", book.author_page.title, "autorin"))
    package.toc = toc
    package.spine = [page.ident for page in pages]
    first = chapter_pages[0] if chapter_pages else pages[-1]
    package.guide = [
        {"type": "cover", "href": "text/cover.xhtml", "title": html.LABELS["cover"]},
        {"type": "toc", "href": "text/inhalt.xhtml", "title": html.LABELS["contents"]},
        {"type": "text", "href": f"text/{first.name}", "title": html.LABELS["start"]},
    ]


def _package_language(opf: bytes, *, lang: str) -> bytes:
    """ebooklib leaves xml:lang off the package element; accessibility checkers (Ace) want it."""
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


COMPRESSED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")  # stored in the zip as they are


def _normalise_zip(
    data: bytes,
    timestamp: dt.datetime,
    fix: dict[str, Callable[[bytes], bytes]],
    *,
    cache: Cache | None = None,
) -> bytes:
    """Rewrite the container: mimetype first and stored, the rest sorted, fixed times, the
    fonts cut down to what the text uses (:mod:`.epub_fonts`).

    ``fix`` maps entry names to functions that correct what ebooklib wrote.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    contents = epub_fonts.lean({name: source.read(name) for name in source.namelist()}, OPF, cache=cache)
    names = sorted(n for n in contents if n != "mimetype")
    entries = [epub_zip.Entry("mimetype", contents["mimetype"], deflate=False)]
    for name in names:
        content = fix.get(name, lambda same: same)(contents[name])
        # Images are compressed already: deflating them again costs time and saves nothing.
        entries.append(epub_zip.Entry(name, content, deflate=not name.lower().endswith(COMPRESSED_SUFFIXES)))
    return epub_zip.write(entries, timestamp, cache=cache)
