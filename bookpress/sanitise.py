"""The allow-list for a chapter's XHTML tree: what raw HTML an author may write.

Python-Markdown passes raw HTML through as written, and ``attr_list`` lets an
author put any attribute on any block. This module decides, element by
element and attribute by attribute, what may reach the EPUB and the PDF:

* elements: only those in :data:`ELEMENTS`, in the XHTML namespace, written
  without a prefix. WeasyPrint's HTML parser ignores ``xmlns``, so an element
  in a foreign namespace (``<a xmlns="urn:x" href="javascript:…">``) would
  be an ordinary ``a`` or ``link`` to it: anything outside XHTML is refused.
* attributes: only those allowed for the element (:data:`ATTRIBUTES`, plus
  :data:`GLOBAL` on every element), with no namespace, or ``xml:lang``, or
  ``epub:type``. Values are checked where they mean something: ``cite``
  only a web address; numbers as digits; ``dir``, ``align`` and list
  ``type`` from their few keywords; ``lang`` and ``xml:lang`` a registered
  language tag (:func:`bookpress.languages.valid`). Link targets (``href``) are checked by
  :func:`bookpress.markup._links` with :func:`web_address`: ``https://``,
  ``http://``, ``mailto:`` or an ``#id`` of the chapter, nothing else.
* nodes: processing instructions are refused, comments are dropped (they
  are notes to the author's self, not part of the book).

Image sources are checked by the caller (project-relative files only) and
links to ``#id`` are followed there too. Every refusal is a problem naming the
author's line and what to write instead; the content of the refused markup is
quoted only by its element and attribute names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lxml import etree

from . import languages
from .xhtml import OPS, XHTML, drop

XML = "http://www.w3.org/XML/1998/namespace"

# What essays need and both EPUB 3 reading systems and WeasyPrint render.
_NAMES = """
    p br hr div span section aside blockquote figure figcaption
    h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
    table caption thead tbody tfoot tr th td
    a img em strong b i u s small mark del ins sup sub abbr cite q dfn
    code pre kbd samp var time bdi wbr
"""
ELEMENTS = frozenset(_NAMES.split())
VOID = frozenset({"br", "hr", "img", "wbr"})

GLOBAL = frozenset({"id", "class", "lang", "title", "dir", "role", f"{{{XML}}}lang", f"{{{OPS}}}type"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "time": frozenset({"datetime"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}

WEB_SCHEMES = ("https://", "http://", "mailto:")


def web_address(value: str) -> bool:
    """An https, http or mailto address, without blanks or control characters in it."""
    return value.lower().startswith(WEB_SCHEMES) and not any(_invisible(c) for c in value)


def _invisible(char: str) -> bool:
    """Blanks, control and format characters (tabs, DEL, zero-width and bidi marks)."""
    return char.isspace() or unicodedata.category(char)[0] == "C"


def shown(value: str) -> str:
    """``value`` for a message, with invisible characters written as \\xNN or \\uNNNN."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if _invisible(char) else char for char in value
    )


