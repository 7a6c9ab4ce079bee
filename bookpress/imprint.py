"""The imprint (Impressum): its wording from a template, its values from book.toml.

The renderers hold no wording of their own. The template is plain text, read
from the project's ``manuscript/imprint.txt`` or else from
``bookpress/defaults/imprint.txt``:

- lines in a row form a paragraph; an empty line starts the next one;
- ``{name}`` is replaced by a value (see :data:`PLACEHOLDERS`), ``{{`` and
  ``}}`` stand for braces;
- a line with a placeholder that has no value for the edition at hand is left
  out (no proofreader named, the printer line in the ebook);
- a line that is ``#`` alone or starts with ``# `` is a comment.

The template is text, not markup: renderers escape every line, template text
and values alike. An unknown placeholder or a stray brace is reported with the
template's file and line when the project is loaded.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from dataclasses import dataclass
from pathlib import Path

from .errors import BookErrors, Collector
from .gate import MAX_LIST_BYTES, Gate, Where, decode_utf8
from .model import Book, Credits, Imprint, Volume, volume_label
from .typography import smarten
from .values import text_problem

DEFAULT_TEMPLATE = Path(__file__).parent / "defaults" / "imprint.txt"
PROJECT_TEMPLATE = "imprint.txt"  # inside manuscript/

MAX_LINE_CHARS = 1_000  # one line of a template: a long paragraph is several lines
# The editions whose imprint names the printer and the paper: the printed book only.
PRINTED = frozenset({"print"})

PLACEHOLDERS: dict[str, str] = {
    "series": "the series title",
    "series_subtitle": "the series subtitle",
    "volume": 'the volume label ("Band III")',
    "title": "the volume title",
    "subtitle": "the volume subtitle",
    "authors": "the authors' names",
    "date": 'the publication date ("14. September 2026")',
    "edition": "the edition number ([[volumes]] edition, 1 unless set)",
    "edition_year": "the year of this edition ([[volumes]] edition_year, else the year of date)",
    "copyright_year": "the year of first publication (the year of date)",
    "copyright_holder": "[series] copyright_holder, else the authors",
    "rights": "[series] rights",
    "publisher": "[series] publisher",
    "publisher_address": "[series] publisher_address",
    "publisher_city": "[series] publisher_city",
    "printer_line": "[print] printer_line (print edition only)",
    "paper_note": "[print] paper_note (print edition only)",
    "editing": "[credits] editing",
    "proofreading": "[credits] proofreading",
    "cover_design": "[credits] cover_design",
    "typesetting": "[credits] typesetting",
    "isbn_print": "the ISBN of the print edition",
    "isbn_ebook": "the ISBN of the ebook",
}


MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def german_date(date: dt.date) -> str:
    """ "14. September 2026" (with a no-break space after the day)"""
    return f"{date.day}.\u00a0{MONTHS[date.month - 1]} {date.year}"


@dataclass(frozen=True)
class Line:
    """One line of a template: literal text and placeholders, in order."""

    number: int  # line in the template file
    parts: tuple[tuple[str, str | None], ...]  # (literal text, placeholder name or None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.parts if name is not None)


Paragraph = tuple[Line, ...]


def read_template(gate: Gate, manuscript: Path) -> Imprint:
    """The project's template if it has one, else the default; checked, as an :class:`Imprint`
    without the [print] lines (the caller adds them)."""
    path = manuscript / PROJECT_TEMPLATE
    if path.is_symlink() or path.exists():
        data = gate.read_found(path, named_by=Where(path), limit=MAX_LIST_BYTES, what="imprint template")
        text = decode_utf8(data, file=path)
    else:
        path, text = DEFAULT_TEMPLATE, DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    parse(text, file=path)
    return Imprint(template=text, template_file=path)


def parse(text: str, *, file: Path) -> tuple[Paragraph, ...]:
    """The paragraphs of a template; raise BookErrors with the line of every problem."""
    problems = Collector()
    paragraphs: list[Paragraph] = []
    current: list[Line] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        if raw.strip() == "#" or raw.startswith("# "):
            continue
        problem = text_problem(raw, limit=MAX_LINE_CHARS)
        if problem:
            problems.add(problem, file=file, line=number)
            continue
        if not raw.strip():
            if current:
                paragraphs.append(tuple(current))
            current = []
            continue
        line = _line(raw.strip(), number, file, problems)
        if line is not None:
            current.append(line)
    if current:
        paragraphs.append(tuple(current))
    problems.raise_if_any()
    return tuple(paragraphs)


def _line(text: str, number: int, file: Path, problems: Collector) -> Line | None:
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as error:  # "Single '}' encountered", "expected '}' before end of string"
        problems.add(f"{error}; write {{{{ or }}}} for a brace", file=file, line=number)
        return None
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in pieces:
        if name is None:
            parts.append((literal, None))
            continue
        problem = _placeholder_problem(name, spec, conversion)
        if problem:
            problems.add(problem, file=file, line=number)
            return None
        parts.append((literal, name))
    return Line(number, tuple(parts))


def _placeholder_problem(name: str, spec: str | None, conversion: str | None) -> str | None:
    if not name.strip():
        return "empty placeholder {}; write {{}} for braces, or a name such as {publisher}"
    if name not in PLACEHOLDERS:
        close = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
        hint = f"did you mean {{{close[0]}}}? " if close else ""
        # The name is shown cut short: it is text from the author's file, but may be long.
        return f"unknown placeholder {{{name[:40]}}}; {hint}expected one of: {', '.join(PLACEHOLDERS)}"
    if spec or conversion:
        return f"placeholder {{{name}}} takes no format or conversion; write {{{name}}}"
    return None


def values(book: Book, volume: Volume, edition: str) -> dict[str, str]:
    """The value of every placeholder for ``volume`` in ``edition`` ("print", "screen", "ebook")."""
    series, credits = book.series, volume.credits
    authors = ", ".join(author.name for author in series.authors)
    printed = edition in PRINTED
    return {
        "series": series.title,
        "series_subtitle": series.subtitle,
        "volume": volume_label(volume),
        "title": volume.title,
        "subtitle": volume.subtitle,
        "authors": authors,
        "date": german_date(volume.date),
        "edition": str(volume.edition),
        "edition_year": str(volume.edition_year or volume.date.year),
        "copyright_year": str(volume.date.year),
        "copyright_holder": series.copyright_holder or authors,
        "rights": series.rights,
        "publisher": series.publisher,
        "publisher_address": series.publisher_address,
        "publisher_city": series.publisher_city,
        "printer_line": book.imprint.printer_line if printed else "",
        "paper_note": book.imprint.paper_note if printed else "",
        "editing": credits.editing,
        "proofreading": credits.proofreading,
        "cover_design": credits.cover_design,
        "typesetting": credits.typesetting,
        "isbn_print": volume.isbn.print,
        "isbn_ebook": volume.isbn.ebook,
    }


def paragraphs(book: Book, volume: Volume, edition: str) -> list[list[str]]:
    """The imprint of ``volume`` in ``edition`` as paragraphs of plain-text lines."""
    imprint = book.imprint
    text = imprint.template or DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    filled = values(book, volume, edition)
    out = []
    for paragraph in parse(text, file=imprint.template_file or DEFAULT_TEMPLATE):
        lines = [_fill(line, filled) for line in paragraph]
        kept = [line for line in lines if line is not None]
        if kept:
            out.append(kept)
    return out


# A postcode and its town stay on one line: "22848 Norderstedt", "1010 Wien".
_POSTCODE = re.compile(r"(?<![\w-])(\d{4,5}) (?=[A-ZÄÖÜ])")


def _fill(line: Line, filled: dict[str, str]) -> str | None:
    """The line with its placeholders replaced and German typography applied; None if one
    of its placeholders has no value."""
    if any(not filled[name] for name in line.names):
        return None
    text = "".join(literal + (filled[name] if name else "") for literal, name in line.parts).strip()
    return _POSTCODE.sub("\\1\u00a0", smarten(text))


def printer_line(configured: str, profile_default: str = "") -> str:
    """The imprint's printer line: [print] printer_line, else the default line of the
    printer profile ([print] printer), which its caller passes as ``profile_default``."""
    return configured or profile_default


CREDIT_KEYS = ("editing", "proofreading", "cover_design", "typesetting")


def merged_credits(series: Credits, volume: dict[str, str]) -> Credits:
    """The series' [credits] with a volume's own [volumes.credits] taking precedence."""
    return Credits(**{name: volume.get(name, getattr(series, name)).strip() for name in CREDIT_KEYS})


def template_names(imprint: Imprint) -> set[str]:
    """Every placeholder the imprint's template uses."""
    text = imprint.template or DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    try:
        found = parse(text, file=imprint.template_file or DEFAULT_TEMPLATE)
    except BookErrors:
        return set()
    return {name for paragraph in found for line in paragraph for name in line.names}
