"""Join a volume's separately laid-out parts into one PDF.

The front matter comes first, then each unit of the body (a chapter, the
author page) from its own PDF, with a blank page wherever a unit opens on a
right-hand page after one that ended on a right-hand page. The blank page is
the one WeasyPrint set in the front matter's stand-ins (see
:func:`.pdf_html.front_document`), so it carries the page background and crop
marks of every other page.

Bookmarks and named destinations (the targets of the contents' links) are
gathered from the parts and written anew for the joined pages. pikepdf (on
qpdf) does the copying: each part's fonts, images and link annotations come
along with its pages. Each part brings its own subset of every face it uses;
given the book's font files, :mod:`.pdf_fonts` replaces them with one subset
per face.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, OutlineItem

from .pdf_fonts import share_font_programs


@dataclass(frozen=True)
class Part:
    """A unit of the body: the folio it opens on, its page count, its PDF."""

    first_folio: int
    pages: int
    pdf: bytes


def join(
    *,
    front: bytes,
    front_pages: int,
    blank: int | None,
    units: list[Part],
    identifier: str,
    fonts: Mapping[str, bytes] | None = None,
) -> bytes:
    """The volume's PDF: ``front_pages`` pages of ``front``, then the units in order.

    ``blank`` is the index of a blank page in ``front`` to put between units;
    the document information, language and identifier come from ``front``.
    ``fonts`` (path → bytes of the book's font files) lets the parts share one
    subset of each face; without them each part
    keeps its own.
    """
    with warnings.catch_warnings():
        # pikepdf warns that extend() leaves named destinations behind: they are written below.
        warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
        return _join(front, front_pages, blank, units, identifier, fonts or {})


def _join(
    front: bytes,
    front_pages: int,
    blank: int | None,
    units: list[Part],
    identifier: str,
    fonts: Mapping[str, bytes],
) -> bytes:
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(front))]
    opened = sources[0]
    placed: list[tuple[pikepdf.Pdf, int, int]] = [(opened, 0, front_pages)]  # (source, first, count)
    out.pages.extend(opened.pages[:front_pages])
    folio = 1
    for unit in units:
        while folio < unit.first_folio:
            if blank is None:
                raise RuntimeError("a unit needs a blank page before it, and the front matter has none")
            out.pages.append(opened.pages[blank])
            folio += 1
        source = pikepdf.open(io.BytesIO(unit.pdf))
        sources.append(source)
        placed.append((source, len(out.pages), len(source.pages)))
        out.pages.extend(source.pages)
        folio += len(source.pages)
    _copy_catalog(out, opened)
    _write_destinations(out, placed)
    _write_outline(out, placed)
    out.trailer.Info = out.copy_foreign(opened.trailer.Info)
    # qpdf keeps the first /ID string (the permanent identifier) and derives the
    # second from the content, so the same parts give the same bytes.
    out.trailer.ID = Array([pikepdf.String(identifier), pikepdf.String(identifier)])
    if fonts:
        share_font_programs(out, fonts)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        min_version=opened.pdf_version,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    for source in sources:
        source.close()
    return buffer.getvalue()


def _copy_catalog(out: pikepdf.Pdf, front: pikepdf.Pdf) -> None:
    """The front matter's catalog entries (language, viewer settings), but not its pages or trees."""
    for key, value in front.Root.items():
        if key not in ("/Type", "/Pages", "/Outlines", "/Names"):
            out.Root[key] = out.copy_foreign(value) if value.is_indirect else value


def _pages_of(source: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(source.pages)}


def _target(out: pikepdf.Pdf, destination: object, where: dict[tuple[int, int], int], first: int, count: int):
    """``destination`` (``[page /XYZ x y zoom]`` in a part) pointed at the joined page; or None."""
    if not isinstance(destination, Array) or len(destination) < 1:
        return None
    page = destination[0]
    number = where.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
    if number is None or number >= count:
        return None  # a stand-in page of the front matter, not part of the book
    return Array([out.pages[first + number].obj, *list(destination)[1:]])


def _write_destinations(out: pikepdf.Pdf, placed: list[tuple[pikepdf.Pdf, int, int]]) -> None:
    """One name tree of every part's named destinations; a unit's anchor wins over its stand-in."""
    names: dict[str, Array] = {}
    for source, first, count in placed:
        if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
            continue
        where = _pages_of(source)
        for name, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
            target = _target(out, destination, where, first, count)
            if target is not None:
                names[name] = target
    if names:
        tree = pikepdf.NameTree.new(out)
        for name in sorted(names):
            tree[name] = names[name]
        out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)


def _write_outline(out: pikepdf.Pdf, placed: list[tuple[pikepdf.Pdf, int, int]]) -> None:
    """The bookmarks of every part, in page order, with their levels and open states."""
    with out.open_outline() as outline:
        for source, first, count in placed:
            where = _pages_of(source)
            with source.open_outline() as theirs:
                outline.root.extend(_copied(out, theirs.root, where, first, count))


def _copied(
    out: pikepdf.Pdf, items: list[OutlineItem], where: dict[tuple[int, int], int], first: int, count: int
) -> Iterator[OutlineItem]:
    for item in items:
        target = _target(out, item.destination, where, first, count)
        if target is None:
            continue
        copy = OutlineItem(item.title)
        copy.destination = target
        copy.is_closed = item.is_closed
        copy.children.extend(_copied(out, item.children, where, first, count))
        yield copy
