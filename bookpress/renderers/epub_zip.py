"""The EPUB's container: a deterministic ZIP whose deflated entries are made once.

An EPUB's zip holds the same large files build after build: the fonts, the
stylesheets, the images. Deflating the fonts alone took a fifth of a second
per build. Python's :mod:`zipfile` deflates whatever it is given and cannot
take data deflated before, so this module writes the few records an OCF
container needs itself (local headers, the central directory, its end record;
PKWARE's APPNOTE.TXT, sections 4.3.7, 4.3.12 and 4.3.16) and keeps deflated
bytes by the digest of what they hold: in this process (``watch``, several
volumes of one series) and, given a cache, in the project's build cache.

No ZIP64: an entry or a container over 4 GiB is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cache import Cache

LEVEL = 6  # zlib's default: within 0.3 % of level 9's size for fonts and text, a fifth faster
MEMO_BYTES = 64 * 1024 * 1024  # deflated bytes kept in this process
CACHED_FROM = 64 * 1024  # entries this large are also kept in the build cache
LIMIT = 0xFFFFFFFF  # the largest size or offset a record without ZIP64 can hold

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UNIX = 3 << 8  # "version made by": the attributes are Unix ones
_NEEDED = {0: 10, 8: 20}  # the version a reader needs: 1.0 to store, 2.0 to deflate
_UTF8 = 1 << 11  # general purpose flag: the name is UTF-8
_MODE = 0o100644 << 16  # a regular file, rw-r--r--


@dataclass(frozen=True)
class Entry:
    """A file of the container: its name, its bytes, and whether to deflate them."""

    name: str
    data: bytes
    deflate: bool = True


def write(entries: list[Entry], timestamp: dt.datetime, *, cache: Cache | None = None) -> bytes:
    """The zip of ``entries`` in the order given, every entry stamped with ``timestamp``."""
    when = max(timestamp, dt.datetime(1980, 1, 1))
    time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    date = ((when.year - 1980) << 9) | (when.month << 5) | when.day
    stamp = (time, date)
    body: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8
        method = 8 if entry.deflate else 0
        stored = deflated(entry.data, cache=cache) if entry.deflate else entry.data
        crc = zlib.crc32(entry.data)
        if len(entry.data) > LIMIT or offset > LIMIT:
            raise ValueError(f"{entry.name}: the EPUB would exceed the 4 GiB a zip without ZIP64 holds")
        sizes = (crc, len(stored), len(entry.data), len(name))
        fields = (_NEEDED[method], flags, method, *stamp, *sizes)
        body += [_LOCAL.pack(0x04034B50, *fields, 0), name, stored]
        directory += [_CENTRAL.pack(0x02014B50, _UNIX | 20, *fields, 0, 0, 0, 0, _MODE, offset), name]
        offset += _LOCAL.size + len(name) + len(stored)
    central = b"".join(directory)
    if offset + len(central) > LIMIT or len(entries) > 0xFFFF:
        raise ValueError("the EPUB would exceed what a zip without ZIP64 holds")
    end = _END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(central), offset, 0)
    return b"".join([*body, central, end])


_memo: OrderedDict[bytes, bytes] = OrderedDict()
_memo_bytes = 0
_memo_lock = threading.Lock()


def deflated(data: bytes, *, cache: Cache | None = None) -> bytes:
    """``data`` as a raw deflate stream at :data:`LEVEL`; made once per content."""
    digest = hashlib.sha256(data).digest()
    with _memo_lock:
        known = _memo.get(digest)
        if known is not None:
            _memo.move_to_end(digest)
            return known
    kept = cache if cache is not None and len(data) >= CACHED_FROM else None
    key = kept.key("zip deflate", str(LEVEL), zlib.ZLIB_VERSION, digest) if kept else ""
    made = kept.get(key) if kept else None
    if made is None or not _inflates_to(made, data):
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        made = compressor.compress(data) + compressor.flush()
        if kept:
            kept.put(key, made)
    _remember(digest, made)
    return made


def _inflates_to(made: bytes, data: bytes) -> bool:
    """Whether a kept stream really holds ``data`` (the cache is sealed; this is cheap)."""
    try:
        return zlib.decompress(made, -15) == data
    except zlib.error:
        return False


def _remember(digest: bytes, made: bytes) -> None:
    global _memo_bytes
    with _memo_lock:
        if digest in _memo or len(made) > MEMO_BYTES:
            return
        _memo[digest] = made
        _memo_bytes += len(made)
        while _memo_bytes > MEMO_BYTES:
            _, dropped = _memo.popitem(last=False)
            _memo_bytes -= len(dropped)
