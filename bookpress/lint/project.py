"""Rules over the whole project: what the build itself refuses, files no volume uses,
placeholder ISBNs, listed chapters whose file number disagrees with their position,
an imprint that lacks what the press laws ask of a printed book."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path, PurePosixPath

from ..config import Config, normalise_isbn
from ..errors import BookError, Collector, Problem
from ..gate import MAX_SOURCE_BYTES, Gate, Where, decode_utf8
from ..imprint import read_template, template_names
from ..manuscript import chapter_paths
from ..values import source_date_epoch
from .finding import Finding

# What `bookpress new` writes until the author has real ISBNs: checksum-valid, so the
# book builds, and all zeros, so nobody mistakes it for a real one.
PLACEHOLDER_ISBN = "978-0-00-000000-2"

_NUMBERED = re.compile(r"^(\d+)[-_ ]")
# The build's own messages, sorted into linter codes; everything else is E001.
_BUILD_CODES = (
    (re.compile(r"^unknown front matter key '([^']*)'"), "E002"),
    (re.compile(r"^link target '([^']*)' does not exist"), "E010"),
    (re.compile(r"^link '([^']*)' must be a web address"), "E010"),
    (re.compile(r"^image '([^']*)' (?:does not exist|must be a file inside)"), "E020"),
    (re.compile(r"^(?:is empty|has front matter but no text)"), "E030"),
    # Markup Markdown left as text (bookpress.slips); the quoted part is what the author typed.
    (re.compile(r"^footnote (\[\^[^\]]*\]) is called here but never defined"), "E011"),
    (re.compile(r"^link '([^']*)' was left as text"), "E013"),
    (re.compile(r"^image '([^']*)' was left as text"), "E023"),
    (re.compile(r"^emphasis '([^']*)' is not closed"), "E044"),
    (re.compile(r"^language (?:span )?'([^']*)'"), "E050"),
    # Raw HTML the allow-list refuses (bookpress.sanitise): E001, with the column of the name.
    (re.compile(r"^attribute '([^']*)' is not allowed"), "E001"),
    (re.compile(r"^(<[^>\s]+)>.* is not allowed"), "E001"),
)


def used_sources(config: Config, manuscript: Path, gate: Gate) -> list[Path]:
    """The Markdown files the build reads: every volume's chapters and the author page."""
    paths = [
        path
        for volume in config.volumes
        for path in chapter_paths(config, volume, manuscript, Collector(), gate=gate)
    ]
    with suppress(BookError):  # confined like every other file; the build reports a refusal
        paths.append(
            gate.file(
                config.author_page,
                base=manuscript,
                named_by=Where(config.path),
                limit=MAX_SOURCE_BYTES,
                what="author page",
            )
        )
    return paths


def unlisted(config: Config, manuscript: Path, used: list[Path], gate: Gate) -> Iterator[Finding]:
    """W003 Markdown files under manuscript/ that no volume includes (``used``: those it does)."""
    used_paths = {path.resolve() for path in used}
    folders = {volume.dir.strip("/"): volume for volume in config.volumes}
    # rglob does not descend into linked folders; a linked file outside is no draft of this book.
    for path in sorted(manuscript.rglob("*.md")):
        if (
            not gate.is_file(path)
            or path.resolve() in used_paths
            or any(part.startswith(".") for part in path.parts)
        ):
            continue
        volume = folders.get(path.parent.relative_to(manuscript).as_posix())
        if volume is None:
            why = "it is not in a volume's folder"
        elif volume.chapters is not None:
            why = f"book.toml lists the chapters of {volume.key} and this file is not among them"
        elif not _NUMBERED.match(path.name):
            why = "its name has no number prefix like '01-'"
        else:
            continue  # numbered twice: the build's own error names it
        yield Finding(path, 1, 1, "W003", f"no volume includes this file: {why}")


def placeholder_isbns(config: Config) -> Iterator[Finding]:
    """W004 ISBNs still at the placeholder that `bookpress new` writes."""
    placeholder = normalise_isbn(PLACEHOLDER_ISBN)
    for volume in config.volumes:
        for edition, isbn in (("ebook", volume.isbn_ebook), ("print", volume.isbn_print)):
            if normalise_isbn(isbn) == placeholder:
                line = config.locator.find(("volumes", volume.index, "isbn", edition)) or 1
                yield Finding(
                    config.path,
                    line,
                    1,
                    "W004",
                    f"{volume.key}.isbn.{edition} is the placeholder {PLACEHOLDER_ISBN}; "
                    "enter the real ISBN before publishing",
                )


