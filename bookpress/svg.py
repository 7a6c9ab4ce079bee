"""Checks on SVG images before they go into the EPUB and the PDF.

An SVG is a program as much as a picture: it can run scripts, load other
files and expand entities. An image is accepted only if it is plain
drawing: parsed without DTDs, entities or network; no DOCTYPE; only the SVG
elements and attributes EPUB 3 content allows (SVG 1.1 without scripting,
``foreignObject`` and event handlers); every reference (``href``,
``xlink:href``, ``url()`` in attributes and in ``<style>``) pointing into the
same image (``#id``). Editor metadata (Inkscape, Sodipodi, RDF) is allowed
in its own namespaces as long as it refers to nothing. What passes is
packed unchanged.

Each problem names the SVG file and its line, and the chapter line that
uses the image; attribute values are never quoted.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from . import css
from .errors import BookErrors, Problem
from .gate import Where

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Metadata namespaces drawing programs write; their content is not rendered.
EDITOR_NAMESPACES = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://web.resource.org/cc/",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://ns.adobe.com/AdobeIllustrator/10.0/",
        "http://ns.adobe.com/Graphs/1.0/",
        "http://ns.adobe.com/SaveForWeb/1.0/",
        "http://ns.adobe.com/Extensibility/1.0/",
        "http://ns.adobe.com/Variables/1.0/",
    }
)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


ELEMENTS = _names(
    """svg g defs desc title metadata symbol use switch a view style
    path rect circle ellipse line polyline polygon text tspan textPath tref altGlyph
    altGlyphDef altGlyphItem glyphRef image marker pattern clipPath mask
    linearGradient radialGradient stop filter feBlend feColorMatrix feComponentTransfer
    feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feFlood
    feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology
    feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
    font font-face font-face-name font-face-src glyph missing-glyph hkern vkern
    color-profile cursor animate animateColor animateMotion animateTransform set mpath"""
)
REFUSED_ELEMENTS = {
    "script": "a script",
    "foreignObject": "foreignObject (HTML inside an SVG)",
    "handler": "an event handler",
    "listener": "an event listener",
    "iframe": "an iframe",
    "font-face-uri": "a font loaded from elsewhere",
}
# Core, presentation, geometry, text, gradient, filter, animation and conditional
# attributes of SVG 1.1; event handlers (on…) are deliberately absent.
ATTRIBUTES = _names(
    """id class style lang tabindex transform viewBox preserveAspectRatio version baseProfile
    width height x y x1 y1 x2 y2 cx cy r rx ry d points pathLength dx dy rotate textLength
    lengthAdjust startOffset method spacing fill fill-opacity fill-rule stroke stroke-width
    stroke-opacity stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
    stroke-dashoffset opacity color color-interpolation color-interpolation-filters
    color-profile color-rendering display visibility overflow clip clip-path clip-rule mask
    filter marker marker-start marker-mid marker-end font font-family font-size
    font-size-adjust font-stretch font-style font-variant font-weight text-anchor
    text-decoration text-rendering letter-spacing word-spacing writing-mode direction
    unicode-bidi dominant-baseline alignment-baseline baseline-shift glyph-orientation-horizontal
    glyph-orientation-vertical kerning shape-rendering image-rendering pointer-events cursor
    enable-background flood-color flood-opacity lighting-color stop-color stop-opacity offset
    gradientUnits gradientTransform spreadMethod fx fy fr href patternUnits
    patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    markerUnits markerWidth markerHeight refX refY orient viewTarget zoomAndPan
    filterUnits primitiveUnits filterRes in in2 result mode type values operator k1 k2 k3 k4
    stdDeviation edgeMode kernelMatrix kernelUnitLength order divisor bias targetX targetY
    preserveAlpha surfaceScale diffuseConstant specularConstant specularExponent azimuth
    elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle scale xChannelSelector
    yChannelSelector radius baseFrequency numOctaves seed stitchTiles tableValues amplitude
    exponent intercept slope attributeName attributeType begin dur end min max restart
    repeatCount repeatDur fill calcMode keyTimes keySplines from to by additive accumulate
    keyPoints path requiredFeatures requiredExtensions systemLanguage externalResourcesRequired
    media title target role aria-label aria-labelledby aria-describedby aria-hidden
    unicode glyph-name arabic-form horiz-adv-x horiz-origin-x horiz-origin-y vert-adv-y
    vert-origin-x vert-origin-y units-per-em ascent descent cap-height x-height underline-position
    underline-thickness strikethrough-position strikethrough-thickness overline-position
    overline-thickness panose-1 slope stemv stemh bbox widths mathematical hanging ideographic
    alphabetic g1 g2 u1 u2 k font-variant format name local rendering-intent
    contentScriptType contentStyleType"""
)
# Animating these would turn a harmless element into a link or a script.
_UNSAFE_TARGETS = re.compile(r"^(?:.*:)?(?:href|on\w*|style)$", re.IGNORECASE)
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_URL_IN_VALUE = re.compile(r"url\s*\(|\\", re.IGNORECASE)


def parser() -> etree.XMLParser:
    """The only way an SVG is parsed: no DTD, no entities, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def check(data: bytes, *, file: Path, named_by: Where, root: Path | None = None) -> None:
    """Refuse ``data`` (the SVG ``file``) unless it is plain drawing; see the module text.

    Raises BookErrors naming ``file`` and the line of each problem, and the
    place (``named_by``) that uses the image.
    """
    used = f" (the image is used at {named_by.describe(root) if root else named_by.file})"
    problems = [Problem(message + used, file, line) for line, message in _problems(data, file)]
    if problems:
        raise BookErrors(problems)


