"""Compose the :class:`Book` from a project folder, with the checks across files.

Every file is read through one :class:`~bookpress.gate.Gate`; stylesheets,
fonts, images and covers are checked once and kept as the book's
:class:`~bookpress.assets.Resources`, the only bytes the renderers use.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .assets import Reader
from .cache import Cache
from .config import Config, VolumeConfig, load_config
from .errors import BookError, Collector
from .gate import MAX_SOURCE_BYTES, Gate, Where
from .hyphenation import read_list
from .imprint import read_template
from .manuscript import Source, chapter_paths, read_source
from .markup import Converter, image_target
from .model import Book, Chapter, Document, Imprint, Isbns, Volume

COVER_TYPES = (".jpg", ".jpeg", ".png")


def manuscript_dir(root: Path) -> Path:
    """Where the author's sources live."""
    return root / "manuscript"


def load_book(
    root: Path, *, config: Config | None = None, gate: Gate | None = None, cache: Cache | None = None
) -> Book:
    """Read ``root/manuscript`` into a Book; raise BookErrors with every problem found.

    ``check`` passes the settings and the gate it already has, so that ``book.toml`` is
    parsed once and every file is read once (the gate keeps what it read). With a
    ``cache``, a chapter converted before from the same source is taken from it.
    """
    root = root.resolve()
    config = config or load_config(manuscript_dir(root) / "book.toml")
    gate = gate or Gate(root)
    problems = Collector()
    reader = Reader(gate, problems)
    converter = Converter(root, hyphenation=_hyphenation(gate, problems), images=reader.image)
    documents = _Documents(gate, converter, problems, cache)
    volumes = tuple(
        _volume(config, volume, gate, documents, reader)
        for volume in sorted(config.volumes, key=lambda v: v.number)
    )
    author_page = _author_page(config, gate, documents, problems)
    imprint = _imprint(config, gate, problems)
    reader.stylesheets()
    problems.raise_if_any()
    assert author_page is not None
    return Book(
        root=root,
        series=config.series,
        volumes=volumes,
        author_page=author_page,
        styles=root / "styles",
        print=config.print,
        imprint=imprint,
        cover=config.cover,
        resources=reader.resources(),
    )


class _Documents:
    """Turns Markdown files into Documents, through the cache where there is one.

    A Document depends on its source, the converter's settings and where its
    images resolve to. A cached one is used only if every image it names still
    resolves to the same project file; the images are then read and checked
    as a conversion would (a refused one fails the chapter the same way).
    """

    def __init__(self, gate: Gate, converter: Converter, problems: Collector, cache: Cache | None) -> None:
        self.gate, self.converter, self.problems, self.cache = gate, converter, problems, cache

    def __call__(self, path: Path, anchor: str) -> Document | None:
        source = read_source(path, self.problems, gate=self.gate)
        if source is None:
            return None
        if self.cache is None or not self.cache.enabled:
            return self.converter.convert(source, anchor=anchor, problems=self.problems)
        key = self.cache.key("chapter markup", self.converter.signature, anchor, repr(source))
        found = self._cached(self.cache.get(key), source)
        if found is not None:
            return found[0]
        before = len(self.problems.problems)
        doc = self.converter.convert(source, anchor=anchor, problems=self.problems)
        if doc is not None and len(self.problems.problems) == before:
            self.cache.put(key, pickle.dumps((doc, self.converter.used_images), pickle.HIGHEST_PROTOCOL))
        return doc

    def _cached(self, entry: bytes | None, source: Source) -> tuple[Document | None] | None:
        """(the Document, or None if one of its images is now refused); None for a miss."""
        if entry is None:
            return None
        try:
            doc, images = pickle.loads(entry)  # sealed: written by this project folder's own builds
        except Exception:  # an entry of an older layout: a miss
            return None
        if not isinstance(doc, Document):
            return None
        root = self.converter.root
        targets = []
        for src, relative, line in images:
            target = image_target(source.path.parent, src, root)
            if target is None or target.relative_to(root).as_posix() != relative:
                return None
            targets.append((target, line))
        use = self.converter.images
        for target, line in targets:
            if use is not None and use(target, named_by=Where(source.path, line)) is None:
                return (None,)
        return (doc,)


def _volume(
    config: Config, volume: VolumeConfig, gate: Gate, documents: _Documents, reader: Reader
) -> Volume:
    problems = reader.problems
    chapters = []
    paths = chapter_paths(config, volume, manuscript_dir(gate.root), problems, gate=gate)
    for position, path in enumerate(paths, 1):
        doc = documents(path, f"v{volume.number}-c{position:02d}")
        if doc is not None:
            chapters.append(Chapter(position=position, doc=doc))
    return Volume(
        number=volume.number,
        title=volume.title,
        subtitle=volume.subtitle,
        date=volume.date,
        isbn=Isbns(ebook=volume.isbn_ebook, print=volume.isbn_print),
        cover=_cover(config, volume, gate, reader),
        chapters=tuple(chapters),
        edition=volume.edition,
        edition_year=volume.edition_year,
        credits=volume.credits,
        blurb=volume.blurb,
        price=volume.price,
    )


def _cover(config: Config, volume: VolumeConfig, gate: Gate, reader: Reader) -> Path | None:
    """The real path of the configured cover, read and kept among the resources; or None."""
    if volume.cover is None:
        return None
    where = Where(config.path, config.locator.find(("volumes", volume.index, "cover")), f"{volume.key}.cover")
    try:
        path = gate.resolve(volume.cover, base=manuscript_dir(gate.root), named_by=where, what="cover image")
    except BookError as error:
        reader.problems.extend(error)
        return None
    if (
        PurePosixPath(volume.cover).suffix.lower() not in COVER_TYPES
        or path.suffix.lower() not in COVER_TYPES
    ):
        reader.problems.extend(where.refuse("the cover must be a JPEG or PNG image"))
        return None
    return path if reader.image(path, named_by=where, what="cover image") else None


def _author_page(config: Config, gate: Gate, documents: _Documents, problems: Collector) -> Document | None:
    where = Where(config.path, config.locator.find(("series", "author_page")), "series.author_page")
    try:
        path = gate.file(
            config.author_page,
            base=manuscript_dir(gate.root),
            named_by=where,
            limit=MAX_SOURCE_BYTES,
            what="author page",
        )
    except BookError as error:
        problems.extend(error)
        return None
    return documents(path, "autorin")


def _imprint(config: Config, gate: Gate, problems: Collector) -> Imprint:
    """The [print] lines of the imprint with the template they are set in."""
    try:
        found = read_template(gate, manuscript_dir(gate.root))
    except BookError as error:
        problems.extend(error)
        return config.imprint
    return replace(config.imprint, template=found.template, template_file=found.template_file)


def _hyphenation(gate: Gate, problems: Collector) -> tuple[str, ...]:
    """The project hyphenation list: one word a line, '-' at allowed breaks, '#' comments."""
    path = manuscript_dir(gate.root) / "hyphenation.txt"
    if not (path.is_symlink() or path.exists()):
        return ()
    try:
        return read_list(path, gate=gate)
    except BookError as error:
        problems.extend(error)
        return ()
