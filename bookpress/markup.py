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
from pathlib import Path, PurePosixPath

import markdown
from lxml import etree

from . import typography
from .errors import BookError, Collector
from .hyphenation import Exceptions
from .manuscript import Source
from .model import Document, Heading

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"

# "extra" minus abbr/def_list/md_in_html: what essays use, nothing that surprises.
EXTENSIONS = ["footnotes", "tables", "attr_list", "sane_lists", "fenced_code"]
EXTENSION_CONFIGS = {
    # align="…" instead of style="text-align…"; we turn it into a class below,
    # since style attributes are refused and align is not valid XHTML5.
    "tables": {"use_align_attribute": True},
}

BLOCKS = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "dt",
    "dd",
    "figcaption",
    "blockquote",
    "div",
    "aside",
    "section",
    "ol",
    "ul",
    "table",
    "thead",
    "tbody",
    "tr",
    "figure",
    "pre",
    "hr",
    "dl",
}
FROZEN = {"code", "pre", "kbd", "samp", "var"}
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

    def __init__(self, root: Path, *, hyphenation: tuple[str, ...] = ()) -> None:
        self.root = root.resolve()
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
        _rewrite_footnotes(tree, anchor)
        _tables(tree)
        _smarten(tree)
        _hyphenate(tree, self.hyphenation)
        _heading_ids(tree)
        _prefix_ids(tree, anchor)
        outline = _outline(tree)
        images = _images(tree, source, self.root, problems)
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
        reason = exc.msg.split(", line")[0] if exc.msg else "malformed markup"
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


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _check_elements(tree: etree._Element, source: Source, problems: Collector) -> None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element)
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


def _rewrite_footnotes(tree: etree._Element, anchor: str) -> None:
    """Python-Markdown's footnotes -> EPUB 3 noterefs and footnote asides, numbered in order."""
    container = tree.find(f"{{{XHTML}}}div[@class='footnote']")
    if container is None:
        return
    numbers: dict[str, int] = {}
    calls: dict[int, int] = {}
    for sup in list(tree.iter(f"{{{XHTML}}}sup")):
        link = sup.find(f"{{{XHTML}}}a[@class='footnote-ref']")
        if link is None:
            continue
        key = link.get("href", "")[len("#fn:") :]
        number = numbers.setdefault(key, len(numbers) + 1)
        calls[number] = calls.get(number, 0) + 1
        again = "" if calls[number] == 1 else f"-{calls[number]}"  # a note called twice
        ref = etree.Element(
            f"{{{XHTML}}}a",
            {
                "class": "noteref",
                "id": f"{anchor}-fnref-{number}{again}",
                "href": f"#{anchor}-fn-{number}",
                "role": "doc-noteref",
                EPUB_TYPE: "noteref",
            },
        )
        ref.text = str(number)
        ref.tail = sup.tail
        sup.getparent().replace(sup, ref)
    notes = []
    for item in container.iter(f"{{{XHTML}}}li"):
        key = item.get("id", "")[len("fn:") :]
        if key not in numbers:
            continue  # defined but never called: the linter reports it
        number = numbers[key]
        for back in item.findall(f".//{{{XHTML}}}a[@class='footnote-backref']"):
            _drop(back)
        aside = etree.Element(
            f"{{{XHTML}}}aside",
            {
                "class": "footnote",
                "id": f"{anchor}-fn-{number}",
                "role": "doc-footnote",
                EPUB_TYPE: "footnote",
            },
        )
        for child in item:
            aside.append(child)
        first = aside.find(f"{{{XHTML}}}p")
        back = etree.Element(
            f"{{{XHTML}}}a",
            {"class": "backlink", "href": f"#{anchor}-fnref-{number}", "role": "doc-backlink"},
        )
        back.text = str(number)
        back.tail = " " + ((first.text or "").lstrip() if first is not None else "")
        if first is None:
            first = etree.SubElement(aside, f"{{{XHTML}}}p")
        first.text = None
        first.insert(0, back)
        _strip_trailing_nbsp(aside)
        notes.append((number, aside))
    index = list(tree).index(container)
    tree.remove(container)
    for offset, (_, aside) in enumerate(sorted(notes, key=lambda pair: pair[0])):
        tree.insert(index + offset, aside)


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _strip_trailing_nbsp(element: etree._Element) -> None:
    for node in element.iter():
        for attr in ("text", "tail"):
            value = getattr(node, attr)
            if value and value.endswith("\u00a0"):
                setattr(node, attr, value.rstrip("\u00a0"))


def _prefix_ids(tree: etree._Element, anchor: str) -> None:
    """Make author ids unique in the whole book and follow them in links."""
    renamed: dict[str, str] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        old = element.get("id")
        if old and not old.startswith(f"{anchor}-"):
            new = f"{anchor}-{_slug(old)}"
            renamed[old] = new
            element.set("id", new)
    for link in tree.iter(f"{{{XHTML}}}a"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] in renamed:
            link.set("href", "#" + renamed[href[1:]])


