"""Finding, ordering and reading the author's Markdown files.

A chapter file is UTF-8 Markdown that opens with front matter::

    ---
    title: Die Welt ist VUCA
    subtitle: Vier Buchstaben für eine unruhige Gegenwart
    summary: Ein Satz für das Inhaltsverzeichnis.
    ---

A volume's chapters are either listed in ``book.toml`` or ordered by the
numeric prefix of their file names (``01-…md``, ``02-…md``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config, VolumeConfig
from .errors import BookError, Collector
from .gate import MAX_SOURCE_BYTES, Gate, Where, decode_utf8
from .values import MAX_SUBTITLE_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, text_problem

FRONT_KEYS = ("title", "subtitle", "summary")
FRONT_LIMITS = {"title": MAX_TITLE_CHARS, "subtitle": MAX_SUBTITLE_CHARS, "summary": MAX_SUMMARY_CHARS}
MAX_KEY_CHARS = 40  # an unknown key longer than this is not repeated in the message
_PREFIX = re.compile(r"^(\d+)[-_ ]")


@dataclass(frozen=True)
class Source:
    """A Markdown file split into front matter and body."""

    path: Path
    meta: dict[str, str]
    meta_lines: dict[str, int]  # key -> line number in the file
    body: str
    body_line: int  # line number (1-based) of the body's first line


def chapter_paths(
    config: Config, volume: VolumeConfig, manuscript: Path, problems: Collector, *, gate: Gate
) -> list[Path]:
    """The chapter files of a volume in reading order, each resolved and confined to the
    project by the gate; problems are collected."""
    named_by = Where(config.path, config.locator.find(("volumes", volume.index, "dir")), f"{volume.key}.dir")
    try:
        folder = gate.folder(volume.dir, base=manuscript, named_by=named_by, what="chapter folder")
    except BookError as error:
        problems.extend(error)
        return []
    if volume.chapters is not None:
        return _listed(config, volume, manuscript, folder, problems, gate)
    return _by_prefix(config, volume, folder, problems, gate)


def _listed(
    config: Config, volume: VolumeConfig, manuscript: Path, folder: Path, problems: Collector, gate: Gate
) -> list[Path]:
    paths: list[Path] = []
    line = config.locator.find(("volumes", volume.index, "chapters"))
    named_by = Where(config.path, line, f"{volume.key}.chapters")
    for name in volume.chapters or ():
        try:
            # The name as written must stay inside; shown with its folder, as the author knows it.
            gate.resolve(name, base=folder, named_by=named_by, what="chapter file")
            path = gate.file(
                posixpath.join(volume.dir, name),
                base=manuscript,
                named_by=named_by,
                limit=MAX_SOURCE_BYTES,
                what="chapter file",
            )
        except BookError as error:
            problems.extend(error)
            continue
        if path in paths:
            problems.add(
                f"chapter file '{name}' is listed twice",
                file=config.path,
                line=line,
                key=f"{volume.key}.chapters",
            )
        else:
            paths.append(path)
    if volume.chapters == ():
        problems.add("lists no chapters", file=config.path, line=line, key=f"{volume.key}.chapters")
    return paths


def _by_prefix(
    config: Config, volume: VolumeConfig, folder: Path, problems: Collector, gate: Gate
) -> list[Path]:
    by_position: dict[int, Path] = {}
    named_by = Where(config.path, config.locator.find(("volumes", volume.index, "dir")), f"{volume.key}.dir")
    for found in sorted(folder.glob("*.md")):
        match = _PREFIX.match(found.name)
        if not match:
            continue  # not a numbered chapter; the linter reports unlisted files
        try:
            path = gate.file(
                found.name, base=folder, named_by=named_by, limit=MAX_SOURCE_BYTES, what="chapter file"
            )
        except BookError as error:
            problems.extend(error)
            continue
        position = int(match.group(1))
        if position in by_position:
            problems.add(
                f"position {position:02d} is taken twice: {by_position[position].name} "
                f"and {found.name}; renumber one or list the chapters in book.toml",
                file=found,
            )
            continue
        by_position[position] = path
    if not by_position:
        problems.add(
            f"no chapter files (01-….md) in '{volume.dir}'",
            file=config.path,
            line=config.locator.find(("volumes", volume.index, "dir")),
            key=f"{volume.key}.dir",
        )
    return [by_position[position] for position in sorted(by_position)]


def read_source(path: Path, problems: Collector, *, gate: Gate) -> Source | None:
    """Read a Markdown file through the gate and split off its front matter; None if it
    cannot be used."""
    try:
        data = gate.read_found(path, named_by=Where(path), limit=MAX_SOURCE_BYTES, what="Markdown file")
        text = decode_utf8(data, file=path)
    except BookError as error:
        problems.extend(error)
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.add("is empty", file=path, line=1)
        return None
    return _split_front_matter(path, text, problems)


def _split_front_matter(path: Path, text: str, problems: Collector) -> Source | None:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.add("must start with front matter: a line '---', 'title: …', and '---'", file=path, line=1)
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.add("front matter is not closed by a line '---'", file=path, line=1)
        return None
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    unusable = False  # a line was refused; it may have been the title
    for number in range(1, end):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        # Checked before anything echoes the key: the line may hold anything. Tabs may
        # separate key and value; inside a value they are refused below.
        refused = text_problem(line, limit=len(line), multiline=True)
        if refused:
            problems.add(f"front matter line {refused}", file=path, line=number + 1)
            unusable = True
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            problems.add("front matter lines are 'key: value'", file=path, line=number + 1)
            continue
        if key not in FRONT_KEYS:
            shown = f"'{key}'" if len(key) <= MAX_KEY_CHARS else f"of {len(key)} characters"
            problems.add(
                f"unknown front matter key {shown}; expected one of: {', '.join(FRONT_KEYS)}",
                file=path,
                line=number + 1,
            )
            continue
        if key in meta:
            problems.add(f"'{key}' is given twice", file=path, line=number + 1)
        meta[key] = _unquote(value.strip())
        meta_lines[key] = number + 1
        too_long = text_problem(meta[key], limit=FRONT_LIMITS[key])
        if too_long:
            problems.add(f"'{key}' {too_long}", file=path, line=number + 1)
    if not meta.get("title") and not unusable:
        problems.add("front matter needs a 'title'", file=path, line=1)
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        problems.add("has front matter but no text", file=path, line=end + 2)
        return None
    return Source(path=path, meta=meta, meta_lines=meta_lines, body=body, body_line=end + 2)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
