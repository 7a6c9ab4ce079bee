"""``bookpress new`` and ``bookpress init``: start a project, a volume or a chapter.

Every file is created with mode "x", so nothing that exists is ever overwritten;
``book.toml`` is edited as text, keeping the author's comments and layout, and
the edit is checked with the TOML parser before it is written.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .build import write_atomically
from .config import Config, VolumeConfig, load_config, normalise_isbn
from .errors import BookError
from .lint.project import PLACEHOLDER_ISBN
from .loader import manuscript_dir
from .model import slug_of, volume_number

DEFAULT_STYLES = Path(__file__).parent / "defaults" / "styles"
_NUMBERED = re.compile(r"^(\d+)[-_ ]")

CHAPTER = """\
---
title: {title}
subtitle:
summary:
---

Hier beginnt das Kapitel „{title}“.
"""

AUTHOR_PAGE = """\
---
title: Über die Autorin
---

{author} schreibt hier ein paar Sätze über sich.
"""

BOOK_TOML = """\
# {title}: the settings of the whole series. Every key is explained in the README
# ("The manuscript format"); `bookpress check` reports what is missing or wrong.

[series]
title = {title_toml}
language = "de"
publisher = {publisher_toml}
# The printed book's imprint names the publisher's postal address and the printer
# (the German press laws ask for both; bookpress check reports W006 until they are set):
# publisher_address = "Straße 1, 12345 Ort"
rights = "Alle Rechte vorbehalten."
author_page = "ueber-die-autorin.md"

