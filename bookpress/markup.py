"""Markdown -> XHTML, exactly once, for every format.

With :mod:`bookpress.mdguards`, the only module that imports Python-Markdown.
It turns a :class:`Source` into a :class:`Document`: well-formed XHTML with
German typography applied (not to words marked as foreign,
``[manpower]{lang=en}``), ids unique within the book, EPUB 3 footnote
markup, and image paths checked and made project-relative. Each of these is an error naming the file and line:

* raw HTML that is not well-formed, or that the allow-list of
  :mod:`bookpress.sanitise` does not allow (it could run code, reach outside
  the project, or render differently in the EPUB and the PDF);
* nesting deeper than :data:`bookpress.limits.MAX_DEPTH` levels, and the
  other limits of :mod:`bookpress.limits`, refused before Python-Markdown
  (whose block parser recurses) sees the text;
* markup Markdown left as text (:mod:`bookpress.slips`): a footnote call
  without a note, emphasis never closed, a link or image not recognised.

Python-Markdown's link parser scanned from every ``[`` to the end of the
paragraph (``"[" * 20_000`` took minutes); :mod:`bookpress.mdguards` bounds
its scans, and :mod:`bookpress.limits` refuses the shapes of text it cannot
handle in linear time.
"""

from __future__ import annotations

import bisect
import html.entities
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import markdown
from lxml import etree

from . import languages, limits, mdguards, sanitise, slips, typography, xhtml
from .errors import BookError, Collector
from .gate import Where
from .hyphenation import Exceptions
from .manuscript import Source
from .model import Document
from .xhtml import OPS, XHTML

# Reads and checks an image (a real path inside the project) named at a chapter line;
# returns its project path, or None if it was refused.
ImageUse = Callable[..., "str | None"]

# "extra" minus abbr/def_list/md_in_html: what essays use, nothing that surprises.
EXTENSIONS = ["footnotes", "tables", "attr_list", "sane_lists", "fenced_code"]
EXTENSION_CONFIGS = {
    # align="…" instead of style="text-align…"; we turn it into a class below,
    # since style attributes are refused and align is not valid XHTML5.
    "tables": {"use_align_attribute": True},
}


class Converter:
    """Converts Markdown sources of one book; keeps one Markdown instance for speed."""

    def __init__(
        self, root: Path, *, hyphenation: tuple[str, ...] = (), images: ImageUse | None = None
    ) -> None:
        self.root = root.resolve()
        self.images = images
        self.hyphenation = Exceptions(hyphenation)
        # What shapes a conversion besides the source: a cached Document is keyed by it.
        self.signature = repr((str(self.root), tuple(hyphenation)))
        # (src as written, project path, line) of each image of the last conversion.
        self.used_images: list[tuple[str, str, int | None]] = []
        self._guards = mdguards.Bounded()
        self._markdown: markdown.Markdown | None = None  # made at the first conversion

    @property
    def _md(self) -> markdown.Markdown:
        if self._markdown is None:
            self._markdown = markdown.Markdown(
                extensions=[*EXTENSIONS, self._guards, mdguards.MarkedLanguages(self._guards)],
                extension_configs=EXTENSION_CONFIGS,
                output_format="xhtml",
            )
        return self._markdown

    def convert(self, source: Source, *, anchor: str, problems: Collector) -> Document | None:
        """Turn ``source`` into a Document; problems are collected, None if unusable."""
        refused = limits.check(source.body)
        if refused is not None:
            index, message = refused
            problems.add(message, file=source.path, line=source.body_line + index)
            return None
        self._md.reset()
        self._guards.reset()
        self.used_images = []
        raw = self._md.convert(source.body)
        before = len(problems.problems)
        _report_slips(self._guards.slips, source, problems)
        try:
            tree = _parse(raw, source, self._md.htmlStash.rawHtmlBlocks)
        except BookError as error:
            problems.extend(error)
            return None
        if sanitise.depth(tree) > limits.MAX_ELEMENT_DEPTH:  # the tag count above missed it
            problems.add(limits.too_deep("elements nest too deeply"), file=source.path, line=source.body_line)
            return None
        where = Locator(source)
        refusals = sanitise.check(tree)
        for refusal in refusals[:MAX_REPORTED]:
            problems.add(refusal.message, file=source.path, line=where.line(*refusal.needles))
        if len(refusals) > MAX_REPORTED:
            more = len(refusals) - MAX_REPORTED
            problems.add(f"{more} more places with raw HTML that is not allowed", file=source.path)
        if len(problems.problems) > before:
            return None
        xhtml.rewrite_footnotes(tree, anchor)
        xhtml.tables(tree)
        languages.mirror_xml_lang(tree)
        xhtml.smarten(tree)
        xhtml.hyphenate(tree, self.hyphenation)
        xhtml.heading_ids(tree)
        xhtml.prefix_ids(tree, anchor)
        outline = xhtml.outline(tree)
        # After the ids and the outline: they are read from the text, which is searched for.
        xhtml.ligature_joints(tree)
        images = _images(tree, source, self.root, problems, use=self.images, seen=self.used_images)
        _links(tree, source, problems)
        if len(problems.problems) > before:
            return None
        meta = {key: typography.smarten(value) for key, value in source.meta.items()}
        return Document(
            source=source.path,
            title=meta.get("title", ""),
            subtitle=meta.get("subtitle", ""),
            summary=meta.get("summary", ""),
            html=_serialise(tree),
            outline=tuple(outline),
            images=tuple(images),
            anchor=anchor,
        )


