"""Hyphenation: the project's exception list, and a safer German Pyphen dictionary.

The project list (``manuscript/hyphenation.txt``) names words that break only at
given points ("Fort-schritt") or never ("VUCA"). :class:`Exceptions` finds those
words in text so that markup can mark them up once for every format: soft
hyphens (U+00AD) at the allowed points, or a no-hyphenation span.

Pyphen's German dictionary mixes LibreOffice's two pattern levels and so
proposes breaks such as "Kla-r-heit" or "Fort-s-chritt" (Pyphen issue #24,
https://github.com/Kozea/Pyphen/issues/24). :func:`use_safer_german` wraps it so
that no break leaves a piece without a vowel; the list covers what remains.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Collector
from .gate import MAX_LIST_BYTES, Gate, Where, decode_utf8

if TYPE_CHECKING:
    from .cache import Cache

SOFT_HYPHEN = "\u00ad"
VOWELS = frozenset("aeiouyäöüéèêàâáíóúAEIOUYÄÖÜÉ")


@dataclass(frozen=True)
class Piece:
    """A run of text: plain (``kind`` "text"), a listed word with soft hyphens
    ("breaks") or a listed word that must not break ("never")."""

    text: str
    kind: str


class Exceptions:
    """The project hyphenation list, ready to find its words in running text."""

    def __init__(self, entries: Iterable[str]) -> None:
        # Keyed by lower case so "Fortschritt" also finds "fortschritt" at a sentence start.
        self._words: dict[str, tuple[int, ...]] = {}
        for entry in entries:
            word, points = parse_entry(entry)
            self._words[word.lower()] = points
        # The lookahead for a first letter comes first: it rules out most characters at
        # once, where the lookbehind and then every word would be tried at each of them.
        firsts = "".join(sorted({re.escape(word[0]) for word in self._words}))
        self._pattern = (
            re.compile(
                rf"(?=[{firsts}])(?<!\w)("
                + "|".join(re.escape(word) for word in sorted(self._words, key=len, reverse=True))
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if self._words
            else None
        )

    def __bool__(self) -> bool:
        return bool(self._words)

    def _points(self, word: str) -> tuple[int, ...] | None:
        """The break points of the listed word that ``word`` matched; None if none fits it.

        The pattern ignores case as ``re`` does, which is not always as
        ``str.lower`` does: "ı" and "ſ" match "I" and "S" and keep their case
        when lowered. Such a match is looked up among the words of its length.
        """
        points = self._words.get(word.lower())
        if points is not None:
            return points
        for listed, points in self._words.items():
            if len(listed) == len(word) and re.fullmatch(re.escape(listed), word, re.IGNORECASE):
                return points
        return None

    def split(self, text: str) -> Iterator[Piece]:
        """``text`` cut into plain runs and listed words, the latter already hyphenated."""
        if self._pattern is None:
            yield Piece(text, "text")
            return
        end = 0
        for match in self._pattern.finditer(text):
            if match.start() > end:
                yield Piece(text[end : match.start()], "text")
            word = match.group(0)
            points = self._points(word)
            if points is None:
                yield Piece(word, "text")
            else:
                yield Piece(insert_soft_hyphens(word, points), "breaks" if points else "never")
            end = match.end()
        if end < len(text):
            yield Piece(text[end:], "text")


def read_list(path: Path, *, gate: Gate) -> tuple[str, ...]:
    """Read a hyphenation list; every malformed line is reported with its line number.

    The file is read through ``gate`` (inside the project, a regular file, at most
    :data:`~bookpress.gate.MAX_LIST_BYTES`): a list that is a link to elsewhere is refused
    before a line is shown.
    """
    problems = Collector()
    entries = []
    data = gate.read_found(path, named_by=Where(path), limit=MAX_LIST_BYTES, what="hyphenation list")
    for number, line in enumerate(decode_utf8(data, file=path).splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            parse_entry(entry)
        except ValueError as error:
            problems.add(
                f"{error}; write e.g. 'Fort-schritt', or a word alone to forbid breaks",
                file=path,
                line=number,
            )
            continue
        entries.append(entry)
    problems.raise_if_any()
    return tuple(entries)


def parse_entry(entry: str) -> tuple[str, tuple[int, ...]]:
    """ "Fort-schritt" -> ("Fortschritt", (4,)); a word without '-' has no points."""
    parts = entry.strip().split("-")
    if not entry.strip() or any(not part for part in parts) or any(c.isspace() for c in entry.strip()):
        raise ValueError(f"'{entry}' is not a word with '-' between its parts")
    points, offset = [], 0
    for part in parts[:-1]:
        offset += len(part)
        points.append(offset)
    return "".join(parts), tuple(points)


def insert_soft_hyphens(word: str, points: tuple[int, ...]) -> str:
    """ "Fortschritt", (4,) -> "Fort\\u00adschritt" """
    pieces, start = [], 0
    for point in points:
        pieces.append(word[start:point])
        start = point
    pieces.append(word[start:])
    return SOFT_HYPHEN.join(pieces)


def vowel_safe(word: str, positions: list[int]) -> list[int]:
    """Drop break positions that would leave a piece of ``word`` without a vowel.

    Both breaks around such a piece go: "Kla|r|heit" keeps neither, since
    guessing which side the consonant belongs to is wrong as often as right.
    """
    cuts = [0, *positions, len(word)]
    bad: set[int] = set()
    for left, right in itertools.pairwise(cuts):
        if not VOWELS.intersection(word[left:right]):
            bad.update((left, right))
    return [position for position in positions if position not in bad]


def use_safer_german(language: str, *, cache: Cache | None = None) -> None:
    """Make the Pyphen dictionary WeasyPrint uses for a German ``language`` skip
    breaks that leave a piece without a vowel; other languages are left alone.
    With ``cache``, the parsed dictionary is kept there (see :func:`_read`)."""
    import pyphen  # only the PDF needs Pyphen; markup does not

    if not language.lower().replace("-", "_").startswith("de"):
        return
    # language_fallback("de") would pick de_AT; a plain "de" book is set in German German.
    pyphen.LANGUAGES["de"] = pyphen.LANGUAGES["de_DE"]
    path = pyphen.LANGUAGES[pyphen.language_fallback(language.replace("-", "_"))]
    if path not in _SAFE:
        pyphen.hdcache[path] = _read(_vowel_safe_dict(pyphen.HyphDict), path, cache)
        _SAFE.add(path)


_SAFE: set = set()  # dictionary paths already wrapped in this process


def load_dictionary(language: str, *, cache: Cache | None = None) -> None:
    """Load the Pyphen dictionary WeasyPrint will hyphenate ``language`` with, now.

    Reading a dictionary takes a second or two (German: 2 s); a worker process
    does it while the build's checks run, not when its first layout asks.
    """
    import pyphen

    use_safer_german(language, cache=cache)
    found = pyphen.language_fallback(language.replace("-", "_"))
    if found is not None:
        path = pyphen.LANGUAGES[found]
        if path not in pyphen.hdcache:
            pyphen.hdcache[path] = _read(pyphen.HyphDict, path, cache)
        pyphen.Pyphen(lang=found)  # WeasyPrint's hyphenators share pyphen.hdcache


def _read(kind: type, path: Any, cache: Cache | None) -> Any:
    """A Pyphen dictionary of class ``kind`` from the ``.dic`` file at ``path``.

    Parsing the German patterns takes two seconds; their parsed form (Pyphen's
    ``patterns`` and ``maxlen``, under Pyphen's version and the file's digest)
    loads from the build cache in a few hundredths. A cache entry that does not
    give a dictionary of that form is not used.
    """
    import pyphen

    key = ""
    if cache is not None and cache.enabled:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = cache.key("pyphen dictionary", pyphen.__version__, str(path), digest)
        entry = cache.get(key)
        known = _unpickled(entry) if entry is not None else None
        if known is not None:
            loaded = kind.__new__(kind)
            loaded.patterns, loaded.maxlen, loaded.cache = *known, {}
            return loaded
    read = kind(path)
    if key and cache is not None:
        with contextlib.suppress(Exception):  # a pattern that does not pickle: the file is read next time
            cache.put(key, pickle.dumps((read.patterns, read.maxlen), pickle.HIGHEST_PROTOCOL))
    return read


def _unpickled(entry: bytes) -> tuple[dict, int] | None:
    """(patterns, maxlen) from a cache entry; None for anything else."""
    try:
        patterns, maxlen = pickle.loads(entry)
    except Exception:  # an entry that does not unpickle is a miss
        return None
    return (patterns, maxlen) if isinstance(patterns, dict) and isinstance(maxlen, int) else None


def _vowel_safe_dict(base: type) -> type:
    class VowelSafeDict(base):  # type: ignore[misc, valid-type]
        """A Pyphen dictionary whose breaks never leave a piece without a vowel."""

        def positions(self, word: str) -> list:
            found = super().positions(word)
            keep = set(vowel_safe(word, [int(p) for p in found]))
            return [p for p in found if int(p) in keep]

    return VowelSafeDict