# What the imprint of every printed book must name: publisher and printer, each with
# address or seat (the press laws of the German states, e.g. § 7 (1) Berliner
# Pressegesetz, § 8 Hamburgisches Pressegesetz).
PRESS_LAW_PLACEHOLDERS = ("publisher", "publisher_address", "printer_line")


def imprint_gaps(config: Config, gate: Gate) -> Iterator[Finding]:
    """W006 what the print edition's imprint lacks of what the press laws require."""
    law = "the press laws require it in every printed book"
    if not config.series.publisher_address:
        line = config.locator.find(("series", "publisher")) or 1
        yield Finding(
            config.path,
            line,
            1,
            "W006",
            "series.publisher_address is not set: the imprint names no postal address of the "
            f"publisher; {law}",
        )
    if not config.imprint.printer_line:
        headers = config.locator.headers.get("[print]", [])
        line = headers[0] + 1 if headers else 1  # the [print] table, where the key belongs
        yield Finding(
            config.path,
            line,
            1,
            "W006",
            "print.printer_line is not set and the printer's profile (print.printer) has no line: "
            f"the imprint names no printer; {law}",
        )
    try:
        template = read_template(gate, config.path.parent)
    except BookError:
        return  # the build reports the template's own problems
    missing = [name for name in PRESS_LAW_PLACEHOLDERS if name not in template_names(template)]
    if missing and template.template_file is not None:
        names = ", ".join(f"{{{name}}}" for name in missing)
        yield Finding(template.template_file, 1, 1, "W006", f"the imprint template leaves out {names}; {law}")


def environment() -> Iterator[Finding]:
    """E001 an environment setting the build would refuse (SOURCE_DATE_EPOCH); it has no
    file, so the finding is placed at the variable's name."""
    try:
        source_date_epoch(os.environ)
    except BookError as error:
        yield Finding(Path("SOURCE_DATE_EPOCH"), 1, 1, "E001", error.problem.message)


def chapter_numbers(config: Config) -> Iterator[Finding]:
    """W005 a chapter listed in book.toml at a position its number prefix contradicts.

    ``chapters = ["01-a.md", "03-c.md", "02-b.md"]``: the book prints '03-c.md'
    as chapter 2, which the author most likely did not mean.
    """
    for volume in config.volumes:
        start = config.locator.find(("volumes", volume.index, "chapters")) or 1
        for position, name in enumerate(volume.chapters or (), 1):
            match = _NUMBERED.match(PurePosixPath(name).name)
            if match is None or int(match.group(1)) == position:
                continue
            line, column = _place(config.locator.lines, start, name)
            yield Finding(
                config.path,
                line,
                column,
                "W005",
                f"{volume.key}.chapters: '{name}' is chapter {position} of the volume, "
                f"but its file name says {int(match.group(1))}; reorder the list or rename the file",
            )


def _place(lines: list[str], start: int, name: str) -> tuple[int, int]:
    """Line and column of the quoted ``name`` in book.toml's ``lines`` at or after line
    ``start`` (arrays span lines)."""
    for number in range(start, len(lines) + 1):
        for quoted in (f'"{name}"', f"'{name}'"):
            index = lines[number - 1].find(quoted)
            if index >= 0:
                return number, index + 2  # the name, after its quote
    return start, 1


def from_problem(problem: Problem, fallback: Path, gate: Gate) -> Finding:
    """A problem the build reported, as a finding with a code and, where we can, a column."""
    code, quoted = "E001", None
    for pattern, candidate in _BUILD_CODES:
        match = pattern.match(problem.message)
        if match:
            code, quoted = candidate, (match.group(1) if match.groups() else None)
            break
    file = problem.file or fallback
    line = problem.line or 1
    message = f"{problem.key}: {problem.message}" if problem.key else problem.message
    return Finding(file, line, _column(file, line, quoted, gate), code, message)


def _column(file: Path, line: int, needle: str | None, gate: Gate) -> int:
    """Where ``needle`` stands on the line; the file comes from the gate (read once, confined)."""
    if not needle:
        return 1
    try:
        data = gate.read_found(file, named_by=Where(file), limit=MAX_SOURCE_BYTES)
        text = decode_utf8(data, file=file).split("\n")[line - 1]
    except (BookError, IndexError):
        return 1
    index = text.find(needle)
    return index + 1 if index >= 0 else 1
