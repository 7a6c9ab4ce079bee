"""Language tags: which are valid, and which parts of a chapter are not in the book's language.

The only module that imports langcodes, whose copy of the IANA Language Subtag
Registry tells a registered tag ("en", "en-GB", "la", "grc") from a
well-formed one that names nothing ("xx", "en-US-US"). A foreign word is
marked in Markdown as ``[manpower]{lang=en}`` (see :mod:`bookpress.mdguards`)
or in raw HTML with ``lang``; the typography pass, the ligature joints and the
project hyphenation list then leave German rules out of it.
"""

from __future__ import annotations

import re

import langcodes
from lxml import etree

# The language of the books (bookpress.values.LANGUAGES supports German only).
BOOK_LANGUAGE = "de"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# BCP 47 (RFC 5646, section 2.1): subtags of ASCII letters and digits, joined by hyphens.
# langcodes also reads "en_GB", which is no language tag in HTML.
_WELL_FORMED = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_MAX_TAG = 64


def valid(tag: str) -> bool:
    """Whether ``tag`` is a well-formed language tag whose subtags are registered."""
    return len(tag) <= _MAX_TAG and bool(_WELL_FORMED.fullmatch(tag)) and langcodes.tag_is_valid(tag)


def primary(tag: str) -> str:
    """The primary language subtag, in lower case: "en-GB" -> "en"."""
    return tag.split("-", 1)[0].lower()


def language_of(element: etree._Element, inherited: str) -> str:
    """The primary language of ``element``: its own lang, else ``inherited``."""
    tag = element.get("lang") or element.get(XML_LANG)
    return primary(tag) if tag else inherited


def mirror_xml_lang(tree: etree._Element) -> None:
    """Give every element with ``lang`` the same ``xml:lang``, as EPUB's XHTML asks for
    (and the other way round); where both differ, ``lang`` wins."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.get("lang") or element.get(XML_LANG)
        if tag:
            element.set("lang", tag)
            element.set(XML_LANG, tag)
