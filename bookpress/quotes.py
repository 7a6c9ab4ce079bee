"""Straight quotes and apostrophes turned typographic, in the marks of a language.

German (the books' language) pairs „…“ and ‚…‘; English, for words marked as
English in a German text, pairs “…” and ‘…’. Both use ’ as the apostrophe.
A language without a table here keeps its straight quotes as typed. Part of
the typography pass (:mod:`bookpress.typography`), which calls :func:`quote_pass`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class Marks:
    """The quotation marks of one language: double and single, opening and closing."""

    double_open: str
    double_close: str
    single_open: str
    single_close: str

    @property
    def openers(self) -> frozenset[str]:
        """Characters after which a quote opens (anything else non-blank closes it)."""
        return frozenset("([{<-\u2013\u2014/\u00bb" + self.double_open + self.single_open)


GERMAN = Marks("\u201e", "\u201c", "\u201a", "\u2018")  # „…“ ‚…‘
ENGLISH = Marks("\u201c", "\u201d", "\u2018", "\u2019")  # “…” ‘…’
# Primary language subtag -> its marks.
MARKS = {"de": GERMAN, "en": ENGLISH}


@dataclass(frozen=True)
class Guess:
    """A place where the pass had to guess (for a linter): index into the joined text,
    the original char(s), and what it chose."""

    offset: int  # offset in the concatenation of the input segments
    original: str  # e.g. '"' or "'" or "--"
    replacement: str  # e.g. '„'
    kind: str  # "quote" | "apostrophe" | "dash"


# A quote in opening position followed by one of these (or by a blank) closes an open quote.
_CLOSE_FOLLOW = frozenset(".,;:!?)]}")
_ELISION = re.compile(r"\d|[sS]\b|[nN](?:e[mnr]?)?\b")


def quote_chars(marks: Marks) -> re.Pattern[str]:
    """The characters the quote pass looks at: straight quotes and ``marks``."""
    typographic = {marks.double_open, marks.double_close, marks.single_open, marks.single_close}
    return re.compile("[\"'" + "".join(sorted(typographic)) + "]")


def _opens(prev: str, nxt: str, open_count: int, openers: frozenset[str]) -> bool:
    """Whether a quote between prev and nxt opens, given how many of its kind are open."""
    if prev and not prev.isspace() and prev not in openers:
        return False
    # Nothing word-like follows, so an open quote is ending here, e.g. „Aber –"
    return not (open_count and (not nxt or nxt.isspace() or nxt in _CLOSE_FOLLOW))


def _single(ctx: list[str], i: int, open_count: int, marks: Marks) -> tuple[str, int]:
    """The character for the straight single quote at ctx[i] and the new open count."""
    prev = ctx[i - 1] if i else ""
    nxt = ctx[i + 1] if i + 1 < len(ctx) else ""
    if prev.isalnum() and nxt.isalpha():
        return APOSTROPHE, open_count  # geht's, Ku'damm
    if _opens(prev, nxt, open_count, marks.openers):
        if _ELISION.match("".join(ctx[i + 1 : i + 5])):
            return APOSTROPHE, open_count  # '90er, 's ist, 'n Auto
        return marks.single_open, open_count + 1
    if open_count:
        return marks.single_close, open_count - 1
    return APOSTROPHE, open_count  # Hans' Buch


def quote_pass(ctx: list[str], marks: Marks = GERMAN) -> list[Guess]:
    """Replace straight quotes in ctx in place (one char for one) and report each one."""
    guesses: list[Guess] = []
    doubles = singles = 0
    openers = marks.openers
    # Only quote characters change a count, so only they are visited (a Python loop over
    # every character of a long text was most of this pass's time).
    for found in quote_chars(marks).finditer("".join(ctx)):
        i, ch = found.start(), found[0]
        # Quotes that are already typographic still count as open or closed. (English ’
        # closes a single quote here, as it does when it was typed as one.)
        doubles += (ch == marks.double_open) - (ch == marks.double_close and doubles > 0)
        singles += (ch == marks.single_open) - (ch == marks.single_close and singles > 0)
        if ch == '"':
            opening = _opens("".join(ctx[i - 1 : i]), "".join(ctx[i + 1 : i + 2]), doubles, openers)
            new = marks.double_open if opening else marks.double_close
            doubles = doubles + 1 if opening else max(doubles - 1, 0)
        elif ch == "'":
            new, singles = _single(ctx, i, singles, marks)
        else:
            continue
        ctx[i] = new
        kind = "apostrophe" if new == APOSTROPHE else "quote"
        guesses.append(Guess(i, ch, new, kind))
    return guesses
