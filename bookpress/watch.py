"""``bookpress watch``: rebuild the editions a change affects, as long as the author writes.

The only module that imports watchdog. Events are collected until the sources
have been quiet for a moment (editors save in bursts: a temporary file, a
rename, a touch), then the affected volumes are rebuilt: a chapter file
rebuilds its own volume; ``book.toml``, styles, images, the author page and
anything else rebuild all. A failed build is reported (whatever failed, a bug
included) and watching goes on.

The watcher never reacts to its own output: events under the output folder
(which may lie inside manuscript/ or styles/) and under ``.bookpress*`` files
and folders (temporaries, the lock) are ignored.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path
from typing import Protocol

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import jobs
from .build import BuildOptions, Written, build
from .config import load_config
from .errors import BookError
from .lint import Finding
from .loader import manuscript_dir
from .model import volume_number

WATCHED = ("manuscript", "styles")
DEBOUNCE = 0.3  # seconds of quiet before a rebuild
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


class Reporter(Protocol):
    """Who hears what the watcher does (the command line prints it)."""

    def written(self, written: Written) -> None: ...
    def step(self, text: str) -> None: ...
    def rebuilt(self, editions: list[Written], seconds: float, changed: list[Path]) -> None: ...
    def failed(self, error: Exception) -> None: ...
    def finding(self, finding: Finding) -> None: ...
    def waiting(self, holder: str) -> None: ...
    def watching(self, folders: list[Path]) -> None: ...


class _Changes(FileSystemEventHandler):
    """Collects changed paths from watchdog's thread."""

    def __init__(self, ignored: Ignored) -> None:
        self.ignored = ignored
        self.lock = threading.Lock()
        self.paths: set[Path] = set()
        self.arrived = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(str(raw)) if raw else None
            if path is not None and _relevant(path) and not self.ignored(path):
                with self.lock:
                    self.paths.add(path)
                self.arrived.set()

    def take(self) -> list[Path]:
        with self.lock:
            paths, self.paths = sorted(self.paths), set()
        # Editors' and sed's temporary files come and go without a suffix.
        return [path for path in paths if path.exists() or path.suffix]


def _relevant(path: Path) -> bool:
    name = path.name
    return not (name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES))


OWN_SUFFIXES = (".epub", ".pdf")


@dataclasses.dataclass(frozen=True)
class Ignored:
    """Tells the build's own files from the author's: the output folder and ``.bookpress*``."""

    output: Path  # resolved
    sources: tuple[Path, ...]  # the watched folders, resolved

    @classmethod
    def of(cls, root: Path, output: Path) -> Ignored:
        return cls(output.resolve(), tuple((root / name).resolve() for name in WATCHED))

    def __call__(self, path: Path) -> bool:
        path = Path(os.path.abspath(path))
        if any(part.startswith(".bookpress") for part in path.parts):
            return True
        if not path.is_relative_to(self.output):
            return False
        if any(source.is_relative_to(self.output) for source in self.sources):
            # Output is a watched folder or holds one (-o manuscript, -o .): only the
            # editions written straight into it are ours.
            return path.parent == self.output and path.suffix.lower() in OWN_SUFFIXES
        return True


def watch(
    root: Path,
    options: BuildOptions,
    reporter: Reporter,
    *,
    debounce: float = DEBOUNCE,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild after every burst of changes until ``stop`` is set (or Ctrl-C)."""
    stop = stop or threading.Event()
    root = root.resolve()
    # One runner for the whole session: its workers stay loaded between saves.
    with jobs.runner(workers=options.jobs, scheduler=options.scheduler, cache=options.cache) as run:
        _watch(root, options, reporter, debounce, stop, run)


def _watch(
    root: Path,
    options: BuildOptions,
    reporter: Reporter,
    debounce: float,
    stop: threading.Event,
    run: jobs.Runner,
) -> None:
    rebuild(root, options, reporter, [], run)
    changes = _Changes(Ignored.of(root, options.output))
    observer = Observer()
    folders = [root / name for name in WATCHED if (root / name).is_dir()]
    for folder in folders:
        observer.schedule(changes, str(folder), recursive=True)
    observer.start()
    reporter.watching(folders)
    try:
        while not stop.is_set():
            if not changes.arrived.wait(0.2):
                continue
            _settle(changes.arrived, debounce, stop)
            changed = changes.take()
            if changed:
                rebuild(root, options, reporter, changed, run)
    finally:
        observer.stop()
        observer.join()


def _settle(arrived: threading.Event, debounce: float, stop: threading.Event) -> None:
    """Wait until no event has arrived for ``debounce`` seconds."""
    while arrived.is_set() and not stop.is_set():
        arrived.clear()
        time.sleep(debounce)


def rebuild(
    root: Path, options: BuildOptions, reporter: Reporter, changed: list[Path], run: jobs.Runner | None = None
) -> None:
    """Build what ``changed`` affects (everything when it is empty); report every failure,
    the author's and our own bugs alike, and never raise: watching goes on."""
    started = time.perf_counter()
    try:
        volumes = affected_volumes(root, changed, options.volumes)
        if volumes == ():
            return  # only volumes outside the selection changed
        written = build(
            root,
            dataclasses.replace(options, volumes=volumes or options.volumes),
            on_written=reporter.written,
            on_step=reporter.step,
            on_finding=reporter.finding,
            on_wait=reporter.waiting,
            runner=run,
        )
    except Exception as error:  # a bug must not end the session; the reporter says what it was
        reporter.failed(error)
        return
    reporter.rebuilt(written, time.perf_counter() - started, changed)


def affected_volumes(root: Path, changed: list[Path], selected: tuple[str, ...]) -> tuple[str, ...] | None:
    """The volumes (as numbers) to rebuild for ``changed``; None means all selected ones."""
    if not changed:
        return None
    try:
        config = load_config(manuscript_dir(root) / "book.toml")
    except BookError:
        return None  # let the build report it
    folders = {(manuscript_dir(root) / v.dir).resolve(): v.number for v in config.volumes}
    numbers: set[int] = set()
    for path in changed:
        number = folders.get(path.resolve().parent)
        if number is None:
            return None  # shared by all volumes: styles, book.toml, images, the author page
        numbers.add(number)
    if selected:
        numbers &= {volume_number(text) or -1 for text in selected}
    return tuple(str(n) for n in sorted(numbers))
