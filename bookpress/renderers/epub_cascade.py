"""Which characters an EPUB's documents set in which font: a small CSS cascade.

The EPUB keeps only the font faces its text uses, cut down to the characters
each one sets (:mod:`.epub_fonts`). To know them, this module computes for
every piece of text of an XHTML content document the few properties that
choose a font and its glyphs: ``font-family``, ``font-style``,
``font-weight``, the OpenType features of ``font-variant*`` and
``font-feature-settings``, and ``text-transform``. Text comes from the
document's text nodes (the ``title`` included), from ``content`` of
``::before``, ``::after`` and ``::marker`` (strings, counters, quotes,
``attr()``) and from list markers.

tinycss2 reads the stylesheets and cssselect2 matches their selectors, the
parser and matcher WeasyPrint uses; :mod:`.epub_properties` reads the values.
The cascade follows CSS Cascade 4 for what matters here: a small user-agent
sheet with the defaults of the HTML rendering rules (bold ``strong``, ``b``,
``th`` and headings, italic ``em``, ``i``, ``cite``…), then the author's
sheets with their ``@import``-ed ones in order, ``!important`` above both;
specificity and order decide within.

It errs towards more: rules inside ``@media`` and ``@supports`` count
whatever the condition, ``display: none`` text counts, ``::first-line`` and
``::first-letter`` styles count for the element's whole text, and features
only ever add up. A character counted once too often costs a glyph; one
missed would be drawn in a reading system's fallback font.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

import cssselect2
import tinycss2
from lxml import etree
from tinycss2 import ast

from . import epub_properties as properties
from .epub_properties import Declaration, Font, FontFace

XHTML = "http://www.w3.org/1999/xhtml"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)

# The defaults of HTML's rendering section (https://html.spec.whatwg.org/multipage/rendering.html,
# 15.3) that choose a face or add characters, and the marker rule of CSS Lists 3 (3.1.1).
USER_AGENT_CSS = """
b, strong { font-weight: bolder }
th, h1, h2, h3, h4, h5, h6 { font-weight: bold }
i, cite, em, var, dfn, address { font-style: italic }
code, kbd, samp, pre, tt, listing, xmp, plaintext { font-family: monospace }
ol { list-style-type: decimal }
ol[type="1"] { list-style-type: decimal }
ol[type="a"] { list-style-type: lower-alpha }
ol[type="A"] { list-style-type: upper-alpha }
ol[type="i"] { list-style-type: lower-roman }
ol[type="I"] { list-style-type: upper-roman }
ul, menu, dir { list-style-type: disc }
ul ul, ol ul { list-style-type: circle }
ul ul ul, ul ol ul, ol ul ul, ol ol ul { list-style-type: square }
q::before { content: open-quote }
q::after { content: close-quote }
li::marker { font-variant-numeric: tabular-nums }
"""
DIGITS = "0123456789-. "
COUNTER_STYLES = {
    "none": "",
    "disc": "• ",
    "circle": "◦ ",
    "square": "▪ ",
    "disclosure-open": "▾ ",
    "disclosure-closed": "▸ ",
    "lower-alpha": "abcdefghijklmnopqrstuvwxyz. ",
    "lower-latin": "abcdefghijklmnopqrstuvwxyz. ",
    "upper-alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZ. ",
    "upper-latin": "ABCDEFGHIJKLMNOPQRSTUVWXYZ. ",
    "lower-roman": "ivxlcdm. ",
    "upper-roman": "IVXLCDM. ",
    "lower-greek": "αβγδεζηθικλμνξοπρστυφχψω. ",
}


class Run(NamedTuple):
    """What picks the face and the glyphs of a run of text: the font without what only
    decides which characters there are."""

    families: tuple[str, ...]
    style: str
    weight: int
    features: frozenset[str]


class Sheets:
    """The stylesheets of a package: their ``@font-face`` faces, read at once, and their
    style rules, compiled when a document is first styled."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files  # package path -> CSS text
        self.faces: list[FontFace] = []
        self._nodes = {path: parse(text) for path, text in sorted(files.items())}
        for path, nodes in self._nodes.items():
            for index, node in enumerate(nodes):
                if isinstance(node, ast.AtRule) and node.lower_at_keyword == "font-face":
                    face = properties.font_face(path, index, node)
                    if face is not None:
                        self.faces.append(face)
        self._rules: dict[str, list] = {}
        self._stylers: dict[tuple[str, ...], _Styler] = {}

    def styler(self, links: tuple[str, ...]) -> _Styler:
        """The cascade of the user-agent sheet and the sheets ``links`` with their imports."""
        if links not in self._stylers:
            matcher = cssselect2.Matcher()
            order = [("", rule) for rule in _user_agent_rules()]
            seen: set[str] = set()
            for link in links:
                order += [(link, rule) for rule in self._flatten(link, seen)]
            for origin, (selectors, normal, important) in order:
                for selector in selectors:
                    matcher.add_selector(selector, (bool(origin), normal, important))
            self._stylers[links] = _Styler(matcher)
        return self._stylers[links]

    def _flatten(self, path: str, seen: set[str]) -> Iterator[tuple]:
        """The style rules of ``path``, each ``@import``-ed sheet's where it is imported."""
        if path in seen or path not in self._nodes:
            return
        seen.add(path)
        if path not in self._rules:
            self._rules[path] = []
            _rules(self._nodes[path], self._rules[path], path)
        for rule in self._rules[path]:
            if isinstance(rule, str):
                yield from self._flatten(rule, seen)
            else:
                yield rule