def _tables(tree: etree._Element) -> None:
    for cell in tree.iter(f"{{{XHTML}}}td", f"{{{XHTML}}}th"):
        align = cell.attrib.pop("align", None)
        if align:
            cell.set("class", f"{cell.get('class', '')} align-{align}".strip())


def _smarten(tree: etree._Element) -> None:
    """Run the German typography pass over every run of text between block boundaries."""
    runs: list[list[tuple[etree._Element, str, bool]]] = [[]]

    def visit(element: etree._Element, frozen: bool) -> None:
        tag = _local(element)
        block = tag in BLOCKS
        inner = frozen or tag in FROZEN
        if block:
            runs.append([])
        runs[-1].append((element, "text", inner))
        for child in element:
            if not isinstance(child.tag, str):
                runs[-1].append((child, "tail", inner))
                continue
            visit(child, inner)
            runs[-1].append((child, "tail", inner))
        if block:
            runs.append([])

    for child in tree:
        visit(child, False)
    for run in runs:
        slots = [(el, attr, frozen) for el, attr, frozen in run if getattr(el, attr)]
        if not slots:
            continue
        segments = [getattr(el, attr) for el, attr, _ in slots]
        frozen = frozenset(i for i, (_, _, f) in enumerate(slots) if f)
        done, _ = typography.smarten_segments(segments, frozen=frozen)
        for (el, attr, _), text in zip(slots, done, strict=True):
            setattr(el, attr, text)


NO_HYPHENATION = FROZEN | {"h1", "h2", "h3", "h4", "h5", "h6"}


def _hyphenate(tree: etree._Element, exceptions: Exceptions) -> None:
    """Mark up the words of the project hyphenation list, for every format.

    Each listed word becomes ``<span class="hyphens-manual">`` holding soft hyphens
    at its allowed breaks (none for a word that never breaks). The span matters
    for WeasyPrint: one soft hyphen anywhere in a text box turns off automatic
    hyphenation for the whole box (``split_first_line`` in text/line_break.py).
    Headings are left alone: their text also feeds the outline and bookmarks.
    """
    if not exceptions:
        return
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element is tree:
            continue
        if not _inside_any(element, NO_HYPHENATION):
            _mark_words(element, "text", exceptions)
        parent = element.getparent()
        if parent is not tree and not _inside_any(parent, NO_HYPHENATION):
            _mark_words(element, "tail", exceptions)


def _inside_any(element: etree._Element, tags: set[str]) -> bool:
    return any(_local(node) in tags for node in element.iterancestors()) or _local(element) in tags


def _mark_words(element: etree._Element, attr: str, exceptions: Exceptions) -> None:
    pieces = list(exceptions.split(getattr(element, attr) or ""))
    if all(piece.kind == "text" for piece in pieces):
        return
    setattr(element, attr, pieces[0].text if pieces[0].kind == "text" else None)
    if pieces[0].kind == "text":
        pieces = pieces[1:]
    if attr == "text":
        parent, index = element, 0
    else:
        parent, index = element.getparent(), element.getparent().index(element) + 1
    span = None
    for piece in pieces:
        if piece.kind == "text":
            span.tail = piece.text
            continue
        span = etree.Element(f"{{{XHTML}}}span", {"class": "hyphens-manual"})
        span.text = piece.text
        parent.insert(index, span)
        index += 1


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")
    return slug or "abschnitt"


def _heading_ids(tree: etree._Element) -> None:
    """Give every heading without an id one made from its text, unique in the document."""
    used = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for element in tree.iter(*(f"{{{XHTML}}}h{n}" for n in range(1, 7))):
        if element.get("id"):
            continue
        base = ident = _slug(_text(element))
        count = 1
        while ident in used:
            count += 1
            ident = f"{base}-{count}"
        used.add(ident)
        element.set("id", ident)


def _outline(tree: etree._Element) -> list[Heading]:
    return [
        Heading(level=int(_local(el)[1]), text=_text(el), anchor=el.get("id"))
        for el in tree.iter(f"{{{XHTML}}}h2", f"{{{XHTML}}}h3")
    ]


def _images(tree: etree._Element, source: Source, root: Path, problems: Collector) -> list[str]:
    """Check image paths, make them project-relative, and give lone images a <figure>."""
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
        img.set("src", relative)
        img.set("alt", img.get("alt", ""))
        found.append(relative)
        _figure(img)
    return found


def _inside(folder: Path, reference: str, root: Path) -> Path | None:
    """The real path of ``reference`` relative to ``folder`` if it stays inside ``root``."""
    if not reference or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", reference) or reference.startswith("/"):
        return None
    target = (folder / PurePosixPath(reference)).resolve()
    return target if target.is_relative_to(root) else None


def _figure(img: etree._Element) -> None:
    parent = img.getparent()
    if _local(parent) != "p" or len(parent) != 1 or (parent.text or "").strip() or (img.tail or "").strip():
        return
    parent.tag = f"{{{XHTML}}}figure"
    parent.set("class", "image")
    parent.text = None
    img.tail = None
    caption = img.attrib.pop("title", None)
    if caption:
        figcaption = etree.SubElement(parent, f"{{{XHTML}}}figcaption")
        figcaption.text = typography.smarten(caption)


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
