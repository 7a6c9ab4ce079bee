"""How deeply a chapter nests, measured before Markdown sees it.

Python-Markdown parses nested lists and block quotes by recursion: a list
nested a few hundred levels deep ends in a ``RecursionError`` (and takes
seconds before it does). No book needs more than a handful of levels, so a
chapter nested deeper than :data:`MAX_DEPTH` is refused with its line, found
in one pass over the text: every ``>`` of a block quote, every list marker at
the start of a line (``- - - x`` nests three lists) and every four columns of
indentation (blanks and tabs between the markers) count as one level. Fenced code blocks are not measured.

The same limit holds for the XHTML tree after Markdown (inline markup and raw
HTML nest too); :func:`bookpress.sanitise.depth` measures that.
"""

from __future__ import annotations

import re

MAX_DEPTH = 50  # levels of lists, block quotes and indentation, and of elements in the XHTML
TAB = 4  # Python-Markdown's tab_length: one level of list nesting

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_MARKER = re.compile(r"(?:>|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$))")


def deepest_line(body: str) -> tuple[int, int] | None:
    """(0-based line index, depth) of the first line nested deeper than MAX_DEPTH, or None."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        level = line_depth(line)
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
