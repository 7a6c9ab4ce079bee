"""What a value from the author may be: supported languages, lengths, ranges, characters.

Every limit is a named constant here, so that ``book.toml``, front matter and
the README's "Security" section agree. The limits are generous for a real book
and small enough that every later stage (typography, cover layout, PDF
metadata) runs in bounded time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from .errors import BookError

# Languages the typography supports: primary subtag -> region subtags it accepts.
# Adding a language means adding its rules (typography, labels, hyphenation) and a row here.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "de": ("DE", "AT", "CH", "LI", "LU"),
}

# Lengths in characters (after surrounding blanks are stripped).
MAX_TITLE_CHARS = 200  # series, volume and chapter titles: a cover fits about this much
MAX_SUBTITLE_CHARS = 300
MAX_NAME_CHARS = 200  # author names and sort names, publisher, city
MAX_RIGHTS_CHARS = 1_000
MAX_SUMMARY_CHARS = 1_000  # a chapter's summary for the contents
MAX_DESCRIPTION_CHARS = 4_000  # what retailers accept for a book description
MAX_SUBJECT_CHARS = 100
MAX_PATH_CHARS = 255  # a file or folder name as written in book.toml
MAX_ISBN_CHARS = 32  # 13 digits with room for hyphens and spaces
MAX_ADDRESS_CHARS = 300  # a publisher's postal address on one line
MAX_IMPRINT_LINE_CHARS = 500  # the printer line and the paper note of the imprint
MAX_TAG_CHARS = 35  # a language tag (BCP 47 recommends supporting at least 35)

# Lengths of lists.
MAX_AUTHORS = 20
MAX_SUBJECTS = 50
MAX_VOLUMES = 999
MAX_CHAPTERS = 999  # listed chapters of one volume
MAX_IGNORED_CODES = 100

# Ranges.
MAX_EDITION = 999  # "999. Auflage"
VOLUME_NUMBERS = range(1, 1000)  # "Band CMXCIX" at most; roman numerals stay short
# A ZIP entry's time holds the years 1980 to 2107; the volume date becomes that time
# (earlier dates are clamped to 1980 in the EPUB container, later ones cannot be written).
FIRST_DATE = dt.date(1900, 1, 1)  # earlier publication dates are typing slips
LAST_DATE = dt.date(2107, 12, 31)
# SOURCE_DATE_EPOCH: seconds since 1970, up to the last second the ZIP format can hold.
LAST_EPOCH = int(dt.datetime(2107, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp())
# Print geometry in millimetres: what a print-on-demand printer can plausibly take.
TRIM_MM = (50.0, 1000.0)  # custom width and height
BLEED_MM = (0.0, 20.0)
MARGIN_MM = (0.0, 100.0)
MIN_TEXT_BLOCK_MM = 20.0  # what the margins must leave of the page, across and down


def language_tag(text: str) -> str | None:
    """The canonical form of a supported language tag ("DE-at" -> "de-AT"); None if unsupported."""
    if len(text) > MAX_TAG_CHARS:
        return None
    match = re.fullmatch(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?", text.strip())
    if not match:
        return None
    primary, region = match[1].lower(), (match[2] or "").upper()
    if primary not in LANGUAGES or (region and region not in LANGUAGES[primary]):
        return None
    return f"{primary}-{region}" if region else primary


def supported_languages() -> str:
    """The supported tags for messages: "de, de-DE, de-AT, …"."""
    return ", ".join(f"{p}, " + ", ".join(f"{p}-{r}" for r in regions) for p, regions in LANGUAGES.items())


# Characters refused anywhere: C0 and C1 controls (Unicode category Cc; tab and line feed
# only where lines are allowed), surrogates (Cs), noncharacters, and the Unicode line
# and paragraph separators.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_ALWAYS_REFUSED = r"\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + _NONCHARACTERS
_REFUSED = {
    False: re.compile(r"[\x00-\x0a" + _ALWAYS_REFUSED + "]"),
    True: re.compile(r"[\x00-\x08" + _ALWAYS_REFUSED + "]"),
}


def text_problem(value: str, *, limit: int, multiline: bool = False) -> str | None:
    """What is wrong with a text value, or None: a refused character, or too long."""
    refused = _REFUSED[multiline].search(value)
    if refused is not None:
        return (
            f"contains a control character (U+{ord(refused.group()):04X} at character "
            f"{refused.start() + 1}; pasted from another program?)"
        )
    length = len(value.strip())
    if length > limit:
        return f"is {length} characters long; at most {limit} are allowed"
    return None


def number_problem(value: float, bounds: tuple[float, float], unit: str = "") -> str | None:
    """What is wrong with a number that must be finite and within ``bounds``, or None."""
    low, high = bounds
    suffix = f" ({unit})" if unit else ""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number between {low:g} and {high:g}{suffix}, not {value}"
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g}{suffix}"
    return None


def source_date_epoch(environ: Mapping[str, str]) -> int | None:
    """The seconds of ``SOURCE_DATE_EPOCH`` in ``environ``, or None when it is unset or blank.

    Only ASCII digits count (str.isdigit would take other scripts' digits), and no
    later than the last second a ZIP entry can record (end of 2107). The error never
    repeats the value: it may be anything.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not (len(epoch) <= len(str(LAST_EPOCH)) and epoch.isascii() and epoch.isdigit()):
        raise BookError("SOURCE_DATE_EPOCH must be whole seconds since 1970, written in digits 0-9")
    if int(epoch) > LAST_EPOCH:
        raise BookError(
            f"SOURCE_DATE_EPOCH must be at most {LAST_EPOCH} (2107-12-31, the last date a ZIP "
            "file can record)"
        )
    return int(epoch)
