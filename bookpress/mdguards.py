"""Python-Markdown made linear, and the record of what it left as text.

The companion of :mod:`bookpress.markup`, the only other module that imports
Python-Markdown. :class:`Bounded` is an extension that

* replaces the link processors' ``getText``, which scanned from every ``[``
  to the end of the paragraph (``"[" * 20_000`` took 169 s), by a bounded
  search, and their ``getLink`` by one that reads a bounded window within a
  budget per chapter (a link beyond it stays text and is reported);
* bounds the footnote-call pattern, which rescanned from every ``[^``;
* collects :mod:`bookpress.slips` after the inline pass and before escapes
  are undone, so that ``\\*`` is not mistaken for a literal asterisk;
* lets the inline pass return at once from a text none of its patterns
  matches (most of the text of an essay), instead of trying them one by one.

:class:`MarkedLanguages` reads a foreign word or phrase marked with its
language, ``[manpower]{lang=en}``, as ``<span lang="en">manpower</span>`` (the
bracketed span of Pandoc and markdown-it's attrs plugin, with one attribute);
a tag that is not a registered language tag is recorded as a slip.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree

import markdown

from . import languages, slips

# Link text longer than this or nesting more brackets, or a longer link target, is not a link.
MAX_LINK_TEXT = 2000
MAX_LINK_BRACKETS = 32
MAX_LINK_TARGET = 4096
# Characters of link targets one chapter may make Python-Markdown scan: beyond it,
# links stay text and are reported as slips.
LINK_SCAN_BUDGET = 1_000_000
_FOOTNOTE_CALL = r"\[\^([^\]]{0,200})\]"
LINK_PROCESSORS = (
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
)


# Bounded, and no bracket inside: a scan from "[" stops at the next bracket.
_LANGUAGE_SPAN = r"\[([^\[\]]{1,2000})\]\{[ \t]*lang[ \t]*=[ \t]*([\"']?)([^\s\"'{}]{0,64})\2[ \t]*\}"
# Before links and references (170), after code spans and escapes (190, 180).
_LANGUAGE_PRIORITY = 172


class MarkedLanguages(markdown.Extension):
    """``[words]{lang=xx}`` -> ``<span lang="xx">words</span>``; a bad tag becomes a slip."""

    def __init__(self, guards: Bounded) -> None:
        super().__init__()
        self.guards = guards

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(_LanguageSpan(self.guards), "bookpress-language", _LANGUAGE_PRIORITY)


class _LanguageSpan(markdown.inlinepatterns.InlineProcessor):
    def __init__(self, guards: Bounded) -> None:
        super().__init__(_LANGUAGE_SPAN)
        self.guards = guards

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[ElementTree.Element, int, int]:
        span = ElementTree.Element("span")
        span.text = m.group(1)
        tag = m.group(3)
        if languages.valid(tag):
            span.set("lang", tag)
        else:
            typed = m.group(0)[len(m.group(1)) + 2 :]
            self.guards.slips.append(
                slips.Slip(
                    f"language '{typed}' is not a valid language tag (BCP 47); write a registered "
                    "tag such as en, en-GB, fr or la",
                    typed,
                )
            )
        return span, m.start(0), m.end(0)


class Bounded(markdown.Extension):
    """Bounded link scanning, and the record of markup left as text (see bookpress.slips)."""

    def __init__(self) -> None:
        super().__init__()
        self.slips: list[slips.Slip] = []
        self.budget = LINK_SCAN_BUDGET

    def reset(self) -> None:
        self.slips = []
        self.budget = LINK_SCAN_BUDGET

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Python-Markdown's own pattern rescans to the end of the text from every "[^".
        md.inlinePatterns["footnote"].compiled_re = re.compile(_FOOTNOTE_CALL, re.DOTALL | re.UNICODE)
        for name in LINK_PROCESSORS:
            processor = md.inlinePatterns[name]
            processor.getText = _link_text
            if name in ("link", "image_link"):
                processor.getLink = self._bounded_target(processor.getLink)
        # After the inline pass (20) and before escapes are undone (unescape, 0).
        md.treeprocessors.register(_Leftovers(self), "bookpress-leftovers", 5)
        _skip_plain_text(md)

    def _bounded_target(self, original: Callable) -> Callable:
        def get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
            window = data[index : index + min(MAX_LINK_TARGET, self.budget)]
            if ")" not in window:
                return "", None, index, False
            href, title, end, handled = original(window, 0)
            self.budget -= end if handled else len(window)
            return href, title, end + index, handled

        return get_link


def _skip_plain_text(md: markdown.Markdown) -> None:
    """Make the inline pass return a text at once when none of its patterns matches in it.

    Python-Markdown tries its inline patterns on a text one by one, each through a few
    layers of Python (about 7 µs a pattern: most of the pass), and a text none of
    them matches comes back unchanged. Searching it with every pattern's own expression
    first gives the same answer in C (for the two expressions in ``_HOLDS``, looking for
    the character every one of their matches holds); a text one of them may match starts
    its pass at that pattern, since those before it would leave the text as it is.
    """
    inline = md.treeprocessors["inline"]
    handle = inline._InlineProcessor__handleInline  # what InlineProcessor.run calls
    checks: list[Callable[[str], object]] = []

    def handle_inline(data: str, pattern_index: int = 0) -> str:
        if not checks:  # read when the extensions have registered all their patterns
            checks.extend(_may_match(pattern.getCompiledRegExp()) for pattern in md.inlinePatterns)
        for index in range(pattern_index, len(checks)):
            if checks[index](data):
                # The patterns before it match nothing here: the pass may start at this one.
                return handle(data, index)
        return data

    inline._InlineProcessor__handleInline = handle_inline


# Python-Markdown's expressions that begin with a lookbehind, tried at every character,
# and a character each of their matches holds: a text without it cannot match.
_HOLDS = {
    r"(?<!\!)\[": "[",  # links and references
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": "`",  # code spans: a backtick, or backslashes before one
}


def _may_match(expression: re.Pattern[str]) -> Callable[[str], object]:
    """A test that is true for every text ``expression`` matches in (and few others)."""
    held = _HOLDS.get(expression.pattern)
    if held is None:
        return expression.search
    return lambda data: held in data


def _link_text(data: str, index: int) -> tuple[str, int, bool]:
    """Python-Markdown's getText (the text of ``[…]``, from just after the ``[``), bounded:
    it looks no further than MAX_LINK_TEXT characters and MAX_LINK_BRACKETS brackets,
    jumping from ``]`` to ``]`` with C-speed searches instead of a loop over characters."""
    count, position, end = 1, index, min(len(data), index + MAX_LINK_TEXT)
    while count <= MAX_LINK_BRACKETS:
        close = data.find("]", position, end)
        if close < 0:
            break
        # Every "[" before this "]" opens a level first; the "]" closes one.
        count += data.count("[", position, close) - 1
        position = close + 1
        if count == 0:
            return data[index:close], position, True
    return "", len(data), False


class _Leftovers(markdown.treeprocessors.Treeprocessor):
    """Collects :mod:`bookpress.slips` from the text outside code, without recursion."""

    def __init__(self, guards: Bounded) -> None:
        super().__init__()
        self.guards = guards

    def run(self, root: ElementTree.Element) -> None:
        # Items are elements, or the text that follows one (its tail), in reading order.
        stack: list[tuple[ElementTree.Element | str, bool]] = [(root, False)]
        while stack:
            item, code = stack.pop()
            if isinstance(item, str):
                self.guards.slips.extend(slips.find(item))
                continue
            inside = code or item.tag in slips.CODE_ELEMENTS
            if item.text and not inside:
                self.guards.slips.extend(slips.find(item.text))
            for child in reversed(item):
                if child.tail and not code:
                    stack.append((child.tail, code))
                stack.append((child, inside))
