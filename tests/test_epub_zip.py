"""The EPUB's container writer: a zip any reader opens, deflated once per content."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
import zlib
from pathlib import Path

from bookpress.cache import Cache
from bookpress.renderers import epub_zip
from bookpress.renderers.epub_zip import Entry

WHEN = dt.datetime(2026, 9, 14, 10, 30, 17)


def entries() -> list[Entry]:
    return [
        Entry("mimetype", b"application/epub+zip", deflate=False),
        Entry("EPUB/text/kapitel-ü.xhtml", "<p>Größe</p>\n".encode() * 500),
        Entry("EPUB/images/bild.jpg", os.urandom(3000), deflate=False),
        Entry("EPUB/empty.css", b""),
    ]


def test_python_reads_back_every_entry_as_written() -> None:
    made = epub_zip.write(entries(), WHEN)
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert archive.testzip() is None  # every CRC agrees
        infos = archive.infolist()
        assert [info.filename for info in infos] == [entry.name for entry in entries()]
        for info, entry in zip(infos, entries(), strict=True):
            if entry.name != "EPUB/images/bild.jpg":  # random bytes: compared by size
                assert archive.read(info) == entry.data
            assert info.file_size == len(entry.data)
            assert info.compress_type == (zipfile.ZIP_DEFLATED if entry.deflate else zipfile.ZIP_STORED)
            assert info.date_time == (2026, 9, 14, 10, 30, 16)  # DOS times count two seconds
            assert info.external_attr >> 16 == 0o100644
        assert infos[1].flag_bits & 0x800  # the UTF-8 name is marked as such
        assert not infos[0].flag_bits & 0x800


def test_mimetype_is_the_first_entry_stored_at_offset_38() -> None:
    """OCF: the mimetype file first, uncompressed, no extra field, so that its content
    stands at byte 38 for tools that sniff the type."""
    made = epub_zip.write(entries(), WHEN)
    assert made[30:38] == b"mimetype"
    assert made[38:58] == b"application/epub+zip"


def test_same_entries_give_the_same_bytes() -> None:
    fixed = [e for e in entries() if e.name != "EPUB/images/bild.jpg"]
    assert epub_zip.write(fixed, WHEN) == epub_zip.write(list(fixed), WHEN)


def test_times_before_1980_are_stamped_1980() -> None:
    made = epub_zip.write(entries()[:1], dt.datetime(1970, 1, 1))
    assert zipfile.ZipFile(io.BytesIO(made)).infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_deflated_bytes_are_kept_in_the_build_cache(tmp_path: Path) -> None:
    data = os.urandom(40_000) * 3  # large enough for the cache, compressible
    cache = Cache(tmp_path)
    epub_zip._memo.clear()
    made = epub_zip.deflated(data, cache=cache)
    assert zlib.decompress(made, -15) == data
    assert cache.size()[0] == 1
    epub_zip._memo.clear()
    assert epub_zip.deflated(data, cache=cache) == made


def test_a_kept_stream_that_holds_other_bytes_is_not_used(tmp_path: Path) -> None:
    data = os.urandom(40_000) * 3
    cache = Cache(tmp_path)
    key = cache.key("zip deflate", str(epub_zip.LEVEL), zlib.ZLIB_VERSION, hashlib.sha256(data).digest())
    wrong = zlib.compressobj(9, zlib.DEFLATED, -15)
    cache.put(key, wrong.compress(b"other bytes") + wrong.flush())
    epub_zip._memo.clear()
    assert zlib.decompress(epub_zip.deflated(data, cache=cache), -15) == data
