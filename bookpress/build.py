"""The recipe: check and load the book once, render each volume's editions, write them together.

``build`` runs the checks ``check`` runs (:func:`bookpress.lint.lint_project`)
and renders the book that pass loaded: errors stop it before anything is
written, warnings are handed to ``on_finding``, ``strict`` makes warnings stop
it too. Each volume's selected editions are rendered into memory first and
replaced together (:mod:`bookpress.output`), so a failed PDF leaves that
volume's EPUB as it was. Failures come in two kinds: a :class:`BookError` (the
manuscript, or a file it names, cannot be read or used) and an ``OSError``,
which always means the output could not be written.

``build`` is :func:`start_book` (every edition started on a runner, none waited
for) followed by :func:`collect` (wait, write), so several books can share one
runner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import uptodate
from .cache import Cache
from .config import load_config
from .errors import BookError, BookErrors, Problem
from .lint import Finding, Report, lint_project
from .loader import manuscript_dir
from .logs import LOG, heard_warnings
from .output import TEMP_PREFIX, locked, remove_stale_temporaries, write_atomically, write_together
from .values import source_date_epoch

if TYPE_CHECKING:  # the rest loads only once there is work to do: a build with none stays quick
    from . import jobs
    from .model import Book, Volume
    from .renderers import Profile

T = TypeVar("T")

__all__ = ["TEMP_PREFIX", "BuildOptions", "CheckFailed", "Written", "build", "write_atomically"]


@dataclass(frozen=True)
class BuildOptions:
    """What to build; None means everything."""

    output: Path
    volumes: tuple[str, ...] = ()  # "III" or "3"
    formats: tuple[str, ...] = ()  # "epub", "pdf"
    profiles: tuple[str, ...] = ()  # "ebook", "print", "screen"
    strict: bool = False  # warnings of the checks stop the build too
    jobs: int | None = None  # worker processes; None: one per core, 1: all in this process
    scheduler: str | None = None  # a Dask scheduler's address: editions go to its workers
    cache: bool = True  # reuse and keep results in the project's build cache


@dataclass(frozen=True)
class Written:
    """One edition the build wrote."""

    path: Path
    size: int
    seconds: float
    profile: str
    volume: int
    sha256: str = ""
    unchanged: bool = False  # already in the output folder, as this build would write it


class CheckFailed(BookErrors):
    """The checks found what stops the build; ``findings`` are printed as ``check`` prints them."""

    def __init__(self, findings: list[Finding], summary: str) -> None:
        self.findings = findings
        self.summary = summary
        super().__init__([Problem(f"{f.code}: {f.message}", f.file, f.line) for f in findings])


def build(
    root: Path,
    options: BuildOptions,
    *,
    on_written: Callable[[Written], None] = lambda written: None,
    on_step: Callable[[str], None] = lambda step: None,
    on_finding: Callable[[Finding], None] = lambda finding: None,
    on_wait: Callable[[str], None] = lambda holder: None,
    runner: jobs.Runner | None = None,
) -> list[Written]:
    """Build the selected editions of the project at ``root`` into ``options.output``.

    ``on_step`` hears what is being done ("Band III, ebook: rendering") for progress
    displays, ``on_finding`` each warning of the checks, ``on_wait`` who holds the
    output folder while this build waits for it. ``runner`` runs the jobs (one
    that ``watch`` keeps warm between builds); by default one is made from the
    options for this build.
    """
    if options.cache:
        unchanged = up_to_date(root, options, on_finding=on_finding, on_written=on_written)
        if unchanged is not None:
            return unchanged
    profiles = select_profiles(options.formats, options.profiles)
    # The workers start (and load the renderers) while this process runs the checks.
    making = runner_for(options, profiles, languages=book_languages([root]), dictionaries=root)
    with making if runner is None else nullcontext(runner) as run:
        on_step("reading the manuscript and running the checks")
        report = checked_report(root, strict=options.strict, on_finding=on_finding, cache=options.cache)
        book = report.book
        assert book is not None
        volumes = select_volumes(book, options.volumes)
        warnings: list[str] = []  # what rendering warned of, to be told again when nothing changed
        with claimed(options.output, on_wait=on_wait), heard_warnings(warnings):
            # Everything is started first, so the workers never wait for the next volume.
            started = start_book(run, book, volumes, profiles)
            written = collect(started, options.output, on_written=on_written, on_step=on_step)
    if options.cache:
        remember(book.root, options, report, written, warnings)
    return written


@contextmanager
def claimed(output: Path, *, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold the output folder (made if missing) for one build, rid of a killed build's leftovers."""
    output.mkdir(parents=True, exist_ok=True)
    with locked(output, on_wait=on_wait):
        remove_stale_temporaries(output)
        yield


