"""``book.toml`` -> validated settings.

Strict at the boundary: unknown keys ("expected one of …"), wrong types,
missing required values and malformed ISBNs are all collected and reported
together, each with the file, the line where we can find it, and the key.
The settings returned here still name files; reading them is the loader's job.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import values as V
from .errors import BookError, Collector
from .gate import MAX_TOML_BYTES, Gate, Where
from .imprint import CREDIT_KEYS, merged_credits, printer_line
from .model import Author, CoverSettings, Credits, Imprint, PrintSettings, Series
from .printconfig import print_settings
from .printers import PRINTERS
from .tomlcheck import Locator, Reporter, Spec, check_table

SERIES = {
    "title": Spec("str", True, chars=V.MAX_TITLE_CHARS),
    "subtitle": Spec("str", chars=V.MAX_SUBTITLE_CHARS),
    "language": Spec("str", True, chars=V.MAX_TAG_CHARS),
    "publisher": Spec("str", True, chars=V.MAX_NAME_CHARS),
    "publisher_city": Spec("str", chars=V.MAX_NAME_CHARS),
    "publisher_address": Spec("str", chars=V.MAX_ADDRESS_CHARS),
    "copyright_holder": Spec("str", chars=V.MAX_NAME_CHARS),
    "rights": Spec("str", True, chars=V.MAX_RIGHTS_CHARS),
    "description": Spec("str", chars=V.MAX_DESCRIPTION_CHARS, multiline=True),
    "subjects": Spec("strs", chars=V.MAX_SUBJECT_CHARS, items=V.MAX_SUBJECTS),
    "author_page": Spec("str", True, chars=V.MAX_PATH_CHARS),
    "authors": Spec(
        "tables",
        True,
        {
            "name": Spec("str", True, chars=V.MAX_NAME_CHARS),
            "sort": Spec("str", True, chars=V.MAX_NAME_CHARS),
        },
        items=V.MAX_AUTHORS,
    ),
}
# Who did what, named in the imprint: [credits] for the series, [volumes.credits] per volume.
CREDITS = {name: Spec("str", chars=V.MAX_NAME_CHARS) for name in CREDIT_KEYS}
VOLUME = {
    "number": Spec("int", True),
    "title": Spec("str", True, chars=V.MAX_TITLE_CHARS),
    "subtitle": Spec("str", chars=V.MAX_SUBTITLE_CHARS),
    "dir": Spec("str", True, chars=V.MAX_PATH_CHARS),
    "chapters": Spec("strs", chars=V.MAX_PATH_CHARS, items=V.MAX_CHAPTERS),
    "date": Spec("date", True),
    "cover": Spec("str", chars=V.MAX_PATH_CHARS),
    "edition": Spec("int"),
    "edition_year": Spec("int"),
    "credits": Spec("table", False, CREDITS),
    "blurb": Spec("str", chars=V.MAX_DESCRIPTION_CHARS, multiline=True),
    "price": Spec("str", chars=V.MAX_NAME_CHARS),
    "isbn": Spec(
        "table",
        True,
        {
            "ebook": Spec("str", True, chars=V.MAX_ISBN_CHARS),
            "print": Spec("str", True, chars=V.MAX_ISBN_CHARS),
        },
    ),
}
PRINT = {
    "printer": Spec("str", chars=20),
    "paper": Spec("str", chars=40),
    "trim": Spec("str", chars=20),
    "width_mm": Spec("float"),
    "height_mm": Spec("float"),
    "bleed_mm": Spec("float"),
    "crop_marks": Spec("bool"),
    "inner_margin_mm": Spec("float"),
    "outer_margin_mm": Spec("float"),
    "top_margin_mm": Spec("float"),
    "bottom_margin_mm": Spec("float"),
    "printer_line": Spec("str", chars=V.MAX_IMPRINT_LINE_CHARS),
    "paper_note": Spec("str", chars=V.MAX_IMPRINT_LINE_CHARS),
    "links": Spec("str", chars=20),
}
CHECK = {"ignore": Spec("strs", chars=20, items=V.MAX_IGNORED_CODES)}
TOP = {
    "series": Spec("table", True, SERIES),
    "volumes": Spec("tables", True, VOLUME, items=V.MAX_VOLUMES),
    "print": Spec("table", False, PRINT),
    "check": Spec("table", False, CHECK),
    "credits": Spec("table", False, CREDITS),
    "cover": Spec(
        "table",
        False,
        {
            "spine_text": Spec("str", chars=20),
            "author_note": Spec("str", chars=V.MAX_RIGHTS_CHARS, multiline=True),
        },
    ),
}


@dataclass(frozen=True)
class VolumeConfig:
    """A volume as configured; its chapters are still file names."""

    number: int
    title: str
    subtitle: str
    dir: str
    chapters: tuple[str, ...] | None  # None: order by numeric file-name prefix
    date: dt.date
    cover: str | None
    isbn_ebook: str
    isbn_print: str
    index: int  # 0-based position in [[volumes]], for messages
    edition: int = 1
    edition_year: int = 0  # 0: the year of ``date``
    credits: Credits = field(default_factory=Credits)
    blurb: str = ""
    price: str = ""

    @property
    def key(self) -> str:
        return f"volumes[{self.index + 1}]"


@dataclass(frozen=True)
class Config:
    """The validated content of ``book.toml``."""

    path: Path
    series: Series
    author_page: str
    volumes: tuple[VolumeConfig, ...]
    print: PrintSettings
    ignore: tuple[str, ...]
    imprint: Imprint  # the [print] lines of the imprint; its template is read by the loader
    cover: CoverSettings
    locator: Locator  # finds the line of a key, for messages about it


def load_config(path: Path) -> Config:
    """Read and validate ``book.toml``; raise :class:`BookErrors` listing every problem."""
    if not (path.exists() or path.is_symlink()):
        raise BookError("book.toml not found; is this a bookpress project?", file=path)
    # Through the gate: inside the project, a regular file (a FIFO would hang), size-limited.
    data = Gate(path.parent.parent).read_found(
        path, named_by=Where(path), limit=MAX_TOML_BYTES, what="book.toml"
    )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BookError(f"not valid UTF-8 (byte {exc.start})", file=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise BookError(
            f"not valid TOML: {exc.msg if hasattr(exc, 'msg') else exc}", file=path, line=line
        ) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise BookError("not a usable book.toml: arrays or tables nested too deeply", file=path) from None
    except ValueError:  # tomllib refuses integers of more than 4300 digits this way
        raise BookError("not a usable book.toml: a number has far too many digits", file=path) from None
    problems = Collector()
    locator = Locator(text)
    check_table(data, TOP, (), path, locator, problems)
    problems.raise_if_any()
    config = _build(path, data, locator, problems)
    problems.raise_if_any()
    return config


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def normalise_isbn(text: str) -> str | None:
    """13 digits if ``text`` is a valid ISBN-13 (hyphens and spaces allowed), else None.

    Only ASCII digits count: ``\\d`` would also take Arabic-Indic and other digits.
    """
    if len(text) > V.MAX_ISBN_CHARS:
        return None
    digits = re.sub(r"[ -]", "", text.strip())
    if not re.fullmatch(r"97[89][0-9]{10}", digits):
        return None
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return digits if (10 - total % 10) % 10 == int(digits[12]) else None


def _build(path: Path, data: dict[str, Any], locator: Locator, problems: Collector) -> Config:
    raw = data["series"]
    report = Reporter(path, locator, problems)
    language = V.language_tag(raw["language"])
    if language is None:
        report(
            ("series", "language"),
            f"is not a language the typography supports; use one of: {V.supported_languages()}",
        )
    series = Series(
        title=raw["title"].strip(),
        subtitle=raw.get("subtitle", "").strip(),
        language=language or "de",
        publisher=raw["publisher"].strip(),
        publisher_city=raw.get("publisher_city", "").strip(),
        rights=raw["rights"].strip(),
        description=" ".join(raw.get("description", "").split()),
        subjects=tuple(raw.get("subjects", [])),
        authors=tuple(Author(a["name"].strip(), a["sort"].strip()) for a in raw["authors"]),
        publisher_address=raw.get("publisher_address", "").strip(),
        copyright_holder=raw.get("copyright_holder", "").strip(),
    )
    credits = merged_credits(Credits(), data.get("credits", {}))
    volumes = tuple(_volume(index, item, report, credits) for index, item in enumerate(data["volumes"]))
    seen: dict[int, str] = {}
    for volume in volumes:
        where = ("volumes", volume.index, "number")
        if volume.number not in V.VOLUME_NUMBERS:
            first, last = V.VOLUME_NUMBERS[0], V.VOLUME_NUMBERS[-1]
            report(where, f"must be between {first} and {last}")
        elif volume.number in seen:
            report(where, f"volume number {volume.number} is also used by {seen[volume.number]}")
        seen.setdefault(volume.number, volume.key)
    settings = _with_links(print_settings(data.get("print", {}), report), data.get("print", {}), report)
    return Config(
        path=path,
        series=series,
        author_page=raw["author_page"],
        volumes=volumes,
        print=settings,
        ignore=tuple(data.get("check", {}).get("ignore", [])),
        imprint=_imprint(data.get("print", {}), settings.printer),
        cover=_cover(data.get("cover", {}), report),
        locator=locator,
    )


# How the print PDF shows a web link's address (see bookpress.renderers.pdf_links).
LINK_MODES = ("footnote", "inline")


def _with_links(settings: PrintSettings, raw: dict[str, Any], report: Reporter) -> PrintSettings:
    """``settings`` with [print] links, one of :data:`LINK_MODES`."""
    mode = raw.get("links", settings.links).strip().lower()
    if mode not in LINK_MODES:
        report(("print", "links"), f"must be one of: {', '.join(LINK_MODES)}")
        return settings
    return replace(settings, links=mode)


def _paragraphs(text: str) -> str:
    """Paragraphs separated by one empty line, each on one line."""
    return "\n\n".join(" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip())


SPINE_TEXT = ("bottom-to-top", "top-to-bottom")  # how the spine reads (German, English custom)


def _cover(raw: dict[str, Any], report: Reporter) -> CoverSettings:
    """[cover]: which way the spine reads, the back cover's author note."""
    direction = raw.get("spine_text", SPINE_TEXT[0]).strip().lower()
    if direction not in SPINE_TEXT:
        report(("cover", "spine_text"), f"must be one of: {', '.join(SPINE_TEXT)}")
        direction = SPINE_TEXT[0]
    return CoverSettings(spine_text=direction, author_note=" ".join(raw.get("author_note", "").split()))


