"""Limits on a chapter's text, checked in one pass before Markdown sees it.

Python-Markdown is not linear in every input. Three shapes make it slow or
make it fail, and each is refused with the author's line: nesting too deep
(:func:`deepest_line`, :func:`deepest_tag`), a ``<`` that raw-HTML parsing
reads far past (:func:`unclosed_tag`), and a paragraph dense with markup
(:func:`heavy_paragraph`). The limits are far beyond what
a book needs.

Nesting. Python-Markdown parses nested lists and block quotes by recursion: a list
nested a few hundred levels deep ends in a ``RecursionError`` (and takes
seconds before it does). No book needs more than a handful of levels, so a
chapter nested deeper than :data:`MAX_DEPTH` is refused with its line, found
in one pass over the text: every ``>`` of a block quote, every list marker at
the start of a line (``- - - x`` nests three lists) and every four columns of
indentation (blanks and tabs between the markers) count as one level.
Fenced code blocks are not measured.

The same limit holds for the XHTML tree after Markdown (inline markup and raw
HTML nest too); :func:`bookpress.sanitise.depth` measures that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_DEPTH = 50  # levels of lists, block quotes and indentation, and of elements in the XHTML
TAB = 4  # Python-Markdown's tab_length: one level of list nesting


def check(body: str) -> tuple[int, str] | None:
    """(0-based line, message) for the first limit ``body`` goes beyond, or None."""
    deep = deepest_line(body)
    if deep is not None:
        return deep[0], too_deep(f"lists and block quotes nest {deep[1]} levels deep")
    unclosed = unclosed_tag(body)
    if unclosed is not None:
        return body.count("\n", 0, unclosed), (
            "a '<' before a letter is not closed by '>' (and not only here); "
            "write &lt; for a literal '<', or close the tag"
        )
    heavy = heavy_paragraph(body)
    if heavy is not None:
        return heavy[0], (
            f"this paragraph holds {heavy[1]} or more markup characters (* _ ` [ < & \\); "
            f"at most {MAX_PARAGRAPH_MARKUP} fit in one paragraph: split it"
        )
    return None


def too_deep(found: str) -> str:
    """The message for nesting beyond the limits; ``found`` says what nests how deep."""
    return (
        f"{found} here; at most {MAX_DEPTH} levels of lists and block quotes "
        f"(and {MAX_ELEMENT_DEPTH} of elements) are allowed: flatten the structure"
    )


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_MARKER = re.compile(r"(?:>|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$))")


def fenced_lines(body: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of ``body`` with its 0-based index and whether it belongs to a fenced code
    block (the fences included): such lines are code, not Markdown, for every rule here."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            yield index, line, True
        elif opening:
            fence = opening.group(1)
            yield index, line, True
        else:
            yield index, line, False


def deepest_line(body: str) -> tuple[int, int] | None:
    """(0-based line index, depth) of the first line nested deeper than MAX_DEPTH, or None."""
    for index, line, code in fenced_lines(body):
        level = 0 if code else line_depth(line)
        if level > MAX_DEPTH:
            return index, level
    return None


def line_depth(line: str) -> int:
    """Levels of nesting that the start of ``line`` opens (an upper bound, linear in the line)."""
    columns = markers = position = 0
    length = len(line)
    while position < length:
        char = line[position]
        if char == " ":
            columns += 1
            position += 1
        elif char == "\t":
            columns += TAB - columns % TAB
            position += 1
        else:
            marker = _MARKER.match(line, position)
            if marker is None:
                break
            markers += 1
            position = marker.end()
    return markers + columns // TAB


MAX_ELEMENT_DEPTH = 2 * MAX_DEPTH + 20  # a list level is two elements (ul, li), inline markup adds some

_TAG = re.compile(r"<(/?)[A-Za-z][^<>]*?(/?)>")


def deepest_tag(markup: str) -> int | None:
    """Offset in ``markup`` (Markdown's XHTML) where elements first nest deeper than
    MAX_ELEMENT_DEPTH, or None; one pass, before the text is parsed as XML."""
    level = 0
    for tag in _TAG.finditer(markup):
        if tag.group(1):
            level -= 1
        elif not tag.group(2):
            level += 1
            if level > MAX_ELEMENT_DEPTH:
                return tag.end()
    return None


# Python-Markdown finds raw HTML with the standard library's html.parser, whose start-tag
# pattern reads from every "<" + letter to the next ">": "<a " * 10_000 took over 20 s.
MAX_TAG_SCAN = 2_000_000  # characters that reading costs in one chapter, summed over every "<"

_TAG_START = re.compile(r"<[A-Za-z]")


def unclosed_tag(body: str) -> int | None:
    """Offset of a ``<`` + letter that leaves raw HTML parsing too much to read (no ``>``
    for a long way, many times over), or None; one pass."""
    closes = [match.start() for match in re.finditer(">", body)]
    cost, index, worst, worst_at = 0, 0, -1, 0
    for start in _TAG_START.finditer(body):
        while index < len(closes) and closes[index] < start.start():
            index += 1
        distance = (closes[index] if index < len(closes) else len(body)) - start.start()
        cost += distance
        if distance > worst:
            worst, worst_at = distance, start.start()
        if cost > MAX_TAG_SCAN:
            return worst_at
    return None


# Python-Markdown rebuilds a paragraph's text for every inline element it finds and
# resolves placeholders one by one: "*x* " * 12_500 in one paragraph took 3 s, 4,000
# markup characters (about 2,000 elements) take about 0.3 s.
MAX_PARAGRAPH_MARKUP = 4_000
_INLINE_MARKUP = re.compile(r"[*_`\[<&\\]")


def heavy_paragraph(body: str) -> tuple[int, int] | None:
    """(0-based first line, markup characters) of the first paragraph holding more than
    MAX_PARAGRAPH_MARKUP markup characters (``* _ ` [ < & \\``), or None; one pass."""
    start, markup = 0, 0
    for index, line, code in fenced_lines(body):
        if code or not line.strip():
            start, markup = index + 1, 0
            continue
        markup += len(_INLINE_MARKUP.findall(line))
        if markup > MAX_PARAGRAPH_MARKUP:
            return start, markup
    return None
