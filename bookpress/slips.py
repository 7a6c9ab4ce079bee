"""Author slips that Markdown swallows: markup it left as literal text.

Markdown never fails: a footnote call without a note, an emphasis that is
opened and never closed, a link or image with a bracket or parenthesis
missing all come out as the characters the author typed, and the book would
print them. The text is read after Markdown's inline pass and before its
escapes are undone, so a ``\\*`` the author escaped is not seen here. Code
(``code``, ``pre``, ``kbd``, ``samp``) is not read. The rules:

* ``[^name]`` left in the text is a footnote call without a note (E011).
* ``![`` left in the text is an image Markdown did not recognise (E023).
* ``](`` or ``][`` left in the text is a link Markdown did not recognise:
  a parenthesis not closed, or a reference ``[text][name]`` never defined
  (E013); so is a ``[`` followed by ``(https://…``, ``(mailto:…`` or ``(#…``
  with no ``]`` between them (the bracket after the link text forgotten).
* ``]{lang=`` left in the text is a foreign-language span Markdown did not
  recognise: a bracket inside the words, or the brace not closed (E050).
* A run of ``*`` or ``_`` directly before a word and not after one
  (``**Wort``, ``*Wort``, ``_Wort``) is emphasis that was never closed
  (E044). A run after a word (a note marker ``Text*``), inside a word
  (``5*3``, ``snake_case``), between spaces (``2 * 3``), after a ``/``
  (``example.org/_intern``) and a single mark before a digit (``(*1970)``,
  born) are left alone; write ``\\*`` where an asterisk before a word is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_ELEMENTS = frozenset({"code", "pre", "kbd", "samp"})

_NOTE = re.compile(r"\[\^([^\]\s\[]{1,200})\]")  # bounded: no rescans to the end of the text
_IMAGE = re.compile(r"!\[")
_LINK = re.compile(r"\]\(|\]\[")
# "[text(https://…)": the "]" forgotten; the text between is bounded, so each "[" costs little.
_UNCLOSED = re.compile(r"\[(?!\^)[^\[\]\n]{0,300}?\((?=https?://|mailto:|#)")
_LANGUAGE = re.compile(r"\]\{[ \t]*lang[ \t]*=")
_RUN = re.compile(r"\*+|_+")
# Every slip above holds one of these: "[" or "]", or a run of "*" or "_".
_MARKUP = re.compile(r"[\[\]*_]")


@dataclass(frozen=True)
class Slip:
    """Markup left as text: the message for the author and what to look for in the source."""

    message: str
    needle: str  # the characters as typed, to find the line


def find(text: str) -> list[Slip]:
    """The slips in one run of text, in order of appearance."""
    if _MARKUP.search(text) is None:  # most runs: none of the patterns below can match
        return []
    found: list[tuple[int, Slip]] = []
    for match in _NOTE.finditer(text):
        call = match.group(0)
        found.append(
            (
                match.start(),
                Slip(
                    f"footnote {call} is called here but never defined; add a line '{call}: …'",
                    call,
                ),
            )
        )
    note_ends = {m.end() - 1 for m in _NOTE.finditer(text)}
    for match in _IMAGE.finditer(text):
        shown = _context(text, match.start())
        found.append(
            (
                match.start(),
                Slip(
                    f"image '{shown}' was left as text; write ![alternative text](file.png) "
                    "with every bracket and parenthesis closed",
                    shown,
                ),
            )
        )
    for match in _LINK.finditer(text):
        if match.start() in note_ends:
            continue  # the "][" of a note call followed by a link
        opening = text.rfind("[", 0, match.start())
        if opening > 0 and text[opening - 1] == "!":
            continue  # the image above
        shown = _context(text, opening if opening >= 0 else match.start())
        found.append(
            (
                match.start(),
                Slip(
                    f"link '{shown}' was left as text; write [text](https://…) with every bracket "
                    "and parenthesis closed, or define the reference [name]: https://…",
                    shown,
                ),
            )
        )
    for match in _UNCLOSED.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "!":
            continue  # an image: "![" is reported above
        shown = _context(text, match.start())
        found.append(
            (
                match.start(),
                Slip(
                    f"link '{shown}' was left as text: the ']' after the link text is missing; "
                    "write [text](https://…)",
                    shown,
                ),
            )
        )
    for match in _LANGUAGE.finditer(text):
        shown = _context(text, match.start())
        found.append(
            (
                match.start(),
                Slip(
                    f"language span '{shown}' was left as text; write [words]{{lang=en}} with no "
                    "bracket inside the words and the brace closed",
                    shown,
                ),
            )
        )
    for match in _RUN.finditer(text):
        if _opens(text, match.start(), match.end()):
            shown = _context(text, match.start())
            run = match.group(0)
            found.append(
                (
                    match.start(),
                    Slip(
                        f"emphasis '{shown}' is not closed; Markdown prints the {run!r} as it is: "
                        f"close it ({run}…{run}) or write {chr(92)}{run[0]} for a literal {run[0]}",
                        shown,
                    ),
                )
            )
    return [slip for _, slip in sorted(found, key=lambda pair: pair[0])]


def _opens(text: str, start: int, end: int) -> bool:
    """A run directly before a word and not directly after one (nor after a "/" of a path).
    A single mark before a digit is left alone: "(*1970)" is a year of birth."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    word = after.isalpha() or (after.isalnum() and end - start > 1)
    return word and not before.isalnum() and before != "/"


def _context(text: str, start: int) -> str:
    """Up to 20 characters from ``start`` on one line, as the author typed them."""
    piece = text[start : start + 20].split("\n", 1)[0]
    return re.split(r"[\x02\x03']", piece, maxsplit=1)[0]