def _imprint(raw: dict[str, Any], printer_key: str) -> Imprint:
    """The lines of [print] that only the printed book's imprint carries; the printer line
    defaults to the one of the printer's profile."""
    profile = PRINTERS.get(printer_key)  # an unknown printer was reported by print_settings
    return Imprint(
        printer_line=printer_line(
            raw.get("printer_line", "").strip(), profile.printer_line if profile else ""
        ),
        paper_note=raw.get("paper_note", "").strip(),
    )


def _edition(index: int, raw: dict[str, Any], report: Reporter) -> tuple[int, int]:
    """(edition, its year; 0 for the year of the volume's date), each within its range."""
    edition, year = raw.get("edition", 1), raw.get("edition_year", 0)
    if not 1 <= edition <= V.MAX_EDITION:
        report(("volumes", index, "edition"), f"must be between 1 and {V.MAX_EDITION}")
        edition = 1
    first = raw["date"].year
    if "edition_year" in raw and not first <= year <= V.LAST_DATE.year:
        report(
            ("volumes", index, "edition_year"),
            f"must lie between the year of date ({first}) and {V.LAST_DATE.year}",
        )
        year = 0
    return edition, year


def _volume(index: int, raw: dict[str, Any], report: Reporter, credits: Credits) -> VolumeConfig:
    isbns = {}
    for edition in ("ebook", "print"):
        value = normalise_isbn(raw["isbn"][edition])
        written = raw["isbn"][edition]
        # A value refused for its length or characters was reported already; not echoed here.
        if value is None and V.text_problem(written, limit=V.MAX_ISBN_CHARS) is None:
            report(
                ("volumes", index, "isbn", edition),
                f"'{written.strip()}' is not a valid ISBN-13 (check digit or length)",
            )
        isbns[edition] = raw["isbn"][edition].strip() if value else ""
    date = raw["date"]
    if not V.FIRST_DATE <= date <= V.LAST_DATE:
        report(
            ("volumes", index, "date"),
            f"must lie between {V.FIRST_DATE.isoformat()} and {V.LAST_DATE.isoformat()} "
            "(the EPUB container cannot record later dates)",
        )
    chapters = raw.get("chapters")
    edition, edition_year = _edition(index, raw, report)
    return VolumeConfig(
        number=raw["number"],
        title=raw["title"].strip(),
        subtitle=raw.get("subtitle", "").strip(),
        dir=raw["dir"],
        chapters=tuple(chapters) if chapters is not None else None,
        date=date,
        cover=raw.get("cover"),
        isbn_ebook=isbns["ebook"],
        isbn_print=isbns["print"],
        index=index,
        edition=edition,
        edition_year=edition_year,
        credits=merged_credits(credits, raw.get("credits", {})),
        blurb=_paragraphs(raw.get("blurb", "")),
        price=raw.get("price", "").strip(),
    )
