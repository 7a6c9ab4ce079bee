"""German typography (Duden conventions) for manuscript text, shared by every output format.

Converts straight quotes and apostrophes (:mod:`bookpress.quotes`), hyphen dashes and
ellipses; puts no-break spaces into abbreviations, titles, units, digit groups and
version numbers; collapses runs of spaces to one and removes spaces just inside
parentheses and brackets. Works on a run of segments (the text nodes of one block) so
that quotes pair across inline markup. Only what it can decide with certainty is
changed; ``bookpress check`` reports what it cannot (:mod:`bookpress.lint.style`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import NamedTuple

from . import quotes
from .quotes import APOSTROPHE, GERMAN, Guess

NBSP = "\u00a0"
NNBSP = "\u202f"
EN_DASH = "\u2013"
ELLIPSIS = "\u2026"
DQ_OPEN, DQ_CLOSE = GERMAN.double_open, GERMAN.double_close
SQ_OPEN, SQ_CLOSE = GERMAN.single_open, GERMAN.single_close
__all__ = ["APOSTROPHE", "Guess", "smarten", "smarten_segments"]

# Frozen text and URLs stand in as letters: word-like for quote context, inert for rules.
_PLACEHOLDER = "x"

# Quotes and apostrophes, straight or not, end a URL token, so quotes around it still pair.
_NOT_TOKEN = "\\s\"'<>()\u201e\u201c\u201d\u201a\u2018\u2019\u00bb\u00ab"
# Linear time on any text: an e-mail address starts where a token or an earlier address part
# starts, and its local part is possessive, so no start rescans the token after it (the
# plain pattern took 93 s on 100 KB without spaces). A URL is rescanned only over its
# trailing punctuation, once.
_PROTECTED = re.compile(
    rf"(?:https?://|www\.)[^{_NOT_TOKEN}]+(?<![.,;:!?])"
    rf"|(?<![^{_NOT_TOKEN}@])[^{_NOT_TOKEN}@]++@[^{_NOT_TOKEN}@]+\.\w+"
)


class _Edit(NamedTuple):
    """A replacement of joined[start:end] by text, with the guess it stands for (if any)."""

    start: int
    end: int
    text: str
    guess: Guess | None


# ----------------------------------------------------------------------- other rules


class _Rule(NamedTuple):
    """A substitution: ``replace`` gives the new text for each match of ``pattern``.

    ``needs`` is a test that is true for every text ``pattern`` matches in and false for
    most others: a text it fails is not scanned with ``pattern``. It looks for what
    every match holds, faster than the pattern would: with a substring test where it
    can (``_holds``), else with an expression that begins with a rare character the
    engine skips to at C speed, its context following as a lookbehind. Skipping took
    the rules from most of this pass's time to a small part of it.
    """

    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str]], str]
    needs: Callable[[str], object] | None = None


def _holds(*pieces: str) -> Callable[[str], bool]:
    """A test for texts that hold one of ``pieces``."""
    return lambda text: any(piece in text for piece in pieces)


_ABBREVIATIONS = (
    "a a O", "i d R", "u v m", "z B", "d h", "u a", "z T", "o Ä", "u Ä", "u U", "v a",
    "s o", "s u", "s a", "m E", "z Zt", "z Hd", "o g", "i A", "i V", "v Chr", "n Chr",
)  # fmt: skip
_TITLES = r"Dipl\.-Ing|Dr\.-Ing|Prof|Dr|Nr|S|Abb|Kap|Bd|Hr|Fr|Tab|Abs|ca"
# Unit symbols take a narrow no-break space after the number (DIN 1338, and SI Brochure
# 5.4.3 for the space itself); currencies and words written out take a word space that
# does not break (DIN 5008).
_SYMBOLS = sorted(
    ["°C", "°", "km", "cm", "mm", "m", "kg", "g", "t", "ml", "l", "h", "min", "s", "kWh", "kW", "W",
     "kB", "MB", "GB", "TB", "Hz", "kHz", "MHz", "GHz", "dB", "mA", "µm", "nm", "m²", "m³", "km²",
     "cm²", "km/h", "m/s"],
    key=len,
    reverse=True,
)  # fmt: skip
_WORDS = sorted(
    ["€", r"\$", "£", "EUR", "Euro", "CHF", "USD", "Prozent", r"Mio\.?", r"Mrd\.?", r"Tsd\.?", r"Std\.?"],
    key=len,
    reverse=True,
)  # fmt: skip
_MONTHS = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    "|Dezember|(?:Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sept?|Okt|Nov|Dez)\\."
)
_ABBR_SPACE = "[ \u00a0\u202f]?"


def _abbreviation(parts: str) -> str:
    """Pattern for one dotted abbreviation such as 'z B', either case for its first letter."""
    first, *rest = parts.split()
    head = f"[{first.lower()}{first.upper()}]"
    return (r"\." + _ABBR_SPACE).join([head, *map(re.escape, rest)]) + r"\."


def _second_parts() -> str:
    """Pattern for what follows the first dot of every abbreviation: ". B.", ". Chr.", …"""
    seconds = sorted({parts.split()[1] for parts in _ABBREVIATIONS}, key=len, reverse=True)
    return r"\." + _ABBR_SPACE + "(?:" + "|".join(map(re.escape, seconds)) + r")\."


def _first_letters() -> str:
    """The first letters of the abbreviations, in both cases: "aAdDiI…"."""
    return "".join(sorted({case(parts[0]) for parts in _ABBREVIATIONS for case in (str.lower, str.upper)}))


def _const(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement that ignores the match."""
    return lambda m: text


