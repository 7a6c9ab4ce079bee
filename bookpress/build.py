"""The recipe: load the book once, render each requested edition, write it safely."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import BookError
from .loader import load_book
from .model import Book, Volume, edition_filename, roman, volume_number
from .renderers import PROFILES, Profile

TEMP_PREFIX = ".bookpress-"


@dataclass(frozen=True)
class BuildOptions:
    """What to build; None means everything."""

    output: Path
    volumes: tuple[str, ...] = ()  # "III" or "3"
    formats: tuple[str, ...] = ()  # "epub", "pdf"
    profiles: tuple[str, ...] = ()  # "ebook", "print", "screen"


@dataclass(frozen=True)
class Written:
    """One edition the build wrote."""

    path: Path
    size: int
    seconds: float
    profile: str
    volume: int


def build(
    root: Path,
    options: BuildOptions,
    *,
    on_written: Callable[[Written], None] = lambda written: None,
    on_step: Callable[[str], None] = lambda step: None,
) -> list[Written]:
    """Build the selected editions of the project at ``root`` into ``options.output``.

    ``on_step`` hears what is being done ("Band III, ebook: rendering") for progress displays.
    """
    on_step("reading the manuscript")
    book = load_book(root)
    volumes = select_volumes(book, options.volumes)
    profiles = select_profiles(options.formats, options.profiles)
    options.output.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(options.output)
    written = []
    for volume in volumes:
        for profile in profiles:
            on_step(f"Band {roman(volume.number)}, {profile.name}: rendering the {profile.format.upper()}")
            result = build_edition(book, volume, profile, options.output)
            on_written(result)
            written.append(result)
    return written


def build_edition(book: Book, volume: Volume, profile: Profile, output: Path) -> Written:
    """Render one edition and replace its file atomically."""
    started = time.perf_counter()
    data = profile.render(book, volume, timestamp(volume))
    path = output / edition_filename(book.series, volume, profile.name)
    write_atomically(path, data)
    return Written(
        path=path,
        size=len(data),
        seconds=time.perf_counter() - started,
        profile=profile.name,
        volume=volume.number,
    )


def select_volumes(book: Book, wanted: tuple[str, ...]) -> list[Volume]:
    if not wanted:
        return list(book.volumes)
    chosen = []
    known = ", ".join(roman(v.number) for v in book.volumes)
    for text in wanted:
        number = volume_number(text)
        try:
            chosen.append(book.volume(number if number is not None else -1))
        except KeyError:
            raise BookError(f"there is no volume '{text}'; the series has: {known}") from None
    return chosen


def select_profiles(formats: tuple[str, ...], names: tuple[str, ...]) -> list[Profile]:
    profiles = [
        p
        for p in PROFILES.values()
        if (not formats or p.format in formats) and (not names or p.name in names)
    ]
    if not profiles:
        raise BookError("no edition matches the chosen --format and --profile")
    return profiles


def timestamp(volume: Volume) -> dt.datetime:
    """The time recorded in the files: SOURCE_DATE_EPOCH if set, else the volume's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise BookError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not '{epoch}'")
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(volume.date, dt.time())


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    with _temporary(path.parent) as temporary:
        temporary.write_bytes(data)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); an edition is an ordinary file.
        temporary.chmod(0o666 & ~_umask())
        os.replace(temporary, path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _temporary(folder: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove what an earlier build left when it was killed mid-write."""
    for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)