[[series.authors]]
name = {author_toml}
sort = {sort_toml}
"""

VOLUME = """
[[volumes]]
number = {number}
title = {title_toml}
dir = "{dir}"
date = {date}
[volumes.isbn]
{isbn_comment}ebook = "{ebook}"
print = "{print}"
"""
PLACEHOLDER_COMMENT = "# Placeholder ISBNs: enter the real ones (bookpress check reports W004).\n"


@dataclass(frozen=True)
class NewVolume:
    """What `new volume` and `init` need to know about a volume."""

    title: str
    chapter_title: str = "Erstes Kapitel"
    isbn_ebook: str | None = None
    isbn_print: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class NewChapter:
    """What `new chapter` did: the file it created, book.toml if it listed the file there,
    and the volume it chose."""

    created: Path
    updated: tuple[Path, ...]
    volume: int


def new_chapter(root: Path, volume: str | None, title: str) -> NewChapter:
    """Create the next numbered chapter of ``volume`` (None: the last volume) and register it."""
    config = load_config(manuscript_dir(root) / "book.toml")
    chosen = _volume(config, volume) if volume is not None else _last_volume(config)
    folder = manuscript_dir(root) / chosen.dir
    number = _next_number(folder, chosen)
    name = f"{number:02d}-{_slug(title)}.md"
    new_text = _with_chapter(config, chosen, name) if chosen.chapters is not None else None
    folder.mkdir(parents=True, exist_ok=True)
    created = _create(folder / name, CHAPTER.format(title=_front_value(title)))
    if new_text is None:
        return NewChapter(created, (), chosen.number)
    write_atomically(config.path, new_text.encode("utf-8"))
    return NewChapter(created, (config.path,), chosen.number)


def new_volume(root: Path, volume: NewVolume) -> list[Path]:
    """Add the next volume: its [[volumes]] entry, its folder and a first chapter."""
    config = load_config(manuscript_dir(root) / "book.toml")
    number = max((v.number for v in config.volumes), default=0) + 1
    folder = manuscript_dir(root) / f"band-{number}"
    text = config.path.read_text(encoding="utf-8")
    new_text = text.rstrip("\n") + "\n" + _volume_entry(number, folder.name, volume)
    if len(tomllib.loads(new_text).get("volumes", [])) != len(config.volumes) + 1:
        raise BookError("could not add a [[volumes]] entry; add the volume by hand", file=config.path)
    chapter = folder / f"01-{_slug(volume.chapter_title)}.md"
    _refuse_existing([chapter])
    folder.mkdir(parents=True, exist_ok=True)
    written = [_create(chapter, CHAPTER.format(title=_front_value(volume.chapter_title)))]
    write_atomically(config.path, new_text.encode("utf-8"))
    return [*written, config.path]


def init_project(target: Path, *, title: str, author: str, publisher: str, volume: NewVolume) -> list[Path]:
    """Start a project in ``target`` that builds at once; refuses if any file would be replaced."""
    manuscript = target / "manuscript"
    files = {
        manuscript / "book.toml": _book_toml(title, author, publisher) + _volume_entry(1, "band-1", volume),
        manuscript / "band-1" / f"01-{_slug(volume.chapter_title)}.md": CHAPTER.format(
            title=_front_value(volume.chapter_title)
        ),
        manuscript / "ueber-die-autorin.md": AUTHOR_PAGE.format(author=author),
        target / ".gitignore": "/output/\n.bookpress/\n",
    }
    styles = {
        target / "styles" / path.relative_to(DEFAULT_STYLES): path
        for path in sorted(DEFAULT_STYLES.rglob("*"))
        if path.is_file()
    }
    _refuse_existing([*files, *styles])
    written = []
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(_create(path, content))
    for path, source in styles.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle, open(source, "rb") as original:
            shutil.copyfileobj(original, handle)
        written.append(path)
    return written


def _volume(config: Config, text: str) -> VolumeConfig:
    number = volume_number(text)
    for volume in config.volumes:
        if volume.number == number:
            return volume
    known = ", ".join(str(v.number) for v in config.volumes)
    raise BookError(f"there is no volume '{text}'; book.toml has: {known}", file=config.path)


def _last_volume(config: Config) -> VolumeConfig:
    """The volume with the highest number: the one an author is most likely writing."""
    if not config.volumes:
        raise BookError("book.toml has no volume yet; add one with `bookpress new volume`", file=config.path)
    return max(config.volumes, key=lambda volume: volume.number)


def _next_number(folder: Path, volume: VolumeConfig) -> int:
    names = [p.name for p in folder.glob("*.md")] if folder.is_dir() else []
    names += list(volume.chapters or ())
    numbers = [int(m.group(1)) for name in names if (m := _NUMBERED.match(name))]
    return max(numbers, default=0) + 1


def _slug(title: str) -> str:
    return slug_of(title).lower()[:60].strip("-") or "kapitel"


def _front_value(text: str) -> str:
    """A front-matter value that reads back as ``text``."""
    if "\n" in text:
        raise BookError("a title must be one line")
    return f'"{text}"' if text[:1] in "\"'" or text[-1:] in "\"'" else text


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _book_toml(title: str, author: str, publisher: str) -> str:
    *first, last = author.split() or ["Autorin"]
    sort = f"{last}, {' '.join(first)}" if first else last
    return BOOK_TOML.format(
        title=title,
        title_toml=_toml_string(title),
        author_toml=_toml_string(author),
        sort_toml=_toml_string(sort),
        publisher_toml=_toml_string(publisher),
    )


def _volume_entry(number: int, folder: str, volume: NewVolume) -> str:
    isbns = {}
    for edition, given in (("ebook", volume.isbn_ebook), ("print", volume.isbn_print)):
        if given is not None and normalise_isbn(given) is None:
            raise BookError(f"--isbn-{edition} '{given}' is not a valid ISBN-13 (check digit or length)")
        isbns[edition] = given or PLACEHOLDER_ISBN
    placeholder = PLACEHOLDER_ISBN in isbns.values()
    return VOLUME.format(
        number=number,
        title_toml=_toml_string(volume.title),
        dir=folder,
        date=(volume.date or dt.date.today()).isoformat(),
        isbn_comment=PLACEHOLDER_COMMENT if placeholder else "",
        **isbns,
    )


def _with_chapter(config: Config, volume: VolumeConfig, name: str) -> str:
    """book.toml with ``name`` appended to the volume's ``chapters`` list, comments kept."""
    lines = config.path.read_text(encoding="utf-8").split("\n")
    start = config.locator.find(("volumes", volume.index, "chapters"))
    end = _closing_bracket(lines, start - 1) if start else None
    if end is None:
        raise BookError(
            f"could not find the end of {volume.key}.chapters; add '{name}' by hand",
            file=config.path,
            line=start,
        )
    row, column = end
    before = lines[row][:column].rstrip()
    if before.endswith("[") or before.endswith(","):
        entry = f'"{name}"' if before.endswith("[") else f' "{name}"'
    else:
        entry = f', "{name}"'
    if not before.strip():  # the bracket stands on a line of its own
        indent = re.match(r"\s*", lines[row - 1]).group(0)
        lines.insert(row, f'{indent}"{name}",')
        if not lines[row - 1].rstrip().endswith((",", "[")):
            lines[row - 1] = lines[row - 1].rstrip() + ","
    else:
        lines[row] = before + entry + lines[row][column:]
    text = "\n".join(lines)
    listed = tomllib.loads(text)["volumes"][volume.index].get("chapters")
    if listed != [*(volume.chapters or ()), name]:
        raise BookError(
            f"could not add '{name}' to {volume.key}.chapters; add it by hand", file=config.path, line=start
        )
    return text


def _closing_bracket(lines: list[str], row: int) -> tuple[int, int] | None:
    """Where the array that opens on ``row`` closes: (line index, column), strings skipped."""
    depth, quote = 0, ""
    for index in range(row, len(lines)):
        line = lines[index]
        column = line.index("=") + 1 if index == row else 0
        while column < len(line):
            char = line[column]
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    return index, column
            column += 1
    return None


def _refuse_existing(paths: list[Path]) -> None:
    existing = [path for path in paths if path.exists()]
    if existing:
        names = ", ".join(str(path) for path in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise BookError(f"will not overwrite existing files: {names}{more}")


def _create(path: Path, content: str) -> Path:
    """Write a new file; an existing one is an error, never replaced."""
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(content)
    except FileExistsError:
        raise BookError("will not overwrite this existing file", file=path) from None
    return path