# Names that take a version number without a dot: "Windows 11", "Java 21", "Version 3".
_PRODUCTS = frozenset(
    ["Android", "Chrome", "Debian", "Excel", "Fedora", "Firefox", "HTML", "iOS", "iPadOS", "Java",
     "JavaScript", "Linux", "macOS", "Office", "Outlook", "Perl", "PHP", "PowerPoint", "Python",
     "Release", "Safari", "Ubuntu", "Unicode", "Version", "Windows"]
)  # fmt: skip
_NAME = re.compile(r"[^\W\d_]+\Z")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_WORD_START = re.compile(r"[^\w.\-\u00ad]")  # what may stand before the name
_GLUED = re.compile(r"[\w\-]|\.\w")  # what may not follow the number
# German thousands ("2.500") and dates ("3.10.2020", "3.10.") are not versions.
_NOT_VERSION = re.compile(r"\d{1,3}(?:\.\d{3})+(?![\d.])|\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})?(?!\d)")


def _version(m: re.Match[str]) -> str:
    """A no-break space between a name and its version ("Python 3.11", "Windows 11").

    Certain only in two cases: a capitalised name before a number with a dot (German
    writes decimals with a comma), or one of ``_PRODUCTS`` before any number. A word
    that is no name ("im Jahr 2020"), a date, German thousands ("Über 2.500") and a
    number glued to more ("3.11-fach") are left alone.
    """
    text, space, end = m.string, m.start(), m.end()
    name = _NAME.search(text, max(0, space - 30), space)
    number = _NUMBER.match(text, end)
    if name is None or number is None or (name.start() and not _WORD_START.match(text, name.start() - 1)):
        return m[0]
    after = text[number.end() : number.end() + 2]
    if _GLUED.match(after):
        return m[0]
    if name[0] in _PRODUCTS:
        return NBSP
    dotted = "." in number[0] and not after.startswith(".") and not _NOT_VERSION.match(text, end)
    return NBSP if dotted and name[0][0].isupper() else m[0]


_BLANKS = "[ \t\n\u00a0\u202f]+"
_INSIDE = re.compile(r"[(\[]\s|\s[)\]]")


