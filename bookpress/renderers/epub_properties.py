"""What CSS declarations do to the font of an element, and what ``@font-face`` declares.

The part of :mod:`.epub_cascade` that reads values: each declaration of a
property that chooses a face or its glyphs (``font-family``, ``font-style``,
``font-weight``, the ``font`` shorthand, ``font-variant*``,
``font-feature-settings``, ``text-transform``, ``list-style*``, ``quotes``,
``content``) becomes a function from the font an element has so far and its
parent's to the new one (:data:`Declaration`). Values follow CSS Fonts 4 and
CSS Text 3; a value this module cannot read changes nothing, as a browser
ignores it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote

import tinycss2
from tinycss2 import ast

GENERIC_FAMILIES = frozenset(
    [
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "math",
        "emoji",
        "fangsong",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
    ]
)
# The characters a list marker or counter() of a counter style can print (CSS Counter Styles 3,
# section 6): numbers with the suffix ". ", and the symbols of the bullets.
DEFAULT_QUOTES = "„“‚‘“”‘’«»‹›"  # quotes: auto; German first, and what other languages use
# Keywords of font-variant and its longhands (CSS Fonts 4, 6.4-6.11), as OpenType feature tags.
VARIANT_FEATURES = {
    "small-caps": ("smcp",),
    "all-small-caps": ("smcp", "c2sc"),
    "petite-caps": ("pcap",),
    "all-petite-caps": ("pcap", "c2pc"),
    "unicase": ("unic",),
    "titling-caps": ("titl",),
    "lining-nums": ("lnum",),
    "oldstyle-nums": ("onum",),
    "proportional-nums": ("pnum",),
    "tabular-nums": ("tnum",),
    "diagonal-fractions": ("frac",),
    "stacked-fractions": ("afrc",),
    "ordinal": ("ordn",),
    "slashed-zero": ("zero",),
    "common-ligatures": ("liga", "clig"),
    "discretionary-ligatures": ("dlig",),
    "historical-ligatures": ("hlig",),
    "contextual": ("calt",),
    "historical-forms": ("hist",),
    "sub": ("subs",),
    "super": ("sups",),
    "full-width": ("fwid",),
    "proportional-width": ("pwid",),
    "ruby": ("ruby",),
}
# Keywords that set small capitals: a reading system without the font's own draws capitals.
CAPS = frozenset(
    ("small-caps", "all-small-caps", "petite-caps", "all-petite-caps", "unicase", "titling-caps")
)
WEIGHTS = {"normal": 400, "bold": 700}
STYLES = ("normal", "italic", "oblique")
# Keywords that may stand before the size in the font shorthand (CSS Fonts 4, 2.8).
SIZE_KEYWORDS = frozenset(
    [
        "xx-small",
        "x-small",
        "small",
        "medium",
        "large",
        "x-large",
        "xx-large",
        "xxx-large",
        "larger",
        "smaller",
        "math",
    ]
)
SYSTEM_FONTS = frozenset(["caption", "icon", "menu", "message-box", "small-caption", "status-bar"])


class Font(NamedTuple):
    """The computed values that choose a face and its glyphs, as an element inherits them."""

    families: tuple[str, ...] = ("serif",)  # lower case, as CSS compares them
    style: str = "normal"
    weight: int = 400
    features: frozenset[str] = frozenset()
    caps: bool = False  # small capitals asked for
    transform: str = "none"
    list_style: str = "disc"  # a counter style name, or a marker string after a '"'
    quotes: str = DEFAULT_QUOTES
    content: tuple[ast.Node, ...] | None = None  # of a pseudo-element; not inherited


@dataclass(frozen=True)
class FontFace:
    """An ``@font-face`` rule: the face it declares and the files it loads (package paths)."""

    sheet: str
    index: int  # of the rule among the sheet's top-level nodes
    family: str
    style: str
    weights: tuple[int, int]
    sources: tuple[str, ...]


Declaration = Callable[[Font, Font], Font]  # (value so far, parent's value) -> new value


def url(token: ast.Node | None) -> str | None:
    if isinstance(token, (ast.StringToken, ast.URLToken)):
        return token.value
    if isinstance(token, ast.FunctionBlock) and token.lower_name in ("url", "src"):
        strings = [t for t in token.arguments if isinstance(t, ast.StringToken)]
        return strings[0].value if strings else None
    return None


def join(base: str, href: str) -> str:
    """The package path ``href`` names from the file at ``base``."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(path)))


