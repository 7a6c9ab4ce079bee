"""What a German typesetter flags and the typography pass cannot decide: W045 to W049.

The pass (:mod:`bookpress.typography`) changes only what it is sure of; these
rules point at the rest, each a warning at the line and column as typed:

* W045 a hyphen with a space on one side only inside a compound ("Ost -West",
  "Ost- West"); "Ein- und Ausgang" and "Haupt- oder -nebensatz" are right;
* W046 a hyphen between spaces that the pass leaves a hyphen (at the end of a
  paragraph, after a line break or a tab): a dash is meant, or a compound;
* W047 makeshift quotation marks: ",," or two apostrophes for a quote, and
  the acute accent ´ or a backtick for an apostrophe;
* W048 an x between numbers where × is meant ("3 x 4 m");
* W049 a space before a comma, full stop, colon, semicolon, ! or ?.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import typography
from .finding import Finding
from .source import Block, Text

# Words after which a hyphen begins a shortened compound: "Ein- und -ausgang".
_JOINING = frozenset(
    {"und", "oder", "bzw.", "beziehungsweise", "sowie", "bis", "noch", "als", "wie", "&", "u.", "o.", "resp."}
)
_BEFORE_WORD = re.compile(r"(?<!\S)-(?=[^\W\d_])")
# A line break counts: "Ost-" at the end of a line and "West" on the next print "Ost- West".
_AFTER_WORD = re.compile(r"(?<=[^\W\d_])-[ \t\n]+(?=([^\W\d_][\w.&]*|&))")
_SPACED = re.compile(r"(?<!\S)-{1,3}(?!\S)")
_MAKESHIFT = re.compile(r",,|''|``|(?<=\w)[´`](?=\w)|´")
_TIMES = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)([ \u00a0\u202f]?)(?P<x>[xX])[ \u00a0\u202f]?(?=\d)")
_BEFORE_PUNCTUATION = re.compile(r"(?<=[^\W_])[ \u00a0\u202f]+(?:[,;:!?]|\.(?![ .]*\.))(?![\w.,])")


def style(text: Text) -> Iterator[Finding]:
    """W045 to W049 in every prose block of ``text``."""
    for block in text.blocks:
        yield from _hyphens(text, block)
        yield from _spaced_hyphens(text, block)
        yield from _others(text, block)


def _finding(text: Text, block: Block, offset: int, code: str, message: str) -> Finding:
    line, column = block.position(offset)
    return Finding(text.path, line, column, code, message)


def _hyphens(text: Text, block: Block) -> Iterator[Finding]:
    """W045 a hyphen with a space on one side inside a compound."""
    if "-" not in block.text:
        return
    for match in _BEFORE_WORD.finditer(block.text):
        words = block.text[max(0, match.start() - 40) : match.start()].split()  # bounded: linear
        if words and words[-1].lower() not in _JOINING and not words[-1].endswith((",", "-")):
            yield _finding(
                text,
                block,
                match.start(),
                "W045",
                "a space before a hyphen that joins the next word: write 'Ost-West' without "
                "the space, or a dash (' - ') between spaces",
            )
    for match in _AFTER_WORD.finditer(block.text):
        if match.group(1).lower() not in _JOINING:
            yield _finding(
                text,
                block,
                match.start(),
                "W045",
                "a space after a hyphen that joins the word before: write 'Ost-West' without "
                "the space; 'Ein- und Ausgang' is fine",
            )


def _spaced_hyphens(text: Text, block: Block) -> Iterator[Finding]:
    """W046 a hyphen between spaces that the typography pass leaves a hyphen."""
    if "-" not in block.text:
        return
    if not block.text.strip().strip("-"):
        return  # a table cell or line of nothing but a hyphen: "none"
    dashes = {g.offset for g in typography.smarten_segments([block.text])[1] if g.kind == "dash"}
    for match in _SPACED.finditer(block.text):
        if match.start() not in dashes:
            yield _finding(
                text,
                block,
                match.start(),
                "W046",
                f"'{match.group(0)}' between spaces stays a hyphen here; type the dash – "
                "yourself, or join the words of a compound",
            )


def _others(text: Text, block: Block) -> Iterator[Finding]:
    """W047 makeshift quotes, W048 x for ×, W049 a space before punctuation."""
    for match in _MAKESHIFT.finditer(block.text):
        typed = match.group(0)
        message = (
            f"{typed} is not an apostrophe; type ’ or '"
            if typed in "´`"
            else f'{typed} is not a quotation mark; type "…" (it becomes „…“) or „…“'
        )
        yield _finding(text, block, match.start(), "W047", message)
    for match in _TIMES.finditer(block.text):
        if match.group(1) == "0" and not match.group(2):
            continue  # 0x1F: a hexadecimal number
        yield _finding(
            text, block, match.start("x"), "W048", "'x' between numbers: the multiplication sign is ×"
        )
    for match in _BEFORE_PUNCTUATION.finditer(block.text):
        mark = match.group(0).strip()
        if mark == ":" and block.text[match.start() - 1].isdigit():
            continue  # a ratio: 3 : 1
        yield _finding(text, block, match.start(), "W049", f"a space before '{mark}'; remove it")
