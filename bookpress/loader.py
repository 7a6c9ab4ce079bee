"""Compose the :class:`Book` from a project folder, with the checks across files."""

from __future__ import annotations

from pathlib import Path

from .config import Config, VolumeConfig, load_config
from .errors import Collector
from .hyphenation import read_list
from .manuscript import chapter_paths, read_source
from .markup import Converter
from .model import Book, Chapter, Document, Isbns, Volume

COVER_TYPES = (".jpg", ".jpeg", ".png")


def manuscript_dir(root: Path) -> Path:
    """Where the author's sources live."""
    return root / "manuscript"


def load_book(root: Path) -> Book:
    """Read ``root/manuscript`` into a Book; raise BookErrors with every problem found."""
    root = root.resolve()
    config = load_config(manuscript_dir(root) / "book.toml")
    problems = Collector()
    converter = Converter(root, hyphenation=_hyphenation(manuscript_dir(root)))
    volumes = tuple(
        _volume(config, volume, root, converter, problems)
        for volume in sorted(config.volumes, key=lambda v: v.number)
    )
    author_page = _author_page(config, root, converter, problems)
    problems.raise_if_any()
    assert author_page is not None
    return Book(
        root=root,
        series=config.series,
        volumes=volumes,
        author_page=author_page,
        styles=root / "styles",
        print=config.print,
    )


def _document(path: Path, anchor: str, converter: Converter, problems: Collector) -> Document | None:
    source = read_source(path, problems)
    if source is None:
        return None
    return converter.convert(source, anchor=anchor, problems=problems)


def _volume(
    config: Config, volume: VolumeConfig, root: Path, converter: Converter, problems: Collector
) -> Volume:
    chapters = []
    for position, path in enumerate(chapter_paths(config, volume, manuscript_dir(root), problems), 1):
        doc = _document(path, f"v{volume.number}-c{position:02d}", converter, problems)
        if doc is not None:
            chapters.append(Chapter(position=position, doc=doc))
    return Volume(
        number=volume.number,
        title=volume.title,
        subtitle=volume.subtitle,
        date=volume.date,
        isbn=Isbns(ebook=volume.isbn_ebook, print=volume.isbn_print),
        cover=_cover(config, volume, root, problems),
        chapters=tuple(chapters),
    )


def _cover(config: Config, volume: VolumeConfig, root: Path, problems: Collector) -> Path | None:
    if volume.cover is None:
        return None
    path = (manuscript_dir(root) / volume.cover).resolve()
    where = {
        "file": config.path,
        "line": config.locator.find(("volumes", volume.index, "cover")),
        "key": f"{volume.key}.cover",
    }
    if not path.is_relative_to(root):
        problems.add("the cover must be a file inside the project folder", **where)
    elif not path.is_file():
        problems.add(f"cover image '{volume.cover}' does not exist", **where)
    elif path.suffix.lower() not in COVER_TYPES:
        problems.add("the cover must be a JPEG or PNG image", **where)
    else:
        return path
    return None


def _author_page(config: Config, root: Path, converter: Converter, problems: Collector) -> Document | None:
    path = manuscript_dir(root) / config.author_page
    if not path.is_file():
        problems.add(
            f"author page '{config.author_page}' does not exist",
            file=config.path,
            line=config.locator.find(("series", "author_page")),
            key="series.author_page",
        )
        return None
    return _document(path, "autorin", converter, problems)


def _hyphenation(folder: Path) -> tuple[str, ...]:
    """The project hyphenation list: one word a line, '-' at allowed breaks, '#' comments."""
    path = folder / "hyphenation.txt"
    return read_list(path) if path.is_file() else ()
