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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BookError, Collector
from .gate import MAX_TOML_BYTES, Gate, Where
from .model import Author, PrintSettings, Series
from .tomlcheck import Locator, Spec, check_table

# Trim sizes (width x height, mm) used by German and international POD printers.
TRIM_PRESETS: dict[str, tuple[float, float]] = {
    "12x19": (120.0, 190.0),
    "12.5x20.5": (125.0, 205.0),
    "13.5x21.5": (135.0, 215.0),
    "a5": (148.0, 210.0),
    "15.5x22": (155.0, 220.0),
    "5.5x8.5in": (139.7, 215.9),
    "6x9in": (152.4, 228.6),
}


SERIES = {
    "title": Spec("str", True),
    "subtitle": Spec("str"),
    "language": Spec("str", True),
    "publisher": Spec("str", True),
    "publisher_city": Spec("str"),
    "rights": Spec("str", True),
    "description": Spec("str"),
    "subjects": Spec("strs"),
    "author_page": Spec("str", True),
    "authors": Spec("tables", True, {"name": Spec("str", True), "sort": Spec("str", True)}),
}
VOLUME = {
    "number": Spec("int", True),
    "title": Spec("str", True),
    "subtitle": Spec("str"),
    "dir": Spec("str", True),
    "chapters": Spec("strs"),
    "date": Spec("date", True),
    "cover": Spec("str"),
    "isbn": Spec("table", True, {"ebook": Spec("str", True), "print": Spec("str", True)}),
}
PRINT = {
    "trim": Spec("str"),
    "width_mm": Spec("float"),
    "height_mm": Spec("float"),
    "bleed_mm": Spec("float"),
    "crop_marks": Spec("bool"),
    "inner_margin_mm": Spec("float"),
    "outer_margin_mm": Spec("float"),
    "top_margin_mm": Spec("float"),
    "bottom_margin_mm": Spec("float"),
}
CHECK = {"ignore": Spec("strs")}
TOP = {
    "series": Spec("table", True, SERIES),
    "volumes": Spec("tables", True, VOLUME),
    "print": Spec("table", False, PRINT),
    "check": Spec("table", False, CHECK),
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
    """13 digits if ``text`` is a valid ISBN-13 (hyphens and spaces allowed), else None."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return None
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return digits if (10 - total % 10) % 10 == int(digits[12]) else None


def _build(path: Path, data: dict[str, Any], locator: Locator, problems: Collector) -> Config:
    raw = data["series"]
    series = Series(
        title=raw["title"].strip(),
        subtitle=raw.get("subtitle", "").strip(),
        language=raw["language"].strip(),
        publisher=raw["publisher"].strip(),
        publisher_city=raw.get("publisher_city", "").strip(),
        rights=raw["rights"].strip(),
        description=" ".join(raw.get("description", "").split()),
        subjects=tuple(raw.get("subjects", [])),
        authors=tuple(Author(a["name"].strip(), a["sort"].strip()) for a in raw["authors"]),
    )
    volumes = tuple(
        _volume(path, index, item, locator, problems) for index, item in enumerate(data["volumes"])
    )
    seen: dict[int, str] = {}
    for volume in volumes:
        if volume.number < 1:
            problems.add(
                "must be 1 or more",
                file=path,
                key=f"{volume.key}.number",
                line=locator.find(("volumes", volume.index, "number")),
            )
        elif volume.number in seen:
            problems.add(
                f"volume number {volume.number} is also used by {seen[volume.number]}",
                file=path,
                key=f"{volume.key}.number",
                line=locator.find(("volumes", volume.index, "number")),
            )
        seen.setdefault(volume.number, volume.key)
    return Config(
        path=path,
        series=series,
        author_page=raw["author_page"],
        volumes=volumes,
        print=_print_settings(path, data.get("print", {}), locator, problems),
        ignore=tuple(data.get("check", {}).get("ignore", [])),
        locator=locator,
    )


def _volume(
    path: Path, index: int, raw: dict[str, Any], locator: Locator, problems: Collector
) -> VolumeConfig:
    isbns = {}
    for edition in ("ebook", "print"):
        value = normalise_isbn(raw["isbn"][edition])
        if value is None:
            problems.add(
                f"'{raw['isbn'][edition]}' is not a valid ISBN-13 (check digit or length)",
                file=path,
                line=locator.find(("volumes", index, "isbn", edition)),
                key=f"volumes[{index + 1}].isbn.{edition}",
            )
        isbns[edition] = raw["isbn"][edition].strip() if value else ""
    chapters = raw.get("chapters")
    return VolumeConfig(
        number=raw["number"],
        title=raw["title"].strip(),
        subtitle=raw.get("subtitle", "").strip(),
        dir=raw["dir"],
        chapters=tuple(chapters) if chapters is not None else None,
        date=raw["date"],
        cover=raw.get("cover"),
        isbn_ebook=isbns["ebook"],
        isbn_print=isbns["print"],
        index=index,
    )


def _print_settings(path: Path, raw: dict[str, Any], locator: Locator, problems: Collector) -> PrintSettings:
    defaults = PrintSettings()
    trim = raw.get("trim", defaults.trim).lower().replace(" ", "").replace("×", "x")
    if trim == "custom":
        if "width_mm" not in raw or "height_mm" not in raw:
            problems.add(
                "a custom trim needs width_mm and height_mm",
                file=path,
                line=locator.find(("print", "trim")),
                key="print.trim",
            )
        width, height = raw.get("width_mm", defaults.width_mm), raw.get("height_mm", defaults.height_mm)
    elif trim in TRIM_PRESETS:
        width, height = TRIM_PRESETS[trim]
    else:
        problems.add(
            f"unknown trim size; expected one of: {', '.join(TRIM_PRESETS)}, custom",
            file=path,
            line=locator.find(("print", "trim")),
            key="print.trim",
        )
        width, height = defaults.width_mm, defaults.height_mm
    values = {
        name: float(raw.get(name, getattr(defaults, name)))
        for name in ("bleed_mm", "inner_margin_mm", "outer_margin_mm", "top_margin_mm", "bottom_margin_mm")
    }
    for name, value in values.items():
        if value < 0 or value > 50:
            problems.add(
                "must be between 0 and 50 (mm)",
                file=path,
                line=locator.find(("print", name)),
                key=f"print.{name}",
            )
    return PrintSettings(
        trim=trim,
        width_mm=float(width),
        height_mm=float(height),
        crop_marks=bool(raw.get("crop_marks", False)),
        **values,
    )
