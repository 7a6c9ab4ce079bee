"""The build cache: results the pipeline computed once, kept under the content that shaped them.

Laid-out chapter PDFs, page counts and EPUB parts are stored in the project
folder at ``.bookpress/cache/`` (:data:`CACHE_DIR`), each under a key that is
the SHA-256 of everything that shaped it (:meth:`Cache.key`). A key names a
result, never a path: keys are 64 lowercase hex digits, and the entry for
``abcd…`` lives at ``.bookpress/cache/ab/abcd…`` (the first two digits fan the
entries out over 256 folders, so none grows large).

What a reader can rely on:

* **Verified on read.** An entry is a header (magic, format version, payload
  length, the key, SHA-256 of the payload) followed by the payload.
  :meth:`Cache.get` checks all of them and answers ``None`` for a file that is
  truncated, altered, foreign or stored for another key, and removes it.
  Because of this check, entries are not ``fsync``-ed: what a crash leaves
  half-written is a miss, not a wrong answer.
* **Safe with concurrent builds.** An entry is written to a temporary file in
  its own folder and renamed over the key (atomic on POSIX): a reader sees the
  old file, the new one or none, never half of one. Two builds storing the
  same key store the same bytes, and either rename may win.
* **Bounded.** When what the cache holds exceeds its limit, the least recently
  used entries go (a hit refreshes the file's modification time). The total is
  counted once per :class:`Cache` and then kept up to date from its own writes,
  so a store costs no folder scan; other builds' writes are seen at the next
  prune.
* **Never outside the project.** ``.bookpress`` and ``.bookpress/cache`` must be
  real folders: if either is a symbolic link or not a folder, the cache is off
  (nothing read, nothing written, nothing removed) and the ``bookpress`` logger
  warns once. Folders are opened one level at a time without following links,
  so a link swapped in later is refused too. A file in the cache that is not a
  regular file (a link, a FIFO, a device) is never opened, and no entry larger
  than :data:`MAX_ENTRY_BYTES` is read.
* **Never in the way.** A cache that cannot be written (a full disk, a
  read-only folder) is skipped: :meth:`Cache.put` logs at debug level and
  returns. ``enabled=False``, or ``BOOKPRESS_NO_CACHE=1`` in the environment,
  makes a cache that stores nothing and finds nothing; its :meth:`~Cache.size`,
  :meth:`~Cache.clear` and :meth:`~Cache.prune` still manage what earlier
  builds left (``bookpress cache info`` and ``clear`` rely on that).

* **Sealed to its folder.** An entry's digest is an HMAC keyed by the cache's
  seal: 32 random bytes in ``.bookpress/cache/seal``, together with that file's
  device, inode and change time. A cache that arrives with a project (copied,
  unpacked, restored) has a seal file with another identity, so none of its
  entries verify: a prepared entry cannot stand in for a render, because its
  maker cannot know the identity the seal file gets on the machine that
  builds. Entries made before a copy are simply misses.

Only the standard library is used: the cache sits under every build, and
``hashlib`` and ``os`` (with ``dir_fd``, ``O_NOFOLLOW`` and ``os.replace``) give
everything it needs without another dependency to pin and audit.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import hmac
import logging
import os
import re
import stat
import struct
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import __version__

CACHE_DIR = Path(".bookpress") / "cache"
DEFAULT_LIMIT_BYTES = 512 * 2**20
MAX_ENTRY_BYTES = 2**30  # no single result of a build comes near this
NO_CACHE_ENV = "BOOKPRESS_NO_CACHE"

FORMAT_VERSION = 2  # of the entry layout and the key derivation; raise it when either changes
MAGIC = b"BPCACHE\n"
# magic, format version, reserved (0), payload length, key (32 bytes), HMAC-SHA-256 of the payload
# under the seal
HEADER = struct.Struct(">8sHHQ32s32s")
TEMP_PREFIX = ".tmp-"
SEAL_NAME = "seal"
SEAL_BYTES = 32
STALE_TEMP_SECONDS = 3600  # a temporary this old belongs to a build that was killed
PRUNE_TO = 0.9  # a prune after a store leaves room, so the next stores do not scan again

LOG = logging.getLogger("bookpress")

_KEY = re.compile(r"[0-9a-f]{64}")
_FANOUT = re.compile(r"[0-9a-f]{2}")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_warned: set[Path] = set()  # projects whose refused cache was warned of in this process


def off_by_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``BOOKPRESS_NO_CACHE`` turns caching off (set to anything but empty or ``0``)."""
    return environ.get(NO_CACHE_ENV, "") not in ("", "0")


