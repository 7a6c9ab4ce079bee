"""Web links on paper: the print PDF shows each address, since nobody can click paper.

``[print] links`` chooses how: ``"footnote"`` (the default) sets the address as
a footnote at the link, ``"inline"`` after the link text in parentheses. A link
whose text already is its address is not repeated; inside a footnote the
address always follows inline (a note cannot hold a note). Addresses may break
after ``/``, ``.`` and ``-`` without a hyphen, so that they fit narrow measures.
The printed link itself is plain text: a print PDF carries no link annotations.
The screen PDF and the EPUB keep their live links and never come here.
"""

from __future__ import annotations

import re

from lxml import etree

from ..sanitise import web_address
from ..xhtml import OPS, XHTML, local

BREAK = "\u200b"  # zero width space: a line may break here, and no hyphen is added
BLOCKS = {"p", "li", "td", "th", "dd", "dt", "figcaption", "blockquote", "div", "section"}


def breakable(address: str) -> str:
    """``address`` with a break opportunity after each ``/``, ``.`` and ``-`` inside it
    (none in the ``//`` after the scheme, none at its end)."""
    out = []
    for index, char in enumerate(address[:-1]):
        out.append(char)
        after_slash = char == "/" and address[index + 1] != "/" and not address[: index + 1].endswith("://")
        if char in ".-" or after_slash:
            out.append(BREAK)
    return "".join(out) + address[-1:]


def shown_address(href: str) -> str:
    """The address as printed: a mail address without its ``mailto:``."""
    return href[len("mailto:") :] if href.lower().startswith("mailto:") else href


def print_links(fragment: str, mode: str) -> str:
    """The XHTML ``fragment`` with every web link's address written out for print."""
    tree = etree.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{fragment}</div>')
    for link in list(tree.iter(f"{{{XHTML}}}a")):
        href = link.get("href", "")
        if not web_address(href) or link.get("class") == "noteref":
            continue
        _write_out(link, shown_address(href), mode)
    text = etree.tostring(tree, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</div>")].strip()


def _write_out(link: etree._Element, address: str, mode: str) -> None:
    """Turn ``link`` into plain text followed by its address (or into the address itself)."""
    text = "".join(link.itertext())
    _unlink(link)
    if _same(text, address):
        if not len(link):  # the address as the author wrote it, made breakable
            link.text = None
            link.append(_address(text))
        return
    in_note = any(local(node) == "aside" or node.get("class") == "footnote" for node in link.iterancestors())
    if mode == "footnote" and not in_note:
        note = etree.Element(f"{{{XHTML}}}span", {"class": "footnote link-note"})
        note.append(_address(address))
        _mark_block(link)
    else:
        note = etree.Element(f"{{{XHTML}}}span", {"class": "link-address"})
        note.text = " ("
        inner = _address(address)
        inner.tail = ")"
        note.append(inner)
    note.tail, link.tail = link.tail, None
    link.addnext(note)


def _unlink(link: etree._Element) -> None:
    """Keep the element (its text, children and attributes the sanitiser allowed) as a span."""
    link.tag = f"{{{XHTML}}}span"
    for name in ("href", "rel", "target", "type", "hreflang"):
        link.attrib.pop(name, None)
    link.set("class", " ".join(filter(None, [link.get("class"), "printed-link"])))


def _address(address: str) -> etree._Element:
    span = etree.Element(f"{{{XHTML}}}span", {"class": "url"})
    span.text = breakable(address)
    return span


def _same(text: str, address: str) -> bool:
    """Whether the link text already is the address (scheme and a final slash aside)."""

    def bare(value: str) -> str:
        value = value.strip().replace(BREAK, "").replace("\u00ad", "").lower()  # soft hyphens too
        value = re.sub(r"^(?:https?://|mailto:)", "", value)
        return value.rstrip("/")

    return bare(text) == bare(address)


def _mark_block(link: etree._Element) -> None:
    """List the note in ``data-notes`` of its block, as :mod:`.pdf_html` does for notes
    (print.css lets such blocks end a page with a single line)."""
    block = next((node for node in link.iterancestors() if local(node) in BLOCKS), None)
    if block is not None:
        block.set("data-notes", f"{block.get('data-notes', '')} link".strip())
