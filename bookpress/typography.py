"""German typography (Duden conventions) for manuscript text, shared by every output format.

Converts straight quotes and apostrophes, hyphen dashes and ellipses, and puts no-break
spaces into abbreviations, titles, units and digit groups. Works on a run of segments
(the text nodes of one block) so that quotes pair across inline markup.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

NBSP = "\u00a0"
NNBSP = "\u202f"
EN_DASH = "\u2013"
ELLIPSIS = "\u2026"
DQ_OPEN, DQ_CLOSE = "\u201e", "\u201c"
SQ_OPEN, SQ_CLOSE = "\u201a", "\u2018"
APOSTROPHE = "\u2019"

# After these a quote opens; anything else non-blank (letters, digits, . , ! ?, closing
# brackets and quotes) means it closes.
_OPENERS = frozenset("([{<-\u2013\u2014/" + DQ_OPEN + SQ_OPEN + "\u00bb")
# A quote in opening position followed by one of these (or by a blank) closes an open quote.
_CLOSE_FOLLOW = frozenset(".,;:!?)]}")
# Frozen text and URLs stand in as letters: word-like for quote context, inert for rules.
_PLACEHOLDER = "x"

_ELISION = re.compile(r"\d|[sS]\b|[nN](?:e[mnr]?)?\b")
# Quotes and apostrophes, straight or not, end a URL token, so quotes around it still pair.
_NOT_TOKEN = "\\s\"'<>()\u201e\u201c\u201a\u2018\u2019\u00bb\u00ab"
# Linear time on any text: an e-mail address starts where a token or an earlier address part
# starts, and its local part is possessive, so no start rescans the token after it (the
# plain pattern took 93 s on 100 KB without spaces). A URL is rescanned only over its
# trailing punctuation, once.
_PROTECTED = re.compile(
    rf"(?:https?://|www\.)[^{_NOT_TOKEN}]+(?<![.,;:!?])"
    rf"|(?<![^{_NOT_TOKEN}@])[^{_NOT_TOKEN}@]++@[^{_NOT_TOKEN}@]+\.\w+"
)


@dataclass(frozen=True)
class Guess:
    """A place where the pass had to guess (for a linter): index into the joined text,
    the original char(s), and what it chose."""

    offset: int  # offset in the concatenation of the input segments
    original: str  # e.g. '"' or "'" or "--"
    replacement: str  # e.g. '„'
    kind: str  # "quote" | "apostrophe" | "dash"


class _Edit(NamedTuple):
    """A replacement of joined[start:end] by text, with the guess it stands for (if any)."""

    start: int
    end: int
    text: str
    guess: Guess | None


# ---------------------------------------------------------------------------- quotes


def _opens(prev: str, nxt: str, open_count: int) -> bool:
    """Whether a quote between prev and nxt opens, given how many of its kind are open."""
    if prev and not prev.isspace() and prev not in _OPENERS:
        return False
    # Nothing word-like follows, so an open quote is ending here, e.g. „Aber –"
    return not (open_count and (not nxt or nxt.isspace() or nxt in _CLOSE_FOLLOW))


def _single(ctx: list[str], i: int, open_count: int) -> tuple[str, int]:
    """The character for the straight single quote at ctx[i] and the new open count."""
    prev = ctx[i - 1] if i else ""
    nxt = ctx[i + 1] if i + 1 < len(ctx) else ""
    if prev.isalnum() and nxt.isalpha():
        return APOSTROPHE, open_count  # geht's, Ku'damm
    if _opens(prev, nxt, open_count):
        if _ELISION.match("".join(ctx[i + 1 : i + 5])):
            return APOSTROPHE, open_count  # '90er, 's ist, 'n Auto
        return SQ_OPEN, open_count + 1
    if open_count:
        return SQ_CLOSE, open_count - 1
    return APOSTROPHE, open_count  # Hans' Buch


_QUOTE_CHARS = re.compile(f"[\"'{DQ_OPEN}{DQ_CLOSE}{SQ_OPEN}{SQ_CLOSE}]")


def _quote_pass(ctx: list[str]) -> list[Guess]:
    """Replace straight quotes in ctx in place (one char for one) and report each one."""
    guesses: list[Guess] = []
    doubles = singles = 0
    # Only quote characters change a count, so only they are visited (a Python loop over
    # every character of a long text was most of this pass's time).
    for found in _QUOTE_CHARS.finditer("".join(ctx)):
        i, ch = found.start(), found[0]
        # Quotes that are already typographic still count as open or closed.
        doubles += (ch == DQ_OPEN) - (ch == DQ_CLOSE and doubles > 0)
        singles += (ch == SQ_OPEN) - (ch == SQ_CLOSE and singles > 0)
        if ch == '"':
            opening = _opens("".join(ctx[i - 1 : i]), "".join(ctx[i + 1 : i + 2]), doubles)
            new = DQ_OPEN if opening else DQ_CLOSE
            doubles = doubles + 1 if opening else max(doubles - 1, 0)
        elif ch == "'":
            new, singles = _single(ctx, i, singles)
        else:
            continue
        ctx[i] = new
        kind = "apostrophe" if new == APOSTROPHE else "quote"
        guesses.append(Guess(i, ch, new, kind))
    return guesses


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
_UNITS = sorted(
    ["€", r"\$", "£", "°C", "°", "EUR", "Euro", "CHF", "USD", "Prozent", r"Mio\.?", r"Mrd\.?",
     r"Tsd\.?", r"Std\.?", "km", "cm", "mm", "m", "kg", "g", "t", "ml", "l", "h", "min", "s",
     "kWh", "kW", "W", "kB", "MB", "GB", "Hz"],
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
    _Rule(
        re.compile(rf" (?<=\d )(?=(?:{'|'.join(_UNITS)})(?!\w))"),
        _const(NBSP),
    ),
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
    for pattern, replace, needs in _RULES:
        if needs is not None and not needs(text):
            continue
        for m in pattern.finditer(text):
            start, end, new = _trimmed(m, replace(m))
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
    segments: list[str], frozen: AbstractSet[int] = frozenset()
) -> tuple[list[str], list[Guess]]:
    """Apply German typography to a run of text split into segments.

    The segments are consecutive pieces of ONE paragraph-like block (e.g. the text nodes of
    <p>He said "<em>hi</em>"</p> are ['He said "', 'hi', '"']). Quote direction is decided on
    the joined text so that a quote in one segment can pair with one in another; the output
    has the same number of segments, each transformed. Segments listed in `frozen` positions
    are not modified at all but still give context: they count as a word, so a quote before
    one opens and a quote after one closes. URLs and e-mail addresses are left alone too.
    Returns the new segments and the guesses made, with offsets into the joined input."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for seg in segments:
        bounds.append((pos, pos + len(seg)))
        pos += len(seg)
    protected = _protected_spans(segments, bounds, frozen)
    joined = "".join(segments)
    if protected or _QUOTE_CHARS.search(joined):
        ctx = list(joined)
        for a, b in protected:
            ctx[a:b] = _PLACEHOLDER * (b - a)
        guesses = _quote_pass(ctx)
        quoted = list(joined)
        for g in guesses:
            quoted[g.offset] = g.replacement
        out = ["".join(quoted[a:b]) if i not in frozen else segments[i] for i, (a, b) in enumerate(bounds)]
        context = "".join(ctx)
    else:  # nothing to leave alone and no quote: the rules read the text as it is
        guesses, out, context = [], list(segments), joined
    edits = _collect_edits(context, protected)
    if edits:
        out = _apply(out, bounds, edits, frozen)
    guesses += [edit.guess for edit in edits if edit.guess]
    return out, sorted(guesses, key=lambda g: g.offset)


def smarten(text: str) -> str:
    """Apply German typography to a single piece of text: smarten_segments([text])[0][0]."""
    return smarten_segments([text])[0][0]