def runner_for(
    options: BuildOptions,
    profiles: list[Profile],
    *,
    books: int = 1,
    languages: tuple[str, ...] = (),
    dictionaries: Path | None = None,
) -> AbstractContextManager[jobs.Runner]:
    """The runner the options ask for; worker processes only where they pay for their start
    (a PDF, or several books). Workers that will lay out PDFs load the hyphenation of
    ``languages`` as they start, kept parsed in the build cache of the project
    ``dictionaries`` unless the options turn the cache off."""
    from . import jobs

    pdf = any(profile.format == "pdf" for profile in profiles)
    workers = options.jobs if books > 1 or pdf else 1
    return jobs.runner(
        workers=workers,
        scheduler=options.scheduler,
        cache=options.cache,
        languages=languages if pdf else (),
        dictionaries=dictionaries if pdf and options.cache else None,
    )


def book_languages(roots: Iterable[Path]) -> tuple[str, ...]:
    """The languages the projects' ``book.toml`` name, read ahead of the checks; a
    project whose file the checks will refuse adds none (the checks tell why)."""
    found: list[str] = []
    for root in roots:
        try:
            language = load_config(manuscript_dir(root) / "book.toml").series.language
        except BookError:
            continue
        if language not in found:
            found.append(language)
    return tuple(found)


def _options_key(options: BuildOptions) -> tuple[object, ...]:
    """What of the options shapes the files (not how many workers make them)."""
    return (options.volumes, options.formats, options.profiles, options.strict)


def up_to_date(
    root: Path,
    options: BuildOptions,
    *,
    on_finding: Callable[[Finding], None],
    on_written: Callable[[Written], None],
) -> list[Written] | None:
    """The editions, if the output already holds this build's files (see :mod:`bookpress.uptodate`);
    then the findings and editions of the build that wrote them are told again. None otherwise."""
    cache = Cache(root.resolve())
    if not cache.enabled:
        return None
    key = uptodate.record_key(cache, root, options.output, _options_key(options))
    record = uptodate.Record.decode(cache.get(key) or b"")
    if record is None or not uptodate.fresh(record, root, options.output):
        return None
    for fields in record.findings:
        on_finding(Finding(**{**fields, "file": Path(fields["file"])}))
    for warning in record.warnings:
        LOG.warning("%s", warning)
    unchanged = [
        Written(options.output / e.name, e.size, 0.0, e.profile, e.volume, e.sha256, unchanged=True)
        for e in record.editions
    ]
    for edition in unchanged:
        on_written(edition)
    return unchanged


def remember(
    root: Path, options: BuildOptions, report: Report, written: list[Written], warnings: list[str]
) -> None:
    """Keep the record that lets the next build with nothing to do skip its work."""
    cache = Cache(root)
    if not cache.enabled:
        return
    read = dict(report.read)
    from .loader import manuscript_dir

    toml = manuscript_dir(root) / "book.toml"
    read[toml.resolve()] = toml.read_bytes()
    record = uptodate.Record(
        inputs=uptodate.digests(root, read),
        listing=uptodate.listing(root),
        findings=tuple(
            {**finding.__dict__, "file": str(finding.file)} for finding in report.shown(verbose=False)
        ),
        editions=tuple(uptodate.Edition(w.path.name, w.size, w.sha256, w.profile, w.volume) for w in written),
        warnings=tuple(warnings),
    )
    cache.put(uptodate.record_key(cache, root, options.output, _options_key(options)), record.encode())


def checked_book(
    root: Path, *, strict: bool, on_finding: Callable[[Finding], None], cache: bool = True
) -> Book:
    """The book, once the checks let it through; raises :class:`CheckFailed` otherwise."""
    book = checked_report(root, strict=strict, on_finding=on_finding, cache=cache).book
    assert book is not None
    return book


