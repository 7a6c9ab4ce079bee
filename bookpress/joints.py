"""No ligature across the joint of a German compound: "Auf|lage", not an fl ligature.

German typesetting joins f with a following letter into one glyph only inside a
word part, never across the joint of a compound or before a suffix such as
-lich (Duden, "Ligaturen"). The book face (Linux Libertine) has ligatures of f
with b, f, h, i, j, k, l and t; a ZERO WIDTH NON-JOINER (U+200C) between the two
letters keeps them apart (Unicode 15, section 23.2, "Cursive Connection and
Ligatures"). It is invisible, breaks no line and does not end a word: the
PDF's text and the EPUB's search still read "Auflage".

Which f ends a word part cannot be read off the letters in general ("Hoffnung"
is not "Hof|fnung"), and hyphenation points are syllables, not joints. So only
joints that are certain are marked:

* three f in a row: "Schiff|fahrt", "Stoff|fetzen";
* the prefix auf at the start of a word: "Auf|lage", "auf|fallen", "Auf|bau";
* auf before b, h, k or l inside a word: "Neuauf|lage", "Kauf|haus", "Lauf|bahn";
* a few word parts ending in f at the start of a word (:data:`PARTS`);
* f before the suffixes -lich, -los and -ling: "käuf|lich", "hilf|los".
"""

from __future__ import annotations

import re

ZWNJ = "\u200c"

# Letters the book face ligates with a preceding f.
LIGATING = frozenset("bfhijklt")
# Word parts ending in f that start a word -> the letters that begin the next part after
# them. Not every pair: "Hof" + f is "Hoffnung", "Kauf" + t is "kauft".
PARTS: dict[str, str] = {
    "auf": "bfhijklt",
    "hinauf": "bfhijklt",
    "herauf": "bfhijklt",
    "darauf": "bfhijklt",
    "drauf": "bfhijklt",
    "kauf": "bfhkl",
    "lauf": "bfhkl",
    "tief": "bfhkl",
    "brief": "bfhkl",
    "schiff": "bhkl",
    "stoff": "bhkl",
    "dorf": "bhkl",
    "hof": "bhkl",
    "kopf": "bhkl",
    "schlaf": "bhkl",
    "senf": "bhkl",
}
_LONGEST = 2 * max(map(len, PARTS))  # room for soft hyphens in a part
_SUFFIX = re.compile(
    r"l(?:ich(?:e[mnrs]?|keit(?:en)?|st(?:e[mnrs]?)?|er(?:e[mnrs]?)?)?"
    r"|os(?:e[mnrs]?|igkeit(?:en)?|er|est)?|ing(?:e|en|s)?)(?![^\W\d_])"
)
SOFT_HYPHEN = "\u00ad"  # the project hyphenation list puts these in before this pass
_CANDIDATE = re.compile(r"f(?=\u00ad?[bfhijklt])")


def mark_joints(text: str) -> str:
    """``text`` with a ZWNJ at each certain compound joint after an f (see the module)."""
    if "f" not in text:
        return text
    out, position = [], 0
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if _joint(text, end):
            out += [text[position:end], ZWNJ]
            position = end
    if not out:
        return text
    out.append(text[position:])
    return "".join(out)


def _joint(text: str, end: int) -> bool:
    """Whether a word part ends at ``end``, just after an f, before a ligating letter."""
    rest = text[end : end + 16].replace(SOFT_HYPHEN, "")
    following = rest[0]
    # Back to the start of the word, but no further than the longest part needs: a scan
    # to the start of every f of a long run of f would be quadratic.
    start, limit = end - 1, max(0, end - _LONGEST)
    while start > limit and (text[start - 1].isalpha() or text[start - 1] == SOFT_HYPHEN):
        start -= 1
    whole = start == 0 or not (text[start - 1].isalpha() or text[start - 1] == SOFT_HYPHEN)
    part = text[start:end].replace(SOFT_HYPHEN, "").lower()
    if part.endswith("ff") and following == "f":
        return True  # Schiff|fahrt: a third f always begins a new part
    if whole and following in PARTS.get(part, ""):
        return True
    if part.endswith("auf") and len(part) > 3 and following in "bhkl":
        return True  # Neuauf|lage, Kauf|haus
    return following == "l" and _SUFFIX.match(rest) is not None
