"""What a hostile case is: a mutation of the minimal fixture book and the outcome it must have.

A case starts from ``tests/books/minimal`` with the project's ``styles/``, then
its ``book.toml`` is written from :class:`Toml` (so the line of every key is
known), files are written or removed, links and FIFOs are made. ``@OUTSIDE@``
in any text stands for a folder beside the project that holds files with
:data:`SECRET` in them; ``@PROJECT@`` for the project folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Planted in every file outside the project: it must never appear in a message or an edition.
SECRET = "BOOKPRESS-SECRET-2f7c9"
# The first line of /etc/passwd on every Linux machine: an entity or link that reads it leaks this.
PASSWD = "root:x:0:0"
OUTSIDE = "@OUTSIDE@"
PROJECT = "@PROJECT@"

CHAPTER = "manuscript/teil-1/01-anfang.md"
CHAPTER2 = "manuscript/teil-1/02-ende.md"
AUTHOR_PAGE = "manuscript/autorin.md"
BOOK_TOML = "manuscript/book.toml"


@dataclass(frozen=True)
class Outcome:
    """The outcome a case must have.

    kind "ok": exit 0. "refused": exit 1, a message naming ``file`` (and ``line``).
    "warning": exit 0 and the warning printed at ``file``:``line``. "either": where
    the issue leaves the choice open, a valid edition or a clear refusal naming ``file``.
    ``code`` is the finding code of ``check`` where the codes fix it (E001 for book.toml).
    ``text`` is a substring the message must contain when no file can be named.
    """

    kind: str
    code: str | None = None
    file: str | None = None
    line: int | None = None
    text: str | None = None


def ok() -> Outcome:
    return Outcome("ok")


def refused(
    code: str | None = None, file: str | None = None, line: int | None = None, *, text: str | None = None
) -> Outcome:
    return Outcome("refused", code, file, line, text)


def warned(code: str | None = None, file: str | None = None, line: int | None = None) -> Outcome:
    return Outcome("warning", code, file, line)


def either(file: str | None = None) -> Outcome:
    return Outcome("either", None, file)


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string; control characters as \\u escapes (TOML allows no raw ones)."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: object) -> str:
    """A Python value as TOML; a :class:`Raw` is written as it is (dates, nan, 10**23)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


@dataclass(frozen=True)
class Raw:
    """TOML text written verbatim."""

    text: str


SERIES = {
    "title": "Testreihe",
    "language": "de",
    "publisher": "Testverlag",
    "rights": "Alle Rechte vorbehalten.",
    "author_page": "autorin.md",
}
AUTHOR = {"name": "Erika Muster", "sort": "Muster, Erika"}
VOLUME = {"number": Raw("1"), "title": "Erster Band", "dir": "teil-1", "date": Raw("2025-01-15")}
ISBN = {"ebook": "978-3-16-148410-0", "print": "9783161484100"}


@dataclass(frozen=True)
class Toml:
    """``book.toml`` as the minimal book has it, with some keys changed.

    ``set`` maps "series.title", "author.name", "volume.number", "isbn.ebook",
    "print.bleed_mm" to new values (None removes a key); ``extra`` is appended.
    """

    set: dict[str, object] = field(default_factory=dict)
    extra: str = ""

    def render(self) -> tuple[str, dict[str, int]]:
        """The text and the line of every key ("series.title" -> 3)."""
        tables = {
            "series": dict(SERIES),
            "author": dict(AUTHOR),
            "volume": dict(VOLUME),
            "isbn": dict(ISBN),
            "print": {},
        }
        for key, value in self.set.items():
            table, name = key.split(".", 1)
            if value is None:
                tables[table].pop(name, None)
            else:
                tables[table][name] = value
        headers = {
            "series": "[series]",
            "author": "[[series.authors]]",
            "volume": "[[volumes]]",
            "isbn": "[volumes.isbn]",
            "print": "[print]",
        }
        lines: list[str] = []
        where: dict[str, int] = {}
        for table, header in headers.items():
            if table == "print" and not tables["print"]:
                continue
            if lines:
                lines.append("")
            lines.append(header)
            for name, value in tables[table].items():
                lines.append(f"{name} = {toml_value(value)}")
                where[f"{table}.{name}"] = len(lines)
        text = "\n".join(lines) + "\n" + self.extra
        return text, where

    def line(self, key: str) -> int:
        return self.render()[1][key]


def chapter(body: str = "Ein Absatz.", *, title: str = "Der Anfang", **meta: str) -> str:
    """A chapter file: front matter (title first, then ``meta`` in order), a blank line, ``body``.

    With title alone the body's first line is line 5 of the file.
    """
    lines = ["---", f"title: {title}", *(f"{k}: {v}" for k, v in meta.items()), "---", "", body]
    return "\n".join(lines) + "\n"


BODY = 5  # file line of the first body line of chapter() with a title alone

Setup = Callable[[Path, Path], None]  # (project, outside) -> None


@dataclass(frozen=True)
class Case:
    """One hostile manuscript and what the build must make of it."""

    name: str
    group: str  # paths, metadata, html, svg, css, values, nesting, huge, slips
    expect: Outcome
    toml: Toml = field(default_factory=Toml)
    files: dict[str, str | bytes] = field(default_factory=dict)  # project-relative -> content
    remove: tuple[str, ...] = ()  # project-relative files or folders to delete
    links: dict[str, str] = field(default_factory=dict)  # project-relative link -> target
    fifos: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()  # made as empty folders (after `remove`)
    env: dict[str, str] = field(default_factory=dict)
    pdf: bool = False  # also build the print PDF
    build_args: tuple[str, ...] = ()  # extra arguments of `build`
    setup: Setup | None = None
    timeout: float | None = None  # seconds; None: 30 for an EPUB, 60 with the PDF

    @property
    def seconds(self) -> float:
        """How long the case may take before it counts as a hang (generous: CI machines are busy)."""
        return self.timeout or (60.0 if self.pdf else 30.0)

    @property
    def ident(self) -> str:
        return f"{self.group}-{self.name}"

    def build_command(self, project: Path) -> list[str]:
        profiles = ["-p", "ebook", "-p", "print"] if self.pdf else ["-f", "epub"]
        return ["-C", str(project), "build", *profiles, *self.build_args]