def checked_report(
    root: Path, *, strict: bool, on_finding: Callable[[Finding], None], cache: bool = True
) -> Report:
    """The checks' report, with the book, once they let it through; raises :class:`CheckFailed`.

    ``cache=False`` runs the checks without the project's build cache.
    """
    report = _readable(lambda: lint_project(root, cache=cache))
    if report.failed(strict=strict):
        raise CheckFailed(report.shown(verbose=False), _summary(report, strict=strict))
    if report.book is None:  # the build's own refusals, silenced in book.toml: still fatal
        raise CheckFailed(list(report.refused), "the book cannot be read")
    for finding in report.shown(verbose=False):
        on_finding(finding)
    return report


def _summary(report: Report, *, strict: bool) -> str:
    summary = report.summary()
    if strict and not report.counts["error"]:
        summary += " (--strict: warnings stop the build)"
    return summary


Started = list[tuple["Profile", "jobs.Pending", float]]


@dataclass(frozen=True)
class StartedBook:
    """A book's chosen editions, started on a runner and not yet waited for."""

    book: Book
    volumes: list[tuple[Volume, Started]]


def start_book(run: jobs.Runner, book: Book, volumes: list[Volume], profiles: list[Profile]) -> StartedBook:
    """Start every chosen edition of the chosen volumes; wait for none."""
    return StartedBook(book, [(volume, _start(run, book, volume, profiles)) for volume in volumes])


def collect(
    started: StartedBook,
    output: Path,
    *,
    on_written: Callable[[Written], None],
    on_step: Callable[[str], None],
) -> list[Written]:
    """Wait for a started book's editions, volume by volume, and write each volume's files together."""
    written: list[Written] = []
    for volume, pending in started.volumes:
        editions = finish_volume(started.book, volume, pending, output, on_step)
        for result in editions:
            on_written(result)
        written.extend(editions)
    return written


def _start(run: jobs.Runner, book: Book, volume: Volume, profiles: list[Profile]) -> Started:
    """Start the volume's editions; the result lists them in the order of ``profiles``.

    Editions rendered as one job are started before those laid out in units: a
    pool takes jobs in the order given, so a long single job (the screen PDF)
    runs beside the print edition's units instead of alone after them.
    """
    from .jobs import laid_out_in_units

    when = timestamp(volume)
    started = {}
    for profile in sorted(profiles, key=laid_out_in_units):
        pending = _readable(partial(run.start, book, volume, profile, when))
        started[profile.name] = (profile, pending, time.perf_counter())
    return [started[profile.name] for profile in profiles]


def finish_volume(
    book: Book, volume: Volume, started: Started, output: Path, on_step: Callable[[str], None]
) -> list[Written]:
    """Wait for the volume's editions, then replace their files together."""
    from .model import edition_filename, roman

    rendered: list[tuple[Written, bytes]] = []
    for profile, pending, since in started:
        on_step(f"Band {roman(volume.number)}, {profile.name}: rendering the {profile.format.upper()}")
        data = _readable(pending)
        path = output / edition_filename(book.series, volume, profile.name)
        seconds = time.perf_counter() - since
        digest = hashlib.sha256(data).hexdigest()
        rendered.append((Written(path, len(data), seconds, profile.name, volume.number, digest), data))
    on_step(f"Band {roman(volume.number)}: writing {len(rendered)} file{'s' if len(rendered) != 1 else ''}")
    write_together([(written.path, data) for written, data in rendered])
    return [written for written, _ in rendered]


def _readable(action: Callable[[], T]) -> T:
    """Run a step that only reads; a file it cannot read is the author's to fix, not a write error."""
    try:
        return action()
    except OSError as error:
        name = error.filename
        reason = error.strerror or str(error)
        raise BookError(f"cannot read: {reason}", file=Path(name) if name else None) from error


def select_volumes(book: Book, wanted: tuple[str, ...]) -> list[Volume]:
    from .model import roman, volume_number

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
    from .renderers import PROFILES

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
    epoch = source_date_epoch(os.environ)
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(volume.date, dt.time())