# Lookbehinds treat … like a dot, so that turning ... into … never enables another rule.
# A pattern starts with the character it replaces where it can, its context before that
# following as a lookbehind: the engine skips to that character at C speed.
_RULES: list[_Rule] = [
    _Rule(re.compile(r"\.\.\.|\. \. \."), _const(ELLIPSIS)),
    # The space before a Gedankenstrich must not break, or a line would start with it.
    _Rule(
        re.compile(r"[ \u00a0](?<=\S[ \u00a0])(?P<dash>-{1,3})(?=\s)"),
        _const(NBSP + EN_DASH),
        needs=re.compile(r"-(?<=[ \u00a0]-)").search,
    ),
    _Rule(
        re.compile(r" (?<=\S )(?=[\u2013\u2014]\s)"),
        _const(NBSP),
        needs=_holds(" \u2013", " \u2014"),
    ),
    # A lone hyphen between two numbers is a range; chains (dates, ISBNs) and numbers with
    # a leading zero (phone numbers) are left alone.
    _Rule(
        re.compile(r"(?<![\w.,…-])(?!0\d)(\d+(?:[.,]\d+)*)(?P<dash>--?)(\d+(?:[.,]\d+)*)(?![\w-]|[.,]\d)"),
        lambda m: m[1] + EN_DASH + m[3],
        needs=re.compile(r"-(?<=\d-)").search,
    ),
    _Rule(
        # Only a word start with the first letter of an abbreviation and a dot is looked at.
        re.compile(
            rf"(?=[{_first_letters()}]\.)(?<![\w.…])(?:" + "|".join(map(_abbreviation, _ABBREVIATIONS)) + ")"
        ),
        lambda m: re.sub(rf"\.{_ABBR_SPACE}(?=\w)", "." + NNBSP, m[0]),
        needs=re.compile(_second_parts()).search,
    ),
    _Rule(
        re.compile(rf"(?<![\w.…-])(?:{_TITLES})\. (?=[\w§])"),
        lambda m: m[0][:-1] + NBSP,
        needs=re.compile(
            r"\. (?:" + "|".join(rf"(?<={title}\. )" for title in _TITLES.split("|")) + ")"
        ).search,
    ),
    _Rule(re.compile(r" (?<=§ )(?=\d)"), _const(NBSP), needs=_holds("§ ")),
    _Rule(re.compile(r" (?<=\d )(?=[%‰](?!\w))"), _const(NNBSP), needs=_holds(" %", " ‰")),
    # "/" may not follow a symbol: "5 m/s" is one unit, and not one of the list.
    _Rule(re.compile(rf" (?<=\d )(?=(?:{'|'.join(map(re.escape, _SYMBOLS))})(?![\w/]))"), _const(NNBSP)),
    _Rule(re.compile(rf" (?<=\d )(?=(?:{'|'.join(_WORDS)})(?!\w))"), _const(NBSP)),
    _Rule(
        re.compile(rf"(?<![\d.…])(\d{{1,2}}\.) (?=(?:{_MONTHS})(?!\w))"),
        lambda m: m[1] + NBSP,
        needs=re.compile(r"\. (?<=\d\. )").search,
    ),
    _Rule(
        re.compile(r"(?<![\d.,…])\d{1,3}(?: \d{3})+(?!\d)"),
        lambda m: m[0].replace(" ", NNBSP),
        needs=re.compile(r" \d(?<=\d \d)").search,
    ),
    _Rule(re.compile(r" (?<=[^\W\d_] )(?=\d)"), _version, needs=re.compile(r"\d(?<=[^\W\d_] \d)").search),
    # No space just inside parentheses or brackets: "( so )" -> "(so)".
    _Rule(re.compile(rf"[(\[]{_BLANKS}(?=[^\s)\]])"), lambda m: m[0][0], needs=_INSIDE.search),
    _Rule(re.compile(rf"(?<=[^\s(\[]){_BLANKS}[)\]]"), lambda m: m[0][-1], needs=_INSIDE.search),
]


def _trimmed(m: re.Match[str], new: str) -> tuple[int, int, str]:
    """Shrink a match and its replacement to the span that actually changes."""
    old, start = m[0], m.start()
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    s = 0
    while s < min(len(old), len(new)) - p and old[-1 - s] == new[-1 - s]:
        s += 1
    return start + p, start + len(old) - s, new[p : len(new) - s]


