"""Transformations of a chapter's XHTML tree after Markdown, shared by every format.

Footnotes become EPUB 3 notes, ids become unique in the book, the German
typography pass, the project hyphenation list and the ligature joints are
applied to the text (in its own language where an element has ``lang``), and
headings get ids for the table of contents.
"""

from __future__ import annotations

import re

from lxml import etree

from . import joints, languages, typography
from .hyphenation import Exceptions
from .model import Heading

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"


def local(element: etree._Element) -> str:
    """The tag name without its namespace ("" for comments)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


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


NO_HYPHENATION = FROZEN | {"h1", "h2", "h3", "h4", "h5", "h6"}


def rewrite_footnotes(tree: etree._Element, anchor: str) -> None:
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
            drop(back)
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


def drop(element: etree._Element) -> None:
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


def prefix_ids(tree: etree._Element, anchor: str) -> None:
    """Make author ids unique in the whole book and follow them in links."""
    renamed: dict[str, str] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        old = element.get("id")
        if old and not old.startswith(f"{anchor}-"):
            new = f"{anchor}-{slug(old)}"
            renamed[old] = new
            element.set("id", new)
    for link in tree.iter(f"{{{XHTML}}}a"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] in renamed:
            link.set("href", "#" + renamed[href[1:]])


def tables(tree: etree._Element) -> None:
    for cell in tree.iter(f"{{{XHTML}}}td", f"{{{XHTML}}}th"):
        align = cell.attrib.pop("align", None)
        if align:
            cell.set("class", f"{cell.get('class', '')} align-{align}".strip())


def smarten(tree: etree._Element) -> None:
    """Run the typography pass over every run of text between block boundaries.

    A run is set in the language of its block; text in another language (an element
    with ``lang``) counts there as frozen words, and is set in its own language after.
    """
    runs: list[list[tuple[etree._Element, str, bool, str]]] = [[]]
    # An explicit stack instead of recursion: depth is bounded by the sanitiser, but a walk
    # should not depend on that. Items: ("enter", element, frozen, language of the parent),
    # ("tail", element, frozen, language), ("exit", element, block, language), popped in
    # document order.
    stack = [("enter", child, False, languages.BOOK_LANGUAGE) for child in reversed(tree)]
    while stack:
        action, element, flag, language = stack.pop()
        if action == "tail":
            runs[-1].append((element, "tail", flag, language))
            continue
        if action == "exit":
            if flag:
                runs.append([])
            continue
        tag = local(element)
        block = tag in BLOCKS
        inner = flag or tag in FROZEN
        own = languages.language_of(element, language)
        if block:
            runs.append([])
        runs[-1].append((element, "text", inner, own))
        stack.append(("exit", element, block, language))
        for child in reversed(element):
            stack.append(("tail", child, inner, own))
            if isinstance(child.tag, str):
                stack.append(("enter", child, inner, own))
    for run in runs:
        if run:
            _smarten_run(run)


def _smarten_run(run: list[tuple[etree._Element, str, bool, str]]) -> None:
    """The typography pass over one run: in its block's language, then each foreign stretch."""
    main = run[0][3]  # the block's own text comes first, or the tail after a nested block
    # Each text is read from the tree once, and written back only if the pass changed it.
    slots = [(el, attr, frozen, lang, text) for el, attr, frozen, lang in run if (text := getattr(el, attr))]
    if not slots:
        return
    stretches: list[tuple[str, list[int]]] = [(main, list(range(len(slots))))]
    for index, slot in enumerate(slots):
        if slot[3] != main:
            if stretches[-1][0] == slot[3] and stretches[-1][1][-1] == index - 1:
                stretches[-1][1].append(index)
            else:
                stretches.append((slot[3], [index]))
    texts = [slot[4] for slot in slots]
    for language, indices in stretches:
        segments = [texts[i] for i in indices]
        frozen = frozenset(n for n, i in enumerate(indices) if slots[i][2] or slots[i][3] != language)
        done, _ = typography.smarten_segments(segments, frozen=frozen, language=language)
        for i, text in zip(indices, done, strict=True):
            texts[i] = text
    for (el, attr, _, _, old), text in zip(slots, texts, strict=True):
        if text != old:
            setattr(el, attr, text)


def hyphenate(tree: etree._Element, exceptions: Exceptions) -> None:
    """Mark up the words of the project hyphenation list, for every format.

    Each listed word becomes ``<span class="hyphens-manual">`` holding soft hyphens
    at its allowed breaks (none for a word that never breaks). The span matters
    for WeasyPrint: one soft hyphen anywhere in a text box turns off automatic
    hyphenation for the whole box (``split_first_line`` in text/line_break.py).
    Headings are left alone: their text also feeds the outline and bookmarks. So are
    words in another language: the list is German, and WeasyPrint hyphenates them with
    their own language's patterns.
    """
    if not exceptions:
        return
    for element, attr in _texts(tree, NO_HYPHENATION):
        _mark_words(element, attr, exceptions)


def ligature_joints(tree: etree._Element) -> None:
    """Keep ligatures off the joints of German compounds (:mod:`bookpress.joints`), in the
    text of every element but code and words in another language."""
    for element, attr in _texts(tree, FROZEN):
        text = getattr(element, attr)
        if text and "f" in text:
            marked = joints.mark_joints(text)
            if marked != text:
                setattr(element, attr, marked)


def _texts(tree: etree._Element, skipped: set[str]) -> list[tuple[etree._Element, str]]:
    """The texts and tails in German outside the elements named in ``skipped``, in document
    order, found before any is changed. The tails of top-level blocks are left out."""
    # Whether an element is skipped is handed down the walk (asking every element for
    # its ancestors took a third of the hyphenation pass).
    texts: list[tuple[etree._Element, str]] = []
    outside = local(tree) in skipped
    stack = [(child, outside, True) for child in reversed(tree)]
    while stack:
        element, parent_blocked, top = stack.pop()
        if not isinstance(element.tag, str):
            continue
        blocked = (
            parent_blocked
            or local(element) in skipped
            or languages.language_of(element, languages.BOOK_LANGUAGE) != languages.BOOK_LANGUAGE
        )
        if not blocked:
            texts.append((element, "text"))
        if not top and not parent_blocked:
            texts.append((element, "tail"))
        stack.extend((child, blocked, False) for child in reversed(element))
    return texts


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


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")
    return slug or "abschnitt"


def heading_ids(tree: etree._Element) -> None:
    """Give every heading without an id one made from its text, unique in the document."""
    used = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for element in tree.iter(*(f"{{{XHTML}}}h{n}" for n in range(1, 7))):
        if element.get("id"):
            continue
        base = ident = slug(text_of(element))
        count = 1
        while ident in used:
            count += 1
            ident = f"{base}-{count}"
        used.add(ident)
        element.set("id", ident)


def outline(tree: etree._Element) -> list[Heading]:
    return [
        Heading(level=int(local(el)[1]), text=text_of(el), anchor=el.get("id"))
        for el in tree.iter(f"{{{XHTML}}}h2", f"{{{XHTML}}}h3")
    ]


def figure(img: etree._Element) -> None:
    parent = img.getparent()
    if local(parent) != "p" or len(parent) != 1 or (parent.text or "").strip() or (img.tail or "").strip():
        return
    parent.tag = f"{{{XHTML}}}figure"
    parent.set("class", "image")
    parent.text = None
    img.tail = None
    caption = img.attrib.pop("title", None)
    if caption:
        figcaption = etree.SubElement(parent, f"{{{XHTML}}}figcaption")
        figcaption.text = typography.smarten(caption)
