"""The checked files a book's editions are made of, besides its Markdown.

The loader reads every stylesheet, the files they use (fonts, images,
further stylesheets), the chapters' images and the covers once through the
:class:`~bookpress.gate.Gate`, checks them (:mod:`.css`, :mod:`.svg`) and
keeps their bytes in :class:`Resources`. The renderers use only these bytes:
the EPUB packs exactly them, and the PDF's URL fetcher serves only them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from . import css, svg
from .errors import BookError, Collector
from .gate import MAX_CSS_BYTES, MAX_FONT_BYTES, MAX_IMAGE_BYTES, Gate, Where, decode_utf8

STYLESHEETS = ("fonts.css", "base.css", "epub.css", "print.css", "screen.css")  # in styles/
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp")
FONT_TYPES = (".otf", ".ttf", ".woff", ".woff2")
LIMITS = {**dict.fromkeys(IMAGE_TYPES, MAX_IMAGE_BYTES), **dict.fromkeys(FONT_TYPES, MAX_FONT_BYTES)}
LIMITS[".css"] = MAX_CSS_BYTES
# How each binary kind begins: a file whose bytes do not match its name is refused here,
# rather than shipped for readers and EPUBCheck to stumble over.
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".otf": (b"OTTO", b"\x00\x01\x00\x00"),
    ".ttf": (b"\x00\x01\x00\x00", b"true", b"OTTO"),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
}


class Resources(Mapping[str, bytes]):
    """Read-only map from project-relative POSIX path to checked bytes.

    ``links`` maps each stylesheet to the files it uses directly, so a
    renderer can take a stylesheet together with everything it needs.
    """

    def __init__(self, files: Mapping[str, bytes], links: Mapping[str, tuple[str, ...]]) -> None:
        self._files = MappingProxyType(dict(sorted(files.items())))
        self.links = MappingProxyType(dict(links))

    @classmethod
    def empty(cls) -> Resources:
        return cls({}, {})

    def __reduce__(self) -> tuple[type[Resources], tuple[dict[str, bytes], dict[str, tuple[str, ...]]]]:
        # A book goes to worker processes by pickle; the read-only views are made anew there.
        return (Resources, (dict(self._files), dict(self.links)))

    def __getitem__(self, key: str) -> bytes:
        return self._files[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def closure(self, names: Iterable[str]) -> list[str]:
        """``names`` and every file they use, directly or through other stylesheets; sorted."""
        seen: set[str] = set()
        todo = [name for name in names if name in self._files]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(self.links.get(name, ()))
        return sorted(seen)


class Reader:
    """Reads and checks resources through a gate, collecting the problems."""

    def __init__(self, gate: Gate, problems: Collector) -> None:
        self.gate = gate
        self.problems = problems
        self.files: dict[str, bytes] = {}
        self.links: dict[str, tuple[str, ...]] = {}

    def resources(self) -> Resources:
        return Resources(self.files, self.links)

    def stylesheets(self) -> None:
        """The project's stylesheets in styles/, and what they use; each edition needs its own,
        so a missing one is a problem here, where ``check`` sees it too."""
        where = Where(self.gate.root / "styles")
        try:
            self.gate.folder("styles", named_by=where, what="the styles folder")
        except BookError as error:
            self.problems.extend(error)
            return
        for name in STYLESHEETS:
            path = self.gate.root / "styles" / name
            if path.is_symlink() or path.exists():
                self._file(f"styles/{name}", Where(path), what="stylesheet")
            else:
                self.problems.add(
                    f"the stylesheet styles/{name} is missing; a project made by `bookpress init` "
                    "has one to start from",
                    file=path,
                )

    def image(self, path: Path, *, named_by: Where, what: str = "image") -> str | None:
        """Read and check the image at the real ``path`` (already confined); its project path,
        or None if it was refused (the problem is collected)."""
        relative = self.gate.relative(path)
        if PurePosixPath(relative).suffix.lower() not in IMAGE_TYPES:
            self.problems.extend(
                named_by.refuse(f"{what} '{relative}' is not a JPEG, PNG, GIF, WebP or SVG image")
            )
            return None
        return relative if self._file(relative, named_by, what=what) else None

    def _file(self, relative: str, named_by: Where, *, what: str) -> bool:
        """Read, check and keep one project file (and what a stylesheet uses); False if refused."""
        if relative in self.files:
            return True
        suffix = PurePosixPath(relative).suffix.lower()
        if suffix not in LIMITS:
            self.problems.extend(
                named_by.refuse(f"{what} '{relative}' is not a stylesheet, font or image type we can use")
            )
            return False
        try:
            data = self.gate.read_bytes(
                relative, base=self.gate.root, named_by=named_by, limit=LIMITS[suffix], what=what
            )
            real = self.gate.root / relative
            if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
                raise named_by.refuse(
                    f"{what} '{relative}' is not a {suffix[1:].upper()} file, whatever its name says"
                )
            if suffix == ".webp" and data[8:12] != b"WEBP":
                raise named_by.refuse(f"{what} '{relative}' is not a WEBP file, whatever its name says")
            if suffix == ".svg":
                svg.check(data, file=real, named_by=named_by, root=self.gate.root)
            self.files[relative] = data
            if suffix == ".css":
                self._stylesheet(relative, data, real)
        except BookError as error:
            self.problems.extend(error)
            return False
        return True

    def _stylesheet(self, relative: str, data: bytes, real: Path) -> None:
        refs = css.references(decode_utf8(data, file=real), file=real, relative=relative)
        self.links[relative] = tuple(ref.target for ref in refs)
        for ref in refs:
            self._file(ref.target, Where(real, ref.line), what="file")