def declaration(name: str, value: list[ast.Node]) -> Declaration | None:
    """What one declaration does to the computed font; None for properties that do not matter."""
    if not value:
        return None
    keyword = value[0].lower_value if len(value) == 1 and isinstance(value[0], ast.IdentToken) else None
    if keyword in ("inherit", "unset", "revert", "revert-layer") and name != "content":
        return lambda font, parent: font._replace(**_inherited(name, parent))
    if keyword == "initial":
        return lambda font, parent: font._replace(**_inherited(name, Font()))
    if name == "font-family":
        families = _families(value)
        return lambda font, parent: font._replace(families=families)
    if name == "font-style":
        style = keyword if keyword in STYLES else "normal"
        return lambda font, parent: font._replace(style=style)
    if name == "font-weight":
        return _weight(value[0])
    if name == "font":
        return _shorthand(value)
    if name in ("font-variant", "font-variant-caps", "font-variant-numeric", "font-variant-ligatures"):
        return _variant(value)
    if name in ("font-variant-east-asian", "font-variant-position"):
        return _variant(value)
    if name == "font-feature-settings":
        tags = _feature_tags(value)
        return lambda font, parent: font._replace(features=font.features | tags)
    if name == "text-transform":
        transform = keyword or "none"
        return lambda font, parent: font._replace(transform=transform)
    if name in ("list-style-type", "list-style"):
        style = _list_style(value)
        if style is None:
            return None
        return lambda font, parent: font._replace(list_style=style)
    if name == "quotes":
        quotes = "".join(t.value for t in value if isinstance(t, ast.StringToken))
        marks = quotes if keyword not in ("auto", "none") else (DEFAULT_QUOTES if keyword == "auto" else "")
        return lambda font, parent: font._replace(quotes=marks)
    if name == "content":
        content = tuple(value)
        return lambda font, parent: font._replace(content=content)
    return None


def _inherited(name: str, source: Font) -> dict:
    """The fields of ``source`` that property ``name`` sets."""
    fields = {
        "font-family": ("families",),
        "font-style": ("style",),
        "font-weight": ("weight",),
        "font": ("families", "style", "weight", "features", "caps"),
        "text-transform": ("transform",),
        "list-style-type": ("list_style",),
        "list-style": ("list_style",),
        "quotes": ("quotes",),
    }.get(name, ("features", "caps") if name.startswith("font-") else ())
    return {key: getattr(source, key) for key in fields}


def _families(value: list[ast.Node]) -> tuple[str, ...]:
    families: list[str] = []
    current: list[str] = []
    for token in [*value, ast.LiteralToken(0, 0, ",")]:
        if comma(token):
            if current:
                families.append(" ".join(current).lower())
            current = []
        elif isinstance(token, (ast.StringToken, ast.IdentToken)):
            current.append(token.value)
    return tuple(families)


def _weight(token: ast.Node) -> Declaration | None:
    if isinstance(token, ast.NumberToken) and 1 <= token.value <= 1000:
        number = int(token.value)
        return lambda font, parent: font._replace(weight=number)
    keyword = token.lower_value if isinstance(token, ast.IdentToken) else ""
    if keyword in WEIGHTS:
        return lambda font, parent: font._replace(weight=WEIGHTS[keyword])
    if keyword == "bolder":
        return lambda font, parent: font._replace(weight=_bolder(parent.weight))
    if keyword == "lighter":
        return lambda font, parent: font._replace(weight=_lighter(parent.weight))
    return None


def _bolder(weight: int) -> int:
    """CSS Fonts 4, 2.2.1: the weight ``bolder`` gives over an inherited one."""
    return 400 if weight < 350 else 700 if weight < 550 else 900 if weight < 900 else weight


def _lighter(weight: int) -> int:
    return weight if weight < 100 else 100 if weight < 550 else 400 if weight < 750 else 700


