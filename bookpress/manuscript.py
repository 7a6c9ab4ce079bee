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

import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config, VolumeConfig
from .errors import Collector

FRONT_KEYS = ("title", "subtitle", "summary")
_PREFIX = re.compile(r"^(\d+)[-_ ]")


@dataclass(frozen=True)
class Source:
    """A Markdown file split into front matter and body."""

    path: Path
    meta: dict[str, str]
    meta_lines: dict[str, int]  # key -> line number in the file
    body: str
    body_line: int  # line number (1-based) of the body's first line


def chapter_paths(config: Config, volume: VolumeConfig, manuscript: Path, problems: Collector) -> list[Path]:
    """The chapter files of a volume in reading order; problems are collected."""
    folder = manuscript / volume.dir
    if not folder.is_dir():
        problems.add(
            f"chapter folder '{volume.dir}' does not exist",
            file=config.path,
            line=config.locator.find(("volumes", volume.index, "dir")),
            key=f"{volume.key}.dir",
        )
        return []
    if volume.chapters is not None:
        return _listed(config, volume, folder, problems)
    return _by_prefix(config, volume, folder, problems)


def _listed(config: Config, volume: VolumeConfig, folder: Path, problems: Collector) -> list[Path]:
    paths: list[Path] = []
    line = config.locator.find(("volumes", volume.index, "chapters"))
    for name in volume.chapters or ():
        path = folder / name
        if not path.is_file():
            problems.add(
                f"chapter file '{volume.dir}/{name}' does not exist",
                file=config.path,
                line=line,
                key=f"{volume.key}.chapters",
            )
        elif path in paths:
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


def _by_prefix(config: Config, volume: VolumeConfig, folder: Path, problems: Collector) -> list[Path]:
    by_position: dict[int, Path] = {}
    for path in sorted(folder.glob("*.md")):
        match = _PREFIX.match(path.name)
        if not match:
            continue  # not a numbered chapter; the linter reports unlisted files
        position = int(match.group(1))
        if position in by_position:
            problems.add(
                f"position {position:02d} is taken twice: {by_position[position].name} "
                f"and {path.name}; renumber one or list the chapters in book.toml",
                file=path,
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


def read_source(path: Path, problems: Collector) -> Source | None:
    """Read a Markdown file and split off its front matter; None if it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(f"cannot be read: {exc.strerror}", file=path)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(f"is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8", file=path, line=line)
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
    for number in range(1, end):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            problems.add("front matter lines are 'key: value'", file=path, line=number + 1)
            continue
        if key not in FRONT_KEYS:
            problems.add(
                f"unknown front matter key '{key}'; expected one of: {', '.join(FRONT_KEYS)}",
                file=path,
                line=number + 1,
            )
            continue
        if key in meta:
            problems.add(f"'{key}' is given twice", file=path, line=number + 1)
        meta[key] = _unquote(value.strip())
        meta_lines[key] = number + 1
    if not meta.get("title"):
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