_DIGITS = re.compile(r"[0-9]{1,6}")
_SPAN = re.compile(r"[1-9][0-9]{0,3}")  # HTML: colspan and rowspan are at least 1
# The forms of HTML's datetime values that books use: a date, a time, or both.
_DATETIME = re.compile(
    r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
    r"|(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[T ])?[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
# ARIA roles EPUBCheck accepts that a manuscript may use (the notes' roles are ours).
ROLES = frozenset(
    {"note", "figure", "img", "presentation", "none", "group", "region", "list", "listitem", "term"}
    | {f"doc-{name}" for name in ("abstract", "credit", "epigraph", "example", "pullquote", "tip")}
    | {f"doc-{name}" for name in ("dedication", "subtitle", "noteref", "footnote", "backlink", "endnotes")}
)
_KEYWORDS = {
    "dir": {"ltr", "rtl", "auto"},
    "align": {"left", "right", "center"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
    "type": {"1", "a", "A", "i", "I"},
    "reversed": {"reversed", ""},
}

# Attribute -> test of its value, and the hint given when the value fails.
VALUES: dict[str, tuple[Callable[[str], bool], str]] = {
    "cite": (web_address, "a cite attribute is a web address (https://…)"),
    "colspan": (_SPAN.fullmatch, "write a number from 1"),
    "rowspan": (_SPAN.fullmatch, "write a number from 1"),
    "datetime": (_DATETIME.fullmatch, "write a date or time such as 2024-05-01 or 2024-05-01T09:30"),
    "role": (ROLES.__contains__, "use one of " + ", ".join(sorted(ROLES))),
    "start": (_DIGITS.fullmatch, "write a number"),
    "value": (_DIGITS.fullmatch, "write a number"),
    "width": (_DIGITS.fullmatch, "write a number of pixels"),
    "height": (_DIGITS.fullmatch, "write a number of pixels"),
    "lang": (languages.valid, "write a registered language tag (BCP 47) such as de, en or en-GB"),
    f"{{{XML}}}lang": (languages.valid, "write a registered language tag (BCP 47) such as de, en or en-GB"),
    **{
        name: (lambda value, allowed=allowed: value in allowed, "use one of " + ", ".join(sorted(allowed)))
        for name, allowed in _KEYWORDS.items()
    },
}


class Refusal:
    """One thing the allow-list refused: a message and what to look for in the source."""

    __slots__ = ("message", "needles")

    def __init__(self, message: str, *needles: str) -> None:
        self.message = message
        self.needles = needles  # text the author typed, most specific first, to find the line

    def __repr__(self) -> str:
        return f"Refusal({self.message!r})"


def check(tree: etree._Element) -> list[Refusal]:
    """Refusals for every node below ``tree`` (the chapter's wrapping ``div``).

    Comments are removed and empty non-void elements get an end tag (an HTML
    parser reads ``<a/>`` as an opening tag that never closes); everything
    else is left as it is, for the caller to stop on the refusals.
    """
    refusals: list[Refusal] = []
    for node in list(tree.iterdescendants()):
        if isinstance(node, etree._Comment):
            drop(node)
        elif isinstance(node, etree._ProcessingInstruction):
            refusals.append(
                Refusal(f"processing instruction <?{node.target} …?> is not allowed; remove it", "<?")
            )
        elif isinstance(node, etree._Entity):
            refusals.append(Refusal(f"entity &{node.name}; is not known; type the character", "&"))
        else:
            refusals.extend(_element(node))
    return refusals


def _element(element: etree._Element) -> list[Refusal]:
    qname = etree.QName(element)
    shown = f"{element.prefix}:{qname.localname}" if element.prefix else qname.localname
    needle = f"<{shown}"
    if qname.namespace != XHTML or element.prefix or qname.localname not in ELEMENTS:
        where = f" in namespace '{qname.namespace}'" if qname.namespace not in (XHTML, None) else ""
        return [
            Refusal(
                f"<{shown}>{where} is not allowed in a manuscript; write it in Markdown or with "
                "plain HTML elements such as <p>, <em>, <a href>, <table>, <figure>",
                needle,
                f'xmlns="{qname.namespace}"',  # set by an attribute list: {: xmlns="…" }
            )
        ]
    tag = qname.localname
    if tag == "a" and any(etree.QName(up).localname == "a" for up in element.iterancestors()):
        return [Refusal("a link inside a link is not allowed; end the first link before the second", needle)]
    if tag not in VOID and element.text is None and len(element) == 0:
        element.text = ""
    allowed = GLOBAL | ATTRIBUTES.get(tag, frozenset())
    refusals = []
    for name, value in element.attrib.items():
        attr = etree.QName(name)
        plain = f"{_prefix(element, attr.namespace)}{attr.localname}"
        if name not in allowed:
            refusals.append(_attribute_refusal(tag, plain, attr.namespace, needle))
            continue
        test = VALUES.get(name)
        if test and not test[0](value):
            refusals.append(
                Refusal(f"<{tag} {plain}=…> has a value that is not allowed; {test[1]}", value, plain, needle)
            )
    return refusals


def _attribute_refusal(tag: str, plain: str, namespace: str | None, needle: str) -> Refusal:
    lowered = plain.lower()
    if lowered.startswith("on"):
        why = "scripts do not run in a book"
    elif lowered == "style":
        why = "styles belong in styles/ (give the element a class)"
    elif namespace not in (None, XML, OPS):
        why = f"it is in namespace '{namespace}'"
    else:
        why = f"<{tag}> may have only " + ", ".join(sorted(_names(tag)))
    return Refusal(f"attribute '{plain}' is not allowed on <{tag}>: {why}", plain, needle)


def _names(tag: str) -> set[str]:
    names = set()
    for name in GLOBAL | ATTRIBUTES.get(tag, frozenset()):
        attr = etree.QName(name)
        names.add({XML: "xml:", OPS: "epub:"}.get(attr.namespace or "", "") + attr.localname)
    return names


def _prefix(element: etree._Element, namespace: str | None) -> str:
    if namespace is None:
        return ""
    if namespace == XML:
        return "xml:"
    for prefix, uri in (element.nsmap or {}).items():
        if uri == namespace and prefix:
            return f"{prefix}:"
    return "{" + namespace + "}"


def depth(tree: etree._Element) -> int:
    """How deeply elements nest below ``tree``, found without recursion."""
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in element)
    return deepest
