"""An audit hook that records every file the build opens, and what lies outside the allowed places.

``sys.addaudithook`` cannot be removed, so the hook is installed once per
process and switched on and off with :func:`recording`. Each recorded path is
resolved at the moment it is opened (links followed), so a chapter that is a
link to a file elsewhere counts as that file.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import bookpress

EVENTS = {"open", "os.listdir", "os.scandir"}


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


def allowed_places(project: Path) -> tuple[str, ...]:
    """Folders the build may read below, each for a reason; nothing else is allowed.

    - the project folder: the manuscript, styles/ and output/
    - the bookpress package: its default styles and preview files
    - the Python standard library and the installed packages (venv and base):
      modules imported lazily, Pyphen's dictionaries, WeasyPrint's and
      ebooklib's data files
    - /usr/lib, /usr/lib64, /lib: shared libraries that Python modules load
    - /usr/share/fonts, /etc/fonts: Fontconfig's fonts and configuration
    - /usr/share/zoneinfo: time zone data (zoneinfo, datetime)
    - /dev/null: what subprocess and logging may open for nothing
    - /proc/self: a process reading its own state (memory, open files)
    - the installed packages' metadata folders (``*.dist-info``, ``*.egg-info``) on
      sys.path: Python-Markdown finds its extensions through entry points, which
      reads every distribution's ``entry_points.txt`` (bookpress's own lies beside
      its package in an editable install)
    """
    paths = sysconfig.get_paths()
    places = {
        _real(project),
        _real(Path(bookpress.__file__).parent),
        *(_real(paths[key]) for key in ("stdlib", "platstdlib", "purelib", "platlib")),
        "/usr/lib",
        "/usr/lib64",
        "/lib",
        "/usr/share/fonts",
        "/etc/fonts",
        "/usr/share/zoneinfo",
        "/dev/null",
        "/proc/self",
        *_metadata_folders(),
    }
    return tuple(sorted(places))


def _metadata_folders() -> list[str]:
    """The distribution metadata folders directly in the sys.path entries."""
    found = []
    for entry in sys.path:
        folder = Path(entry or ".")
        if folder.is_dir():
            found += [_real(p) for p in folder.iterdir() if p.suffix in (".dist-info", ".egg-info")]
    return found


def is_allowed(path: str, places: tuple[str, ...]) -> bool:
    return any(path == place or path.startswith(place.rstrip("/") + "/") for place in places)


class _Recorder:
    def __init__(self) -> None:
        self.active = False
        self.seen: list[tuple[str, str]] = []
        self.installed = False

    def hook(self, event: str, args: tuple) -> None:
        if not self.active or event not in EVENTS:
            return
        path = args[0] if args else None
        if path is None or isinstance(path, int):
            return  # an open file descriptor: its path was recorded when it was opened
        self.active = False  # realpath must not record itself
        try:
            self.seen.append((event, _real(os.fsdecode(path))))
        except (TypeError, ValueError):
            pass
        finally:
            self.active = True


RECORDER = _Recorder()


def install() -> None:
    """Add the hook to this process once; later calls do nothing."""
    if not RECORDER.installed:
        sys.addaudithook(RECORDER.hook)
        RECORDER.installed = True


@contextmanager
def recording() -> Iterator[list[tuple[str, str]]]:
    """Record the real paths opened or listed inside the block into the list yielded."""
    install()
    RECORDER.seen = []
    RECORDER.active = True
    try:
        yield RECORDER.seen
    finally:
        RECORDER.active = False


def _weasyprint_font(path: str) -> bool:
    """WeasyPrint writes the fonts of @font-face rules (already fetched from styles/ through
    the project fetcher) into a temporary folder ``weasyprint-*`` for Fontconfig to read."""
    temporary = Path(_real(tempfile.gettempdir()))
    return any(
        folder.parent == temporary and folder.name.startswith("weasyprint-")
        for folder in (Path(path), Path(path).parent)
    )


def outside(seen: list[tuple[str, str]], project: Path) -> list[str]:
    """The recorded "event path" pairs outside every allowed place, once each, in order.

    A folder or zip file on ``sys.path`` itself is the import system looking for
    a module (the tests folder, a missing python3XX.zip): allowed, but not the
    files in it.
    """
    places = allowed_places(project)
    imports = tuple(_real(entry or ".") for entry in sys.path)
    return list(
        dict.fromkeys(
            f"{event} {path}"
            for event, path in seen
            if not is_allowed(path, places) and path not in imports and not _weasyprint_font(path)
        )
    )