def _problems(data: bytes, file: Path) -> list[tuple[int | None, str]]:
    declaration = _DECLARATION.search(data)
    if declaration:
        line = data[: declaration.start()].count(b"\n") + 1
        return [(line, "an SVG image may not have a DOCTYPE or ENTITY declaration")]
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        return [(error.lineno, "the SVG image is not well-formed XML")]
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # a declaration in another encoding
        return [(1, "an SVG image may not have a DOCTYPE or ENTITY declaration")]
    if root.tag != f"{{{SVG}}}svg":
        return [
            (root.sourceline, "the SVG image must have an <svg> element in the SVG namespace at its root")
        ]
    found: list[tuple[int | None, str]] = []
    # Processing instructions before or after the root (xml-stylesheet) count as well.
    outer = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for node in [*outer, *root.iter()]:
        if isinstance(node, etree._ProcessingInstruction):
            found.append((node.sourceline, "an SVG image may not contain processing instructions"))
        elif isinstance(node, etree._Entity):
            found.append((node.sourceline, "an SVG image may not use entities"))
        elif isinstance(node.tag, str):
            found.extend(_element_problems(node, file))
    return found


def _element_problems(element: etree._Element, file: Path) -> list[tuple[int | None, str]]:
    qname = etree.QName(element)
    line = element.sourceline
    editor = qname.namespace in EDITOR_NAMESPACES
    if qname.namespace == SVG and qname.localname in REFUSED_ELEMENTS:
        return [(line, f"an SVG image may not contain {REFUSED_ELEMENTS[qname.localname]}")]
    if not editor and (qname.namespace != SVG or qname.localname not in ELEMENTS):
        return [(line, f"the element <{_shown(qname.localname)}> is not allowed in an SVG image")]
    # WeasyPrint drops namespaces (svg/__init__.py: tag.split('}')): an editor element named
    # like a drawing element would be drawn, or followed, in the PDF.
    if editor and qname.localname in (ELEMENTS | REFUSED_ELEMENTS.keys()) - {"title", "desc", "metadata"}:
        return [
            (
                line,
                f"the element <{_shown(f'{element.prefix}:{qname.localname}')}> "
                "is not allowed in an SVG image",
            )
        ]
    found = [(line, message) for message in _attribute_problems(element, editor=editor)]
    if qname.localname == "style" and not editor:
        found += [
            (p.line, p.message)
            for p in css.fragment_problems(element.text or "", file=file, line=line or 1, inline=False)
        ]
    animation = qname.localname in ("set", "animate", "animateColor", "animateTransform", "animateMotion")
    if animation and _UNSAFE_TARGETS.match(element.get("attributeName", "")):
        found.append((line, "an SVG animation may not change links, styles or event handlers"))
    return found


def _attribute_problems(element: etree._Element, *, editor: bool) -> list[str]:
    found: list[str] = []
    for name, value in element.attrib.items():
        qname = etree.QName(name)
        local = qname.localname
        if local.lower().startswith("on"):
            found.append(f"the event handler attribute '{_shown(local)}' is not allowed in an SVG image")
            continue
        if qname.namespace is None and not editor:
            allowed = local in ATTRIBUTES or local.startswith(("data-", "aria-"))
        else:
            allowed = (
                qname.namespace == XLINK
                or (qname.namespace == XML and local in ("space", "lang"))  # not xml:base
                or qname.namespace in EDITOR_NAMESPACES
                or (editor and qname.namespace is None)
            )
        if not allowed:
            found.append(f"the attribute '{_shown(local)}' is not allowed in an SVG image")
        elif local == "href" and not value.strip().startswith("#"):
            found.append(
                'an SVG image may only link to its own parts (href="#id"), not to files or addresses'
            )
        elif local == "style":
            found += [p.message for p in css.fragment_problems(value, file=Path(), line=1, inline=True)]
        elif _URL_IN_VALUE.search(value) and not _fragment_urls_only(value):
            found.append(f"the attribute '{_shown(local)}' refers to something outside the SVG image")
    return found


def _shown(name: str) -> str:
    """An element or attribute name as a message may show it: a name, never a paragraph."""
    return name if len(name) <= 40 else name[:39] + "…"


def _fragment_urls_only(value: str) -> bool:
    """Whether every url() in an attribute value points into the same image."""
    if "\\" in value:
        return False  # CSS escapes could hide the real reference
    return all(
        m.group(1).strip().strip("'\"").startswith("#")
        for m in re.finditer(r"url\s*\(([^)]*)\)", value, re.IGNORECASE)
    )