class Locator:
    """Finds the author's line of something seen in the converted text.

    Searches go forward from the last thing found, since problems are met
    in reading order, and fall back to the whole body.
    """

    def __init__(self, source: Source) -> None:
        self.body = source.body
        self.first = source.body_line
        self.newlines = [match.start() for match in re.finditer("\n", self.body)]
        self.cursor = 0

    def line(self, *needles: str) -> int | None:
        """Line of the first of ``needles`` that occurs in the body, or None."""
        for needle in needles:
            if not needle:
                continue
            index = self.body.find(needle, self.cursor)
            if index < 0:
                index = self.body.find(needle)
            if index >= 0:
                self.cursor = index
                return self.first + bisect.bisect_left(self.newlines, index)
        return None


def _line_of(source: Source, needle: str) -> int | None:
    """Line in the source file where ``needle`` first occurs in the body."""
    return Locator(source).line(needle)


# Reported per chapter and kind (each is searched for in the source); the rest are counted.
MAX_REPORTED = 25


def _report_slips(found: list[slips.Slip], source: Source, problems: Collector) -> None:
    where = Locator(source)
    for slip in found[:MAX_REPORTED]:
        problems.add(slip.message, file=source.path, line=where.line(slip.needle))
    if len(found) > MAX_REPORTED:
        problems.add(
            f"{len(found) - MAX_REPORTED} more places where Markdown left markup as text",
            file=source.path,
        )


_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


def _named_entities(text: str) -> str:
    """Replace HTML named entities (``&nbsp;``) by characters; XML knows only five."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        char = html.entities.html5.get(name + ";")
        return char if char is not None else match.group(0)

    return _ENTITY.sub(replace, text)


def _parse(raw: str, source: Source, stash: list[str]) -> etree._Element:
    deep = limits.deepest_tag(raw)
    if deep is not None:
        following = re.sub(r"<[^>]*>", "", raw[deep : deep + 200]).strip()[:20]
        raise BookError(
            limits.too_deep(
                f"emphasis, links or raw HTML nest over {limits.MAX_ELEMENT_DEPTH} elements deep"
            ),
            file=source.path,
            line=Locator(source).line(following) or source.body_line,
        )
    wrapped = f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{_named_entities(raw)}</div>'
    try:
        return etree.fromstring(wrapped, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line = _raw_html_line(wrapped, exc, source, stash)
        # lxml counts lines of the converted text, which mean nothing to the author.
        reason = re.sub(r",?\s*line \d+(, column \d+)?", "", exc.msg) if exc.msg else "malformed markup"
        raise BookError(
            f"raw HTML is not well-formed ({reason}); close every tag, "
            "quote every attribute, or write it in Markdown",
            file=source.path,
            line=line,
        ) from None


def _raw_html_line(wrapped: str, exc: etree.XMLSyntaxError, source: Source, stash: list[str]) -> int | None:
    """Map an XML error in the converted text back to the author's line, as well as we can."""
    lines = wrapped.split("\n")
    error_line = lines[min(max(exc.lineno - 1, 0), len(lines) - 1)] if exc.lineno else ""
    candidates = [block for block in stash if block.strip() and block.strip() in error_line]
    candidates += [block for block in stash if block.strip()]
    for block in candidates:
        first = block.strip().split("\n")[0]
        line = _line_of(source, first)
        if line is not None:
            return line
    match = re.search(r"&[A-Za-z][A-Za-z0-9]*;", source.body)
    if match:
        return source.body_line + source.body.count("\n", 0, match.start())
    return source.body_line


