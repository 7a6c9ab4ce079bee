"""The one gate every file the build reads passes through.

A manuscript may come from anyone, so a path it names is only read if it is:

* relative (not absolute) and does not climb out of the project with ``..``;
* inside the project folder once symbolic links are followed;
* a regular file (checked with ``stat`` before opening: a FIFO, a device such
  as ``/dev/zero``, a socket or a folder is refused without being opened, so
  nothing hangs);
* no larger than the limit for its kind, and the project as a whole no larger
  than :data:`MAX_PROJECT_BYTES`.

A refusal is a :class:`~bookpress.errors.BookError` located at the file and
line that *named* the path (:class:`Where`): the ``book.toml`` key, the
chapter line of an image, the stylesheet line of a ``url()``. No message ever
contains anything read from the refused file. Each file is read once; later
requests for it are answered from memory.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BookError

MiB = 1024 * 1024
MAX_TOML_BYTES = 1 * MiB  # book.toml
MAX_SOURCE_BYTES = 10 * MiB  # one Markdown file (chapter, author page)
MAX_LIST_BYTES = 1 * MiB  # the hyphenation list
MAX_CSS_BYTES = 2 * MiB  # one stylesheet
MAX_FONT_BYTES = 20 * MiB  # one font file
MAX_IMAGE_BYTES = 50 * MiB  # one image (cover, figure, SVG)
MAX_PROJECT_BYTES = 1024 * MiB  # everything one build reads, together


@dataclass(frozen=True)
class Where:
    """The place that named a path: a file, and where known its line and key."""

    file: Path | None
    line: int | None = None
    key: str | None = None

    def refuse(self, message: str) -> BookError:
        """A BookError located here."""
        return BookError(message, file=self.file, line=self.line, key=self.key)

    def describe(self, root: Path) -> str:
        """ "manuscript/band-1/01-a.md:12", relative to ``root`` where possible."""
        if self.file is None:
            return "?"
        shown = self.file
        if shown.is_absolute() and shown.resolve().is_relative_to(root):
            shown = shown.resolve().relative_to(root)
        return f"{shown}:{self.line}" if self.line else str(shown)


def read_regular(
    path: Path,
    *,
    limit: int,
    named_by: Where,
    what: str = "file",
    shown: str | None = None,
    nofollow: bool = False,
) -> bytes:
    """Read ``path`` if it is a regular file of at most ``limit`` bytes; no confinement.

    For files whose place is already known to be safe (book.toml, files a
    listing found). ``stat`` comes first, and the file is opened without
    blocking and checked again through its descriptor, so a FIFO swapped in
    between the two cannot hang the build.
    """
    shown = shown or path.name
    _check_kind(path, limit=limit, named_by=named_by, what=what, shown=shown)
    try:
        # O_NOFOLLOW: a resolved path that became a link since is not followed.
        flags = os.O_RDONLY | os.O_NONBLOCK | (getattr(os, "O_NOFOLLOW", 0) if nofollow else 0)
        fd = os.open(path, flags)
    except OSError as error:
        raise named_by.refuse(f"{what} '{shown}' cannot be read: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise named_by.refuse(f"{what} '{shown}' is not a regular file")
        data = handle.read(limit + 1)  # a file may grow after stat: never read more than the limit
    if len(data) > limit:
        raise named_by.refuse(_too_large(what, shown, limit))
    return data


def _check_kind(path: Path, *, limit: int, named_by: Where, what: str, shown: str) -> os.stat_result:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise named_by.refuse(f"{what} '{shown}' does not exist") from None
    except OSError as error:
        raise named_by.refuse(f"{what} '{shown}' cannot be read: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise named_by.refuse(f"{what} '{shown}' is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise named_by.refuse(f"{what} '{shown}' is not a regular file (a device, pipe or socket)")
    if info.st_size > limit:
        raise named_by.refuse(_too_large(what, shown, limit))
    return info


def _too_large(what: str, shown: str, limit: int) -> str:
    return f"{what} '{shown}' is larger than the limit of {limit // MiB} MiB"


class Gate:
    """Resolves, confines, checks and reads the files of one project folder."""

    def __init__(self, root: Path, *, budget: int = MAX_PROJECT_BYTES) -> None:
        self.root = root.resolve()
        self.budget = budget
        self.total = 0
        self._read: dict[Path, bytes] = {}

    def files(self) -> dict[Path, bytes]:
        """Every file read through this gate so far: real path -> bytes."""
        return dict(self._read)

    # Paths and folders

    def resolve(
        self, path: Path | str, *, base: Path | None = None, named_by: Where, what: str = "file"
    ) -> Path:
        """The real path of ``path`` (relative to ``base``, by default the project folder),
        refused unless it lies in the project.

        ``path`` as the author wrote it must be relative and must not climb
        out of the project with ``..``; after following links it must still
        be inside. Existence is not checked here.
        """
        written = str(path)
        if not written.strip():
            raise named_by.refuse(f"the {what} path is empty")
        if "\x00" in written:
            raise named_by.refuse(f"the {what} path contains a NUL character")
        if PurePosixPath(written).is_absolute() or Path(written).is_absolute():
            raise named_by.refuse(
                f"{what} '{written}' is an absolute path; "
                "write it relative to the project's manuscript/ folder"
            )
        base = base or self.root
        base = self.inside(base) or base  # the folder it is relative to, as it really is
        joined = Path(posixpath.normpath(os.path.join(base, written)))
        if not base.is_relative_to(self.root):
            raise named_by.refuse(f"{what} '{written}' is in a folder that links outside the project")
        if not joined.is_relative_to(self.root):
            raise named_by.refuse(f"{what} '{written}' climbs out of the project folder with '..'")
        try:
            real = joined.resolve()
        except (OSError, RuntimeError):  # a loop of links
            raise named_by.refuse(f"{what} '{written}' is a loop of symbolic links") from None
        if not real.is_relative_to(self.root):
            raise named_by.refuse(f"{what} '{written}' is a link to a place outside the project folder")
        return real

    def inside(self, path: Path) -> Path | None:
        """The real path of an absolute ``path`` if it lies in the project, else None (no message)."""
        try:
            real = path.resolve()
        except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
            return None
        return real if real.is_relative_to(self.root) else None

    def folder(
        self, path: Path | str, *, base: Path | None = None, named_by: Where, what: str = "folder"
    ) -> Path:
        """A folder inside the project, resolved; refused if it is outside, missing or not a folder."""
        real = self.resolve(path, base=base, named_by=named_by, what=what)
        if not real.is_dir():
            exists = real.exists()
            raise named_by.refuse(f"{what} '{path}' " + ("is not a folder" if exists else "does not exist"))
        return real

    def file(
        self, path: Path | str, *, base: Path | None = None, named_by: Where, limit: int, what: str = "file"
    ) -> Path:
        """A regular file inside the project of at most ``limit`` bytes, resolved; else refused."""
        real = self.resolve(path, base=base, named_by=named_by, what=what)
        _check_kind(real, limit=limit, named_by=named_by, what=what, shown=str(path))
        return real

    def is_file(self, path: Path) -> bool:
        """Whether ``path`` (absolute) is a regular file inside the project; never raises."""
        real = self.inside(path)
        try:
            return real is not None and stat.S_ISREG(real.stat().st_mode)
        except OSError:
            return False

    # Reading

    def read_bytes(
        self, path: Path | str, *, base: Path | None = None, named_by: Where, limit: int, what: str = "file"
    ) -> bytes:
        """The bytes of a checked file named by the author (see :meth:`file`); read once."""
        real = self.file(path, base=base, named_by=named_by, limit=limit, what=what)
        return self._read_real(real, shown=str(path), named_by=named_by, limit=limit, what=what)

    def read_text(
        self, path: Path | str, *, base: Path | None = None, named_by: Where, limit: int, what: str = "file"
    ) -> str:
        """A checked file decoded as UTF-8 (a BOM is dropped); a decoding error names the line."""
        data = self.read_bytes(path, base=base, named_by=named_by, limit=limit, what=what)
        return decode_utf8(data, file=self.resolve(path, base=base, named_by=named_by, what=what))

    def read_found(self, path: Path, *, named_by: Where, limit: int, what: str = "file") -> bytes:
        """The bytes of a file the build found itself (an absolute path, e.g. from a folder
        listing), under the same rules: inside the project after links, regular, within ``limit``."""
        real = self.inside(path)
        if real is None:
            raise named_by.refuse(f"{what} '{path.name}' is a link to a place outside the project folder")
        _check_kind(real, limit=limit, named_by=named_by, what=what, shown=path.name)
        return self._read_real(real, shown=path.name, named_by=named_by, limit=limit, what=what)

    def _read_real(self, real: Path, *, shown: str, named_by: Where, limit: int, what: str) -> bytes:
        if real in self._read:
            return self._read[real]
        data = read_regular(real, limit=limit, named_by=named_by, what=what, shown=shown, nofollow=True)
        self.total += len(data)
        if self.total > self.budget:
            raise named_by.refuse(
                f"the project's files together exceed the limit of {self.budget // MiB} MiB"
            )
        self._read[real] = data
        return data

    def relative(self, real: Path) -> str:
        """Project-relative POSIX path of a real path inside the project."""
        return real.relative_to(self.root).as_posix()


def project_root(path: Path) -> Path | None:
    """The project folder (holding ``manuscript/book.toml``) that ``path`` lies in, if any."""
    for folder in path.resolve().parents:
        if (folder / "manuscript" / "book.toml").is_file():
            return folder
    return None


def decode_utf8(data: bytes, *, file: Path) -> str:
    """``data`` as text; a byte that is not UTF-8 is reported with its line, never its text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BookError(
            f"is not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8", file=file, line=line
        ) from None