class _Styler:
    """Computes fonts by one set of sheets, remembering them: most elements share their
    parent's font and the rules that match them with many others."""

    def __init__(self, matcher: cssselect2.Matcher) -> None:
        self.matcher = matcher
        self._cascades: dict[tuple[int, ...], dict[str | None, tuple[Declaration, ...]]] = {}
        self._fonts: dict[tuple[Font, tuple[Declaration, ...]], Font] = {}

    def cascade(self, element: cssselect2.ElementWrapper) -> dict[str | None, tuple[Declaration, ...]]:
        """The declarations that apply to ``element``, by pseudo-element, in cascade order."""
        matches = self.matcher.match(element)
        key = tuple(order for _, order, _, _ in matches)
        if key not in self._cascades:
            self._cascades[key] = _declarations(matches)
        return self._cascades[key]

    def font(self, declarations: tuple[Declaration, ...], inherited: Font) -> Font:
        key = (inherited, declarations)
        font = self._fonts.get(key)
        if font is None:
            font = inherited._replace(content=None)
            for declaration in declarations:
                font = declaration(font, inherited)
            self._fonts[key] = font
        return font


def document_texts(document: bytes, path: str, sheets: Sheets) -> dict[Run, set[str]]:
    """The characters of the XHTML document at package ``path``, by the run that sets them."""
    root = etree.fromstring(document, XML_PARSER)
    links = tuple(
        properties.join(path, link.get("href", ""))
        for link in root.iter(f"{{{XHTML}}}link")
        if "stylesheet" in link.get("rel", "").split()
    )
    styler = sheets.styler(links)
    texts: dict[Font, list[str]] = {}
    fonts: dict[cssselect2.ElementWrapper, Font] = {}
    for element in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        node = element.etree_element
        inherited = fonts[element.parent] if element.parent is not None else Font()
        matched = styler.cascade(element)
        font = fonts[element] = styler.font(matched.get(None, ()), inherited)
        if element.local_name in ("style", "script"):
            continue
        text = _own_text(node)
        texts.setdefault(font, []).append(text)
        pseudos = [p for p in matched if p is not None]
        if element.local_name == "li" and "marker" not in pseudos:
            pseudos.append("marker")  # a list item's marker is there without a rule
        for pseudo in pseudos:
            styled = styler.font(matched.get(pseudo, ()), font)
            if pseudo in ("first-line", "first-letter"):
                texts.setdefault(styled, []).append(text)
            elif pseudo in ("before", "after", "marker"):
                texts.setdefault(styled, []).append(_generated(styled, node, marker=pseudo == "marker"))
    found: dict[Run, set[str]] = {}
    for font, parts in texts.items():
        chars = _chars(font, "".join(parts))
        if chars:
            found.setdefault(Run(*font[:4]), set()).update(chars)
    return found


def _chars(font: Font, text: str) -> set[str]:
    """The characters ``text`` shows in ``font``: white space as a space, and the letters a
    transform or synthesised small capitals draw."""
    chars = set(text)
    if chars & WHITESPACE:
        chars = (chars - WHITESPACE) | {" "}
    if font.transform in ("uppercase", "capitalize") or font.caps:
        chars |= set("".join(chars).upper())
    if font.transform == "lowercase":
        chars |= set("".join(chars).lower())
    return chars


