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
along with its pages. Tagged parts (the screen edition) give their structure
trees to one tree, their keys numbered anew in one parent tree. Each part
brings its own subset of every face it uses;
given the book's font files, :mod:`.pdf_fonts` replaces them with one subset
per face.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Name, OutlineItem

from .pdf_fonts import share_font_programs
from .pdf_labels import add_page_labels


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
    closing: Sequence[int] = (),
) -> bytes:
    """The volume's PDF: ``front_pages`` pages of ``front``, then the units in order.

    ``blank`` is the index of a blank page in ``front`` to put between units;
    the document information, language and identifier come from ``front``.
    ``fonts`` (path → bytes of the book's font files) lets the parts share one
    subset of each face; without them each part
    keeps its own. ``closing`` are pages of ``front`` appended after the units (see
    :mod:`.pdf_closing`).
    """
    with warnings.catch_warnings():
        # pikepdf warns that extend() leaves named destinations behind: they are written below.
        warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
        return _join(front, front_pages, blank, units, identifier, fonts or {}, closing)


def _join(
    front: bytes,
    front_pages: int,
    blank: int | None,
    units: list[Part],
    identifier: str,
    fonts: Mapping[str, bytes],
    closing: Sequence[int] = (),
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
    for index in closing:
        out.pages.append(opened.pages[index])
    _copy_catalog(out, opened)
    if "/StructTreeRoot" in opened.Root:
        _join_structure(out, placed)
    add_page_labels(out, front_pages)
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
        if key not in ("/Type", "/Pages", "/Outlines", "/Names", "/StructTreeRoot"):
            out.Root[key] = _foreign(out, front, value)


def _join_structure(out: pikepdf.Pdf, placed: list[tuple[pikepdf.Pdf, int, int]]) -> None:
    """One structure tree (tagged PDF) of the parts' trees, in page order.

    Each part's document element gives its children to one new document
    element; a child with content only on pages left out (the front matter's
    stand-ins) is left out with them. The keys that tie pages and link
    annotations to the structure (``/StructParents``, ``/StructParent``) are
    numbered anew in one parent tree (ISO 32000-1, 14.7.4.4).
    """
    document = out.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.Document))
    root = out.make_indirect(pikepdf.Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = root
    kids: list[pikepdf.Object] = []
    numbers: list[pikepdf.Object] = []
    role_map: dict[str, pikepdf.Object] = {}
    for source, first, count in placed:
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            continue
        kept = {page.obj.objgen for page in source.pages[:count]}
        parents = dict(_numbers(tree.get("/ParentTree")))
        for top in _elements(tree.get("/K")):
            for kid in _elements(top.get("/K")) if top.get("/S") == Name.Document else [top]:
                if _prune(kid, kept, None):
                    if "/P" in kid:
                        del kid.P  # the part's document element: not copied
                    copy = out.copy_foreign(kid)
                    copy.P = document
                    kids.append(copy)
        for number in range(count):
            page = out.pages[first + number].obj
            for holder, key in [(page, "/StructParents")] + [
                (a, "/StructParent") for a in page.get("/Annots", [])
            ]:
                old = holder.get(key)
                if old is None:
                    continue
                value = parents.get(int(old))
                if value is None:
                    del holder[key]
                    continue
                holder[key] = len(numbers) // 2
                numbers += [len(numbers) // 2, _foreign(out, source, value)]
        for name, role in (tree.get("/RoleMap") or {}).items():
            role_map.setdefault(name, role)
    document.K = Array(kids)
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=Array(numbers)))
    root.ParentTreeNextKey = len(numbers) // 2
    if role_map:
        root.RoleMap = pikepdf.Dictionary(role_map)
    out.Root.StructTreeRoot = root


def _foreign(out: pikepdf.Pdf, source: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """``value`` of ``source`` copied into ``out``; a direct array item by item (qpdf copies
    indirect objects only, and maps each once)."""
    if value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_foreign(out, source, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return out.copy_foreign(source.make_indirect(value))
    return value


def _elements(k: object) -> list[pikepdf.Dictionary]:
    """The structure elements among the kids ``k`` of an element (one or an array)."""
    items = list(k) if isinstance(k, Array) else [k]
    return [item for item in items if isinstance(item, pikepdf.Dictionary) and "/S" in item]


def _prune(element: pikepdf.Dictionary, kept: set[tuple[int, int]], page: object) -> bool:
    """Drop from ``element`` what lies on pages not ``kept``; whether anything is left.

    Content without a page of its own (``/Pg``) is on its parent's page.
    """
    own = element.get("/Pg")
    page = own.objgen if isinstance(own, pikepdf.Dictionary) else page
    k = element.get("/K")
    items = list(k) if isinstance(k, Array) else ([] if k is None else [k])
    left = []
    for item in items:
        if isinstance(item, pikepdf.Dictionary) and "/S" in item:
            keep = _prune(item, kept, page)
        elif isinstance(item, pikepdf.Dictionary):  # a marked-content or object reference
            where = item.get("/Pg")
            keep = (where.objgen if isinstance(where, pikepdf.Dictionary) else page) in kept
        else:  # a marked-content identifier on the element's page
            keep = page in kept
        if keep:
            left.append(item)
    if len(left) != len(items):
        element.K = Array(left)
    return bool(left) or (not items and page in kept)


def _numbers(tree: object) -> Iterator[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a number tree (ISO 32000-1, 7.9.7), leaves and kids."""
    if not isinstance(tree, pikepdf.Dictionary):
        return
    nums = tree.get("/Nums")
    if isinstance(nums, Array):
        for index in range(0, len(nums) - 1, 2):
            yield int(nums[index]), nums[index + 1]
    for kid in tree.get("/Kids") or []:
        yield from _numbers(kid)


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