RECOUNT_SECONDS = 60.0  # a running total of the folder's bytes is trusted this long
_TOTALS: dict[Path, tuple[float, int]] = {}  # folder -> (when counted, bytes), in this process


class Cache:
    """A content-addressed store of build results in ``root / CACHE_DIR``.

    ``root`` is the project folder. ``limit_bytes`` bounds what the cache holds
    on disk; ``enabled=False`` (or ``BOOKPRESS_NO_CACHE=1``) gives a cache whose
    :meth:`get` finds nothing and whose :meth:`put` stores nothing.
    """

    def __init__(self, root: Path, *, limit_bytes: int = DEFAULT_LIMIT_BYTES, enabled: bool = True) -> None:
        if limit_bytes < 0:
            raise ValueError(f"limit_bytes must not be negative, not {limit_bytes}")
        self.root = root
        self.path = root / CACHE_DIR  # as shown to the author
        self.limit_bytes = limit_bytes
        self.refused: str | None = None  # why the folder is not used, once found unsafe
        self._wanted = enabled and not off_by_environment()
        self._real_root = root.resolve()
        self._total: int | None = None  # bytes held, counted at the first store
        self._sealed: bytes | None = None  # the HMAC key, once read or made
        with self._folder(create=False):
            pass  # finds a link or a file in the cache's place before the first build step

    @property
    def enabled(self) -> bool:
        """Whether :meth:`get` and :meth:`put` use the folder."""
        return self._wanted and self.refused is None

    # Keys

    def key(self, *parts: bytes | str) -> str:
        """The key of a result shaped by ``parts`` (text counts as its UTF-8 bytes).

        SHA-256 over the format version, bookpress's version and a digest of its
        code, and each part preceded by its length, so that ("ab", "c") and
        ("a", "bc") differ and a changed bookpress never finds the old results.
        """
        digest = hashlib.sha256()
        for part in (f"bookpress-cache {FORMAT_VERSION}".encode(), _code_version(), *parts):
            if isinstance(part, str):
                part = part.encode("utf-8")
            elif not isinstance(part, bytes):
                raise TypeError(f"a key part is bytes or str, not {type(part).__name__}")
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    # Entries

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``; None if absent, unreadable or damaged (a damaged
        entry is removed). A hit marks the entry as recently used."""
        _check_key(key)
        if not self.enabled:
            return None
        with self._folder(create=False) as folder:
            if folder is None:
                return None
            try:
                seal = self._seal(folder, create=False)
                if seal is None:
                    return None
                with _Subfolders(folder) as subfolders:
                    return _read(subfolders.open(key[:2]), key, seal)
            except FileNotFoundError:
                return None
            except OSError as error:
                LOG.debug("cache: cannot read %s: %s", key, error.strerror or error)
                return None

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing what was there; skipped (logged at debug
        level) when the cache cannot be written. Prunes when the limit is exceeded."""
        _check_key(key)
        if not self.enabled:
            return
        size = HEADER.size + len(data)
        if size > min(self.limit_bytes, HEADER.size + MAX_ENTRY_BYTES):
            LOG.debug("cache: %s not stored: %d bytes exceed the cache's limit", key, size)
            return
        try:
            with self._folder(create=True) as folder:
                if folder is None:
                    return
                seal = self._seal(folder, create=True)
                if seal is None:
                    return
                with _Subfolders(folder) as subfolders:
                    grown = _write(subfolders.open(key[:2], create=True), key, data, seal)
        except OSError as error:
            LOG.debug("cache: %s not stored: %s", key, error.strerror or error)
            return
        self._count(grown)

    def _seal(self, folder: int, *, create: bool) -> bytes | None:
        """The HMAC key of this cache folder; None if it has no usable seal (and ``create``
        is false, or one cannot be made)."""
        if self._sealed is None:
            self._sealed = _seal(folder, create=create)
        return self._sealed

    # The whole cache

    def size(self) -> tuple[int, int]:
        """How many entries the cache holds, and their bytes on disk."""
        with self._folder(create=False) as folder:
            if folder is None:
                return 0, 0
            with _Subfolders(folder) as subfolders:
                entries = [found for found in _listing(subfolders) if not found.temporary]
        return len(entries), sum(found.size for found in entries)

    def clear(self) -> int:
        """Remove every entry (and leftover temporaries); the bytes freed."""
        freed = 0
        with self._folder(create=False) as folder:
            if folder is None:
                return 0
            with _Subfolders(folder) as subfolders:
                for found in _listing(subfolders):
                    if _remove(subfolders, found):
                        freed += found.size
                for name in subfolders.opened():
                    with suppress(OSError):  # not empty: another build is storing right now
                        os.rmdir(name, dir_fd=folder)
        self._total = None
        _TOTALS.pop(self._real_root, None)
        return freed

    def prune(self) -> None:
        """Evict the least recently used entries until the cache holds at most ``limit_bytes``."""
        self._prune(self.limit_bytes)

    def _prune(self, target: int) -> None:
        with self._folder(create=False) as folder:
            if folder is None:
                return
            with _Subfolders(folder) as subfolders:
                listing = _listing(subfolders)
                stale = time.time_ns() - STALE_TEMP_SECONDS * 10**9
                for found in listing:
                    if found.temporary and found.mtime_ns < stale:
                        _remove(subfolders, found)
                entries = sorted((f for f in listing if not f.temporary), key=lambda f: (f.mtime_ns, f.name))
                total = sum(found.size for found in entries)
                for found in entries:
                    if total <= target:
                        break
                    _remove(subfolders, found)
                    total -= found.size  # gone, by us or by a build pruning at the same time
        self._total = total

    def _count(self, grown: int) -> None:
        """Keep the running total after a store of ``grown`` bytes; prune above the limit.

        The total is counted by one scan of the folder, shared by the caches of
        this process on the same folder for :data:`RECOUNT_SECONDS` (a build
        opens several; other processes' stores are seen at the next scan).
        """
        if self._total is None:
            counted = _TOTALS.get(self._real_root)
            if counted is not None and time.monotonic() - counted[0] < RECOUNT_SECONDS:
                self._total = counted[1] + grown
            else:
                self._total = self.size()[1]  # the scan, which already counts this store
        else:
            self._total += grown
        if self._total > self.limit_bytes:
            self._prune(int(self.limit_bytes * PRUNE_TO))
        _TOTALS[self._real_root] = (time.monotonic(), self._total or 0)

    # The folder

    @contextmanager
    def _folder(self, *, create: bool) -> Iterator[int | None]:
        """A descriptor of the cache folder, reached without following links; None when it
        does not exist (and ``create`` is false), cannot be made, or is refused."""
        opened: list[int] = []
        try:
            yield self._open_folder(opened, create=create)
        finally:
            for descriptor in reversed(opened):
                os.close(descriptor)

    def _open_folder(self, opened: list[int], *, create: bool) -> int | None:
        if self.refused is not None:
            return None
        try:
            # The project folder itself may be reached through a link (-C ~/link): it is the
            # place the author chose. Everything below it is not followed.
            opened.append(os.open(self._real_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        except OSError as error:
            LOG.debug("cache: cannot open the project folder %s: %s", self.root, error.strerror or error)
            return None
        shown = self.root
        try:
            for name in CACHE_DIR.parts:
                shown = shown / name
                opened.append(_open_dir(name, opened[-1], create=create))
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                self._refuse(shown, opened[-1])
            else:
                LOG.debug("cache: cannot open %s: %s", shown, error.strerror or error)
            return None
        return opened[-1]

    def _refuse(self, shown: Path, parent: int) -> None:
        """Turn the cache off for good: ``shown`` is a link or not a folder."""
        try:
            is_link = stat.S_ISLNK(os.stat(shown.name, dir_fd=parent, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        what = "a symbolic link, which bookpress does not follow" if is_link else "not a folder"
        self.refused = f"{shown} is {what}"
        if self._wanted and self._real_root not in _warned:
            _warned.add(self._real_root)
            LOG.warning("the build cache is off: %s (remove it to cache builds again)", self.refused)


@functools.cache
def _code_version() -> bytes:
    """bookpress's version and a digest of its source files: an edit to the code between
    releases (a developer's checkout) must not find results of the code before it."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        for part in (path.relative_to(package).as_posix().encode(), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return f"{__version__} {digest.hexdigest()}".encode()


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"a cache key is 64 lowercase hex digits (Cache.key), not {key!r:.80}")


def _open_dir(name: str, parent: int, *, create: bool) -> int:
    """Open the folder ``name`` in ``parent`` without following a link (ELOOP or ENOTDIR
    if it is one, or not a folder); made first if missing and ``create``."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    with suppress(FileExistsError):  # another build made it just now
        os.mkdir(name, 0o777, dir_fd=parent)
    return os.open(name, _DIR_FLAGS, dir_fd=parent)


class _Subfolders:
    """The fan-out folders of one cache folder, each opened once, without following links."""

    def __init__(self, folder: int) -> None:
        self.folder = folder
        self._opened: dict[str, int] = {}

    def __enter__(self) -> _Subfolders:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for descriptor in self._opened.values():
            os.close(descriptor)
        self._opened.clear()

    def open(self, name: str, *, create: bool = False) -> int:
        if name not in self._opened:
            self._opened[name] = _open_dir(name, self.folder, create=create)
        return self._opened[name]

    def opened(self) -> list[str]:
        return sorted(self._opened)


def _seal(folder: int, *, create: bool) -> bytes | None:
    """The seal's secret and its file's identity, hashed into one key (see the module text).

    The seal is made with ``O_EXCL`` in one write, so of two builds making it at
    once, one makes it and the other reads it. A seal that is not a regular file
    of :data:`SEAL_BYTES` bytes is not used: the cache then misses and stores nothing.
    """
    if create:
        with suppress(FileExistsError):
            descriptor = os.open(SEAL_NAME, _NEW_FILE_FLAGS, 0o600, dir_fd=folder)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(os.urandom(SEAL_BYTES))
    try:
        info = os.stat(SEAL_NAME, dir_fd=folder, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size != SEAL_BYTES:
            return None
        descriptor = os.open(SEAL_NAME, _FILE_FLAGS, dir_fd=folder)
        with os.fdopen(descriptor, "rb") as handle:
            secret = handle.read(SEAL_BYTES + 1)
            opened = os.fstat(descriptor)
    except OSError:
        return None
    if len(secret) != SEAL_BYTES or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
        return None
    identity = f"{opened.st_dev}:{opened.st_ino}:{opened.st_ctime_ns}".encode()
    return hashlib.sha256(secret + identity).digest()


def _mac(seal: bytes, key: str, data: bytes) -> bytes:
    return hmac.new(seal, bytes.fromhex(key) + data, hashlib.sha256).digest()


def _read(folder: int, key: str, seal: bytes) -> bytes | None:
    """The verified payload of the entry ``key`` in its fan-out ``folder``."""
    info = os.stat(key, dir_fd=folder, follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode):
        LOG.debug("cache: %s is not a regular file; ignored", key)
        return None  # never opened: a FIFO would block, a link may lead anywhere
    descriptor = os.open(key, _FILE_FLAGS, dir_fd=folder)
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            return None  # swapped since the stat above
        payload = _verified(handle, key, opened.st_size, seal)
        if payload is None:
            _discard(folder, key, opened)
            return None
        with suppress(OSError):  # a read-only cache still answers; it only forgets the order
            os.utime(descriptor)
    return payload


def _verified(handle: BinaryIO, key: str, size: int, seal: bytes) -> bytes | None:
    """The payload if the header matches ``key`` and the file's ``size``, and the HMAC matches."""
    if size < HEADER.size or size > HEADER.size + MAX_ENTRY_BYTES:
        return None
    header = handle.read(HEADER.size)
    if len(header) != HEADER.size:
        return None
    magic, version, _reserved, length, stored_key, digest = HEADER.unpack(header)
    if (magic, version, stored_key) != (MAGIC, FORMAT_VERSION, bytes.fromhex(key)):
        return None
    if length != size - HEADER.size:
        return None
    payload = handle.read(length + 1)
    if len(payload) != length or not hmac.compare_digest(_mac(seal, key, payload), digest):
        return None
    return payload


def _discard(folder: int, key: str, opened: os.stat_result) -> None:
    """Remove a damaged entry, unless another build has replaced it meanwhile."""
    with suppress(OSError):
        now = os.stat(key, dir_fd=folder, follow_symlinks=False)
        if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino):
            os.unlink(key, dir_fd=folder)
            LOG.debug("cache: removed the damaged entry %s", key)


def _write(folder: int, key: str, data: bytes, seal: bytes) -> int:
    """Store ``data`` as the entry ``key`` in its fan-out ``folder``, atomically; the bytes
    the cache grew by."""
    header = HEADER.pack(MAGIC, FORMAT_VERSION, 0, len(data), bytes.fromhex(key), _mac(seal, key, data))
    temporary = f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(8).hex()}"
    descriptor = os.open(temporary, _NEW_FILE_FLAGS, 0o666, dir_fd=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header)
            handle.write(data)
        before = _regular_size(folder, key)
        os.replace(temporary, key, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise
    return HEADER.size + len(data) - before


def _regular_size(folder: int, name: str) -> int:
    """The size of the regular file ``name`` in ``folder``; 0 for anything else or nothing."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


@dataclass(frozen=True)
class _Found:
    """A file the cache made: an entry, or a temporary being (or left) written."""

    subfolder: str
    name: str
    size: int
    mtime_ns: int
    temporary: bool

    @classmethod
    def of(cls, entry: os.DirEntry[str], subfolder: str) -> _Found:
        info = entry.stat(follow_symlinks=False)
        return cls(subfolder, entry.name, info.st_size, info.st_mtime_ns, entry.name.startswith(TEMP_PREFIX))


def _listing(subfolders: _Subfolders) -> list[_Found]:
    """The entries and temporaries in the cache; anything else there is left alone."""
    found = []
    with os.scandir(subfolders.folder) as entries:
        names = sorted(
            e.name for e in entries if _FANOUT.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
        )
    for subfolder in names:
        try:
            with os.scandir(subfolders.open(subfolder)) as entries:
                for entry in entries:
                    if _ours(entry, subfolder):
                        with suppress(FileNotFoundError):  # removed by another build meanwhile
                            found.append(_Found.of(entry, subfolder))
        except OSError:  # the folder was removed or replaced by another build meanwhile
            continue
    return found


def _ours(entry: os.DirEntry[str], subfolder: str) -> bool:
    """Whether ``entry`` is a regular file named as an entry of ``subfolder`` or a temporary."""
    named = entry.name.startswith(TEMP_PREFIX) or (
        _KEY.fullmatch(entry.name) is not None and entry.name[:2] == subfolder
    )
    return named and entry.is_file(follow_symlinks=False)


def _remove(subfolders: _Subfolders, found: _Found) -> bool:
    """Remove ``found``; whether this call removed it."""
    try:
        os.unlink(found.name, dir_fd=subfolders.open(found.subfolder))
    except OSError:
        return False
    return True
