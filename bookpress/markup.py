"""Markdown -> XHTML, exactly once, for every format.

The only module that imports Python-Markdown. It turns a :class:`Source` into
a :class:`Document`: well-formed XHTML with German typography applied, ids
unique within the book, EPUB 3 footnote markup, and image paths checked and
made project-relative. Raw HTML that is not well-formed, or that could run
code or reach outside the project, is an error naming the file and line.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import markdown
from lxml import etree

from . import typography, xhtml
from .errors import BookError, Collector
from .gate import Where
from .hyphenation import Exceptions
from .manuscript import Source
from .model import Document
from .xhtml import OPS, XHTML, local

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

FORBIDDEN = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "link",
    "meta",
    "base",
    "frame",
    "frameset",
    "applet",
    "audio",
    "video",
    "source",
    "svg",
    "math",
    "textarea",
    "select",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class Converter:
    """Converts Markdown sources of one book; keeps one Markdown instance for speed."""

    def __init__(
        self, root: Path, *, hyphenation: tuple[str, ...] = (), images: ImageUse | None = None
    ) -> None:
        self.root = root.resolve()
        self.images = images
        self.hyphenation = Exceptions(hyphenation)
        self._md = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="xhtml"
        )

    def convert(self, source: Source, *, anchor: str, problems: Collector) -> Document | None:
        """Turn ``source`` into a Document; problems are collected, None if unusable."""
        self._md.reset()
        raw = self._md.convert(source.body)
        try:
            tree = _parse(raw, source, self._md.htmlStash.rawHtmlBlocks)
        except BookError as error:
            problems.extend(error)
            return None
        before = len(problems.problems)
        _check_elements(tree, source, problems)
        xhtml.rewrite_footnotes(tree, anchor)
        xhtml.tables(tree)
        xhtml.smarten(tree)
        xhtml.hyphenate(tree, self.hyphenation)
        xhtml.heading_ids(tree)
        xhtml.prefix_ids(tree, anchor)
        outline = xhtml.outline(tree)
        images = _images(tree, source, self.root, problems, use=self.images)
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


def _line_of(source: Source, needle: str) -> int | None:
    """Line in the source file where ``needle`` first occurs in the body."""
    index = source.body.find(needle)
    return None if index < 0 else source.body_line + source.body.count("\n", 0, index)


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


def _check_elements(tree: etree._Element, source: Source, problems: Collector) -> None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = local(element)
        if tag in FORBIDDEN:
            problems.add(
                f"<{tag}> is not allowed in a manuscript", file=source.path, line=_line_of(source, f"<{tag}")
            )
        for name in element.attrib:
            plain = name.rsplit("}", 1)[-1].lower()
            if plain.startswith("on") or plain == "style":
                problems.add(
                    f"attribute '{plain}' is not allowed (styles belong in styles/)",
                    file=source.path,
                    line=_line_of(source, plain),
                )


def _images(
    tree: etree._Element, source: Source, root: Path, problems: Collector, *, use: ImageUse | None = None
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
        xhtml.figure(img)
    return found


def _inside(folder: Path, reference: str, root: Path) -> Path | None:
    """The real path of ``reference`` relative to ``folder`` if it stays inside ``root``."""
    if not reference or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", reference) or reference.startswith("/"):
        return None
    target = (folder / PurePosixPath(reference)).resolve()
    return target if target.is_relative_to(root) else None


def _links(tree: etree._Element, source: Source, problems: Collector) -> None:
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for link in tree.iter(f"{{{XHTML}}}a"):
        href = link.get("href")
        if href is None or href.startswith(SAFE_SCHEMES):
            continue
        if href.startswith("#"):
            if href[1:] not in ids:
                problems.add(
                    f"link target '{href}' does not exist in this chapter",
                    file=source.path,
                    line=_line_of(source, href),
                )
            continue
        problems.add(
            f"link '{href}' must be a web address (https://…) or a heading in this "
            "chapter (#…); files and other schemes are not allowed",
            file=source.path,
            line=_line_of(source, href),
        )


def _serialise(tree: etree._Element) -> str:
    text = etree.tostring(tree, encoding="unicode")
    if text.endswith("/>"):
        return ""  # an element without content serialises as <div …/>
    return text[text.index(">") + 1 : text.rindex("</div>")].strip()