WHITESPACE = frozenset("\t\n\r\f")


def _own_text(node: etree._Element) -> str:
    """The text directly in ``node``: its text and the tails of its children."""
    parts = [node.text or ""]
    parts += [child.tail or "" for child in node]
    return "".join(parts)


def _generated(font: Font, node: etree._Element, *, marker: bool) -> str:
    """The characters a pseudo-element's ``content`` prints (a marker's default: its counter)."""
    if font.content is None:
        return _counter(font.list_style) if marker else ""
    chars: list[str] = []
    for token in font.content:
        if isinstance(token, ast.StringToken):
            chars.append(token.value)
        elif isinstance(token, ast.IdentToken) and token.lower_value in ("open-quote", "close-quote"):
            chars.append(font.quotes)
        elif isinstance(token, ast.FunctionBlock):
            arguments = [t for t in token.arguments if not properties.blank(t) and not properties.comma(t)]
            if token.lower_name == "attr" and arguments and isinstance(arguments[0], ast.IdentToken):
                chars.append(node.get(arguments[0].value, ""))
            elif token.lower_name in ("counter", "counters"):
                chars += [t.value for t in arguments if isinstance(t, ast.StringToken)]
                style = [t.lower_value for t in arguments[1:] if isinstance(t, ast.IdentToken)]
                chars.append(_counter(style[-1] if style else "decimal"))
    return "".join(chars)


def _counter(style: str) -> str:
    if style.startswith('"'):
        return style[1:]  # a marker string
    return COUNTER_STYLES.get(style, DIGITS)  # numbers, and the fallback of unknown styles


def _declarations(matches: list) -> dict[str | None, tuple[Declaration, ...]]:
    """The declarations that apply, by pseudo-element, in cascade order."""
    ordered: list[tuple[tuple, list[Declaration]]] = []
    for specificity, order, pseudo, (author, normal, important) in matches:
        if normal:
            ordered.append(((int(author), specificity, order), pseudo, normal))
        if important:
            ordered.append(((2 if author else -1, specificity, order), pseudo, important))
    by_pseudo: dict[str | None, list[Declaration]] = {}
    for _, pseudo, declarations in sorted(ordered, key=lambda item: item[0]):
        by_pseudo.setdefault(pseudo, []).extend(declarations)
    return {pseudo: tuple(declarations) for pseudo, declarations in by_pseudo.items()}


# --- stylesheets


def parse(text: str) -> list[ast.Node]:
    """A stylesheet's top-level nodes, comments and white space kept: serialised again, they
    give the text back (:mod:`.epub_fonts` drops rules that way)."""
    return tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=False)


def _rules(nodes: Iterable[ast.Node], rules: list, path: str) -> None:
    """Style rules as (selectors, normal, important declarations); ``@import`` as the sheet's
    path; the rules inside ``@media``, ``@supports`` and ``@layer`` as if their condition held."""
    for node in nodes:
        if isinstance(node, ast.QualifiedRule):
            try:
                selectors = cssselect2.compile_selector_list(node.prelude)
            except cssselect2.SelectorError:
                continue  # a selector a browser would not understand either: the rule is dropped
            normal, important = _parse_declarations(node.content)
            if normal or important:
                rules.append((selectors, normal, important))
        elif isinstance(node, ast.AtRule):
            keyword = node.lower_at_keyword
            if keyword == "import":
                first = next((t for t in node.prelude if not properties.blank(t)), None)
                url = properties.url(first)
                if url:
                    rules.append(properties.join(path, url))
            elif keyword in ("media", "supports", "layer", "container", "document") and node.content:
                _rules(tinycss2.parse_rule_list(node.content, True, True), rules, path)


def _parse_declarations(content: list[ast.Node] | None) -> tuple[list[Declaration], list[Declaration]]:
    normal: list[Declaration] = []
    important: list[Declaration] = []
    for item in tinycss2.parse_blocks_contents(content or [], True, True):
        if not isinstance(item, ast.Declaration):
            continue
        declaration = properties.declaration(
            item.lower_name, [t for t in item.value if not properties.blank(t)]
        )
        if declaration is not None:
            (important if item.important else normal).append(declaration)
    return normal, important


_UA: list | None = None


def _user_agent_rules() -> list:
    global _UA
    if _UA is None:
        _UA = []
        _rules(tinycss2.parse_stylesheet(USER_AGENT_CSS, True, True), _UA, "")
    return _UA