class _Spans:
    """Answers in log time whether a range touches one of many protected spans."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        for _, b in spans:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def __call__(self, start: int, end: int) -> bool:
        """Whether some span (a, b) has a < end and start < b (for an insertion: a < start < b)."""
        count = bisect_left(self.starts, max(start, end))
        return count > 0 and self.reach[count - 1] > start


def _collect_edits(text: str, protected: list[tuple[int, int]]) -> list[_Edit]:
    """All rule edits on text, minus those touching protected spans or an earlier edit."""
    edits: list[_Edit] = []
    for pattern, substitute, needs in _RULES:
        if needs is not None and not needs(text):
            continue
        for m in pattern.finditer(text):
            start, end, new = _trimmed(m, substitute(m))
            if start == end and not new:
                continue
            guess = None
            if "dash" in pattern.groupindex:
                guess = Guess(m.start("dash"), m["dash"], EN_DASH, "dash")
            edits.append(_Edit(start, end, new, guess))
    edits.sort(key=lambda e: e.start)  # stable, so earlier rules win ties
    touches = _Spans(protected)
    kept: list[_Edit] = []
    for e in edits:
        if touches(e.start, e.end):
            continue
        if kept and (e.start < kept[-1].end or e.start == kept[-1].start):
            continue
        kept.append(e)
    return kept


# ----------------------------------------------------------------------- segments


def _apply(
    segments: list[str],
    bounds: list[tuple[int, int]],
    edits: list[_Edit],
    frozen: AbstractSet[int],
) -> list[str]:
    """Apply edits, given in joined offsets, sorted and not overlapping, to the segments.

    Each segment is rebuilt once from its pieces (editing strings edit by edit copied the
    whole segment every time: quadratic on a long paragraph).
    """
    ends = [b for _, b in bounds]
    pieces: list[list[tuple[int, int, str]]] = [[] for _ in segments]  # per segment, local
    for edit in edits:
        for i, p, q, new in _pieces(bounds, ends, edit, frozen):
            pieces[i].append((p - bounds[i][0], q - bounds[i][0], new))
    out = []
    for segment, changes in zip(segments, pieces, strict=True):
        parts, position = [], 0
        for p, q, new in changes:
            parts += [segment[position:p], new]
            position = q
        out.append("".join(parts) + segment[position:])
    return out


def _pieces(
    bounds: list[tuple[int, int]], ends: list[int], edit: _Edit, frozen: AbstractSet[int]
) -> list[tuple[int, int, int, str]]:
    """The parts of one edit as (segment, start, end, new text), in joined offsets."""
    s, e = edit.start, edit.end
    if s == e:  # an insertion goes into a non-frozen segment touching its position
        owners = []
        for i in range(bisect_left(ends, s), len(bounds)):
            if bounds[i][0] > s:
                break
            if i not in frozen:
                owners.append(i)
        if not owners:
            return []
        # Prefer the segment holding the char at s; else the one ending there.
        owner = next((i for i in owners if s < bounds[i][1]), owners[-1])
        return [(owner, s, s, edit.text)]
    first = bisect_right(ends, s)
    if e <= bounds[first][1]:  # the usual case: inside one segment
        return [(first, s, e, edit.text)]
    spans = []
    for i in range(first, len(bounds)):
        a, b = bounds[i]
        if a >= e:
            break
        spans.append((i, max(s, a), min(e, b)))
    if len(edit.text) == e - s:  # one char for one: every segment keeps its own chars
        return [(i, p, q, edit.text[p - s : q - s]) for i, p, q in spans]
    return [(i, p, q, edit.text if n == 0 else "") for n, (i, p, q) in enumerate(spans)]


def _protected_spans(
    segments: list[str], bounds: list[tuple[int, int]], frozen: AbstractSet[int]
) -> list[tuple[int, int]]:
    """Joined-text spans no rule may touch: frozen segments, URLs and e-mail addresses."""
    spans = [bounds[i] for i in sorted(frozen) if 0 <= i < len(segments)]
    for i, seg in enumerate(segments):
        # Every URL holds "http" or "www.", every address "@": most text is not scanned.
        if i not in frozen and ("@" in seg or "www." in seg or "http" in seg):
            a = bounds[i][0]
            spans += [(a + m.start(), a + m.end()) for m in _PROTECTED.finditer(seg)]
    return spans


def smarten_segments(
    segments: list[str], frozen: AbstractSet[int] = frozenset(), *, language: str = "de"
) -> tuple[list[str], list[Guess]]:
    """Apply German typography to a run of text split into segments.

    The segments are consecutive pieces of ONE paragraph-like block (e.g. the text nodes of
    <p>He said "<em>hi</em>"</p> are ['He said "', 'hi', '"']). Quote direction is decided on
    the joined text so that a quote in one segment can pair with one in another; the output
    has the same number of segments, each transformed. Segments listed in `frozen` positions
    are not modified at all but still give context: they count as a word, so a quote before
    one opens and a quote after one closes. URLs and e-mail addresses are left alone too.
    ``language`` (a primary subtag) chooses the quotation marks: a language without marks
    in :data:`bookpress.quotes.MARKS` keeps its straight quotes.
    Returns the new segments and the guesses made, with offsets into the joined input."""
    segments, source_offset = _collapse_spaces(segments, frozen)
    bounds = _bounds(segments)
    protected = _protected_spans(segments, bounds, frozen)
    joined = "".join(segments)
    marks = quotes.MARKS.get(language)
    if marks is not None and (protected or quotes.quote_chars(marks).search(joined)):
        ctx = list(joined)
        for a, b in protected:
            ctx[a:b] = _PLACEHOLDER * (b - a)
        guesses = quotes.quote_pass(ctx, marks)
        quoted = list(joined)
        for g in guesses:
            quoted[g.offset] = g.replacement
        out = ["".join(quoted[a:b]) if i not in frozen else segments[i] for i, (a, b) in enumerate(bounds)]
        context = "".join(ctx)
    else:  # nothing to leave alone and no quote: the rules read the text as it is
        guesses, out, context = [], list(segments), joined
        if protected:
            context = _masked(joined, protected)
    edits = _collect_edits(context, protected)
    if edits:
        out = _apply(out, bounds, edits, frozen)
    guesses += [edit.guess for edit in edits if edit.guess]
    if source_offset is not None:
        guesses = [replace(g, offset=source_offset(g.offset)) for g in guesses]
    return out, sorted(guesses, key=lambda g: g.offset)


def _bounds(segments: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each segment in the joined text."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for seg in segments:
        bounds.append((pos, pos + len(seg)))
        pos += len(seg)
    return bounds


def _masked(joined: str, protected: list[tuple[int, int]]) -> str:
    """``joined`` with the protected spans replaced by placeholders of the same length."""
    ctx = list(joined)
    for a, b in protected:
        ctx[a:b] = _PLACEHOLDER * (b - a)
    return "".join(ctx)


# Spaces, the strongest first: of a run of them the strongest is kept (a space that must
# not break wins); any other (thin, en, em space …) ranks below them all.
_SPACE_RANK = "\u00a0\u202f\u2007 "
_SPACE_RUN = re.compile("[ \u00a0\u202f\u2000-\u200a\u205f\u3000]{2,}")


def _collapse_spaces(
    segments: list[str], frozen: AbstractSet[int]
) -> tuple[list[str], Callable[[int], int] | None]:
    """Each run of two or more spaces outside frozen segments made one space: the strongest.

    Done before the other rules, which expect one space between words. Returns the
    segments and, if any run was collapsed, a map from offsets in the new joined text to
    offsets in the old one (so that guesses point into the text as written).
    """
    joined = "".join(segments)
    if _SPACE_RUN.search(joined) is None:  # most runs of text
        return segments, None
    bounds = _bounds(segments)
    touches = _Spans([bounds[i] for i in frozen if 0 <= i < len(segments)])
    edits = []
    for run in _SPACE_RUN.finditer(joined):
        if not touches(run.start(), run.end()):
            kept = min(run[0], key=lambda c: _SPACE_RANK.find(c) % (len(_SPACE_RANK) + 1))
            edits.append(_Edit(run.start(), run.end(), kept, None))
    if not edits:
        return segments, None
    # A guess at new offset n lies after the runs whose kept space ends at or before n.
    points, removed, total = [], [], 0
    for edit in edits:
        points.append(edit.start + 1 - total)
        total += edit.end - edit.start - 1
        removed.append(total)

    def source_offset(offset: int) -> int:
        index = bisect_right(points, offset) - 1
        return offset + (removed[index] if index >= 0 else 0)

    return _apply(segments, bounds, edits, frozen), source_offset


def smarten(text: str) -> str:
    """Apply German typography to a single piece of text: smarten_segments([text])[0][0]."""
    return smarten_segments([text])[0][0]