def _images(
    tree: etree._Element,
    source: Source,
    root: Path,
    problems: Collector,
    *,
    use: ImageUse | None = None,
    seen: list[tuple[str, str, int | None]] | None = None,
) -> list[str]:
    """Check image paths, make them project-relative, and give lone images a <figure>.

    ``use`` (the loader's resource reader) reads and checks each image through the gate;
    None if it refused it, the problem then being collected."""
    found: list[str] = []
    for img in list(tree.iter(f"{{{XHTML}}}img")):
        src = img.get("src", "")
        line = _line_of(source, src) if src else None
        target = _inside(source.path.parent, src, root)
        if target is None:
            problems.add(
                f"image '{src}' must be a file inside the project folder", file=source.path, line=line
            )
            continue
        if not target.is_file():
            problems.add(f"image '{src}' does not exist", file=source.path, line=line)
            continue
        relative = target.relative_to(root).as_posix()
        if use is not None and use(target, named_by=Where(source.path, line)) is None:
            continue
        img.set("src", relative)
        img.set("alt", img.get("alt", ""))
        found.append(relative)
        if seen is not None:
            seen.append((src, relative, line))
        xhtml.figure(img)
    return found


def image_target(folder: Path, reference: str, root: Path) -> Path | None:
    """The real path an image reference in ``folder`` names, if it is a file inside ``root``."""
    target = _inside(folder, reference, root)
    return target if target is not None and target.is_file() else None


def _inside(folder: Path, reference: str, root: Path) -> Path | None:
    """The real path of ``reference`` relative to ``folder`` if it stays inside ``root``."""
    if not reference or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", reference) or reference.startswith("/"):
        return None
    target = (folder / PurePosixPath(reference)).resolve()
    return target if target.is_relative_to(root) else None


def _links(tree: etree._Element, source: Source, problems: Collector) -> None:
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    where = Locator(source)
    # What each link is looked for by, kept until a link is wrong: the search for its line
    # goes on from where the links before it were found. (Searching for every link, the
    # footnote calls among them, read each chapter hundreds of times.)
    passed: list[tuple[str, ...]] = []

    def line(*needles: str) -> int | None:
        for earlier in passed:
            where.line(*earlier)
        passed.clear()
        return where.line(*needles)

    for link in tree.iter(f"{{{XHTML}}}a"):
        href = link.get("href")
        if href is None or sanitise.web_address(href):
            continue
        # The href as typed may hold entities; the link text finds the line then.
        text = xhtml.text_of(link)[:40]
        needles = (href, f"[{text}]", f">{text}<")
        if href.startswith("#") and not any(sanitise.shown(char) != char for char in href):
            if href[1:] not in ids:
                problems.add(
                    f"link target '{href}' does not exist in this chapter",
                    file=source.path,
                    line=line(*needles),
                )
            else:
                passed.append(needles)
            continue
        problems.add(
            f"link '{sanitise.shown(href)}' must be a web address (https://…) or a heading in this "
            "chapter (#…); files and other schemes are not allowed",
            file=source.path,
            line=line(*needles),
        )


def _serialise(tree: etree._Element) -> str:
    text = etree.tostring(tree, encoding="unicode")
    if text.endswith("/>"):
        return ""  # an element without content serialises as <div …/>
    return text[text.index(">") + 1 : text.rindex("</div>")].strip()