def _shorthand(value: list[ast.Node]) -> Declaration | None:
    """``font``: style, small-caps and weight before the size; the families after it."""
    if isinstance(value[0], ast.IdentToken) and value[0].lower_value in SYSTEM_FONTS:
        return None  # a font of the reading system's interface: no face of ours
    style, caps, weight = "normal", False, None
    rest = list(value)
    while rest:
        token = rest[0]
        keyword = token.lower_value if isinstance(token, ast.IdentToken) else None
        if keyword in ("italic", "oblique"):
            style = keyword
        elif keyword == "small-caps":
            caps = True
        elif keyword in ("bold", "bolder", "lighter") or (
            isinstance(token, ast.NumberToken) and 1 <= token.value <= 1000 and len(rest) > 2
        ):
            weight = _weight(token)
        elif keyword is None or keyword in SIZE_KEYWORDS:
            break
        rest.pop(0)
    rest = rest[1:]  # the size
    if rest and isinstance(rest[0], ast.LiteralToken) and rest[0].value == "/":
        rest = rest[2:]  # the line height
    families = _families(rest)
    features = frozenset(("smcp",)) if caps else frozenset()

    def apply(font: Font, parent: Font) -> Font:
        font = font._replace(style=style, weight=400, caps=caps, features=features)
        if families:
            font = font._replace(families=families)
        return weight(font, parent) if weight else font

    return apply


def _variant(value: list[ast.Node]) -> Declaration:
    keywords = [t.lower_value for t in value if isinstance(t, ast.IdentToken)]
    tags = frozenset(tag for keyword in keywords for tag in VARIANT_FEATURES.get(keyword, ()))
    caps = bool(CAPS.intersection(keywords))
    return lambda font, parent: font._replace(features=font.features | tags, caps=font.caps or caps)


def _feature_tags(value: list[ast.Node]) -> frozenset[str]:
    """The tags ``font-feature-settings`` turns on (an ``off`` or ``0`` after a tag turns it off)."""
    tags: set[str] = set()
    last: str | None = None
    for token in value:
        if isinstance(token, ast.StringToken) and len(token.value) == 4:
            last = token.value
            tags.add(last)
        elif last and (
            (isinstance(token, ast.NumberToken) and token.value == 0)
            or (isinstance(token, ast.IdentToken) and token.lower_value == "off")
        ):
            tags.discard(last)
    return frozenset(tags)


def _list_style(value: list[ast.Node]) -> str | None:
    for token in value:
        if isinstance(token, ast.StringToken):
            return '"' + token.value
        if isinstance(token, ast.IdentToken) and token.lower_value not in ("inside", "outside"):
            return token.lower_value
    return None


def font_face(path: str, index: int, rule: ast.AtRule) -> FontFace | None:
    """The face an ``@font-face`` rule declares; None without a family or a file."""
    family, style, weights, sources = "", "normal", (400, 400), []
    for item in tinycss2.parse_blocks_contents(rule.content or [], True, True):
        if not isinstance(item, ast.Declaration):
            continue
        value = [t for t in item.value if not blank(t)]
        if item.lower_name == "font-family":
            family = next(iter(_families(value)), "")
        elif item.lower_name == "font-style" and value and isinstance(value[0], ast.IdentToken):
            style = value[0].lower_value if value[0].lower_value in STYLES else "normal"
        elif item.lower_name == "font-weight":
            numbers = [_face_weight(t) for t in value]
            numbers = [n for n in numbers if n is not None]
            if numbers:
                weights = (min(numbers), max(numbers))
        elif item.lower_name == "src":
            sources = [join(path, href) for t in value if (href := url(t))]
    if not family or not sources:
        return None
    return FontFace(path, index, family, style, weights, tuple(sources))


def _face_weight(token: ast.Node) -> int | None:
    if isinstance(token, ast.NumberToken):
        return int(token.value)
    if isinstance(token, ast.IdentToken):
        return WEIGHTS.get(token.lower_value)
    return None


def blank(token: ast.Node) -> bool:
    return isinstance(token, (ast.WhitespaceToken, ast.Comment))


def comma(token: ast.Node) -> bool:
    return isinstance(token, ast.LiteralToken) and token.value == ","
