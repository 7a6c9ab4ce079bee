"""Whether a build would write exactly what the output folder already holds.

After a build that wrote every edition it was asked for, a record goes into
the build cache under a key made of the build's options and the versions of
the libraries that shape the files. It lists every file the build read
(project-relative path and SHA-256), the names under ``manuscript/`` and
``styles/``, the findings the checks showed, and each edition written (name,
size, SHA-256).

The next build with the same options is up to date when each of those files
still has its digest, no name came or went in those two folders, and every
edition in the output folder still has its digest. Then nothing is read
beyond those files, nothing is parsed or rendered, and the findings and
warnings are told again as they were. Anything else (a changed byte, a new chapter file,
a deleted or edited edition, another ``SOURCE_DATE_EPOCH``) means a real build.

This module imports nothing heavy, so a build with nothing to do stays fast.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .cache import Cache
from .errors import BookError
from .gate import MAX_IMAGE_BYTES, Gate, Where

WATCHED_FOLDERS = ("manuscript", "styles")  # where a new file can change the book
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "pyphen",
    "pikepdf",
    "ebooklib",
    "markdown",
    "lxml",
    "pillow",
    "tinycss2",
    "cssselect2",  # which characters the EPUB's fonts keep (renderers/epub_cascade.py)
    "uharfbuzz",
    "fonttools",
)


@dataclass(frozen=True)
class Edition:
    """An edition the build wrote, as the record keeps it."""

    name: str  # file name in the output folder
    size: int
    sha256: str
    profile: str
    volume: int


@dataclass(frozen=True)
class Record:
    inputs: Mapping[str, str]  # project-relative POSIX path -> SHA-256
    listing: str  # SHA-256 of the names under the watched folders
    findings: tuple[Mapping[str, Any], ...]  # as Finding fields, file as a string
    editions: tuple[Edition, ...]
    warnings: tuple[str, ...] = ()  # what rendering warned of (an image under 300 ppi)

    def encode(self) -> bytes:
        return json.dumps(
            {
                "inputs": dict(sorted(self.inputs.items())),
                "listing": self.listing,
                "findings": list(self.findings),
                "editions": [edition.__dict__ for edition in self.editions],
                "warnings": list(self.warnings),
            },
            sort_keys=True,
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> Record | None:
        try:
            fields = json.loads(data)
            return cls(
                inputs={str(k): str(v) for k, v in fields["inputs"].items()},
                listing=str(fields["listing"]),
                findings=tuple(dict(f) for f in fields["findings"]),
                editions=tuple(Edition(**e) for e in fields["editions"]),
                warnings=tuple(str(w) for w in fields["warnings"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


@functools.cache
def _versions() -> tuple[str, ...]:
    """``name version`` of each library in :data:`LIBRARIES`, looked up once per process."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return tuple(versions)


def library_version(name: str) -> str:
    """``name version`` of one library of :data:`LIBRARIES`, from the same lookup (a build
    has made it already, so a renderer's cache key costs nothing more)."""
    return next(entry for entry in _versions() if entry.split(" ", 1)[0] == name)


def record_key(cache: Cache, root: Path, output: Path, options: Iterable[object]) -> str:
    """The key of the record for builds of ``root`` into ``output`` with ``options``."""
    return cache.key(
        "build record",
        str(root.resolve()),
        str(output.resolve()),
        repr(tuple(options)),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        "\n".join(_versions()),
    )


def listing(root: Path) -> str:
    """SHA-256 of every name (and link target) under the watched folders, links not followed."""
    digest = hashlib.sha256()
    for folder in WATCHED_FOLDERS:
        top = root / folder
        for current, folders, files in os.walk(top, followlinks=False):
            folders.sort()
            for name in sorted(files) + [f"{f}/" for f in folders]:
                path = Path(current, name.rstrip("/"))
                target = os.readlink(path) if path.is_symlink() else ""
                digest.update(f"{path.relative_to(root).as_posix()}\0{target}\0".encode())
    return digest.hexdigest()


def digests(root: Path, read: Mapping[Path, bytes]) -> dict[str, str]:
    """Project-relative path -> SHA-256 of files a build read (absolute paths inside ``root``)."""
    real = root.resolve()
    return {
        path.relative_to(real).as_posix(): hashlib.sha256(data).hexdigest()
        for path, data in read.items()
        if path.is_relative_to(real)
    }


def fresh(record: Record, root: Path, output: Path) -> bool:
    """Whether the project and the output folder are as ``record`` left them."""
    if listing(root) != record.listing:
        return False
    gate = Gate(root)
    where = Where(None)
    try:
        for name, expected in record.inputs.items():
            data = gate.read_found(root.resolve() / name, named_by=where, limit=MAX_IMAGE_BYTES)
            if hashlib.sha256(data).hexdigest() != expected:
                return False
        for edition in record.editions:
            path = output / edition.name
            if path.is_symlink() or not path.is_file() or path.stat().st_size != edition.size:
                return False
            if hashlib.sha256(path.read_bytes()).hexdigest() != edition.sha256:
                return False
    except (OSError, ValueError, BookError):  # any refusal: not up to date
        return False
    return True
