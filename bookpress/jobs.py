"""Where a build's independent jobs run: in turn, in a local process pool, or on a Dask cluster.

A job is an edition of a volume, or one unit of a print edition (see
:mod:`bookpress.renderers.pdf`). Every runner gives the same bytes: jobs get
the checked :class:`~bookpress.model.Book` as data and never read the project
themselves, and a unit's folios come from the page counts of the units before
it, however the units were spread out.

- :class:`InTurn` renders everything in this process, one job after another
  (``--jobs 1``).
- :class:`LocalPool` spreads jobs over worker processes on this machine. A
  print edition's units go to the pool one by one, in order; a unit that is
  paginated before the units ahead of it waits for their page counts on a
  shared board, which never blocks for long because the pool starts jobs in
  the order they were given.
- :class:`bookpress.cluster.Cluster` sends whole editions to a Dask
  ``distributed`` scheduler (``--scheduler tcp://HOST:PORT``); each is
  rendered in turn on a worker.

Warnings raised while a job runs elsewhere travel back with its result and
are logged here, so they reach the author like any other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .logs import kept_warnings
from .model import Book, Volume
from .renderers import PROFILES, Profile

LOG = logging.getLogger("bookpress")

Pending = Callable[[], bytes]  # waits for an edition and gives its bytes


class Runner(Protocol):
    def start(self, book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime) -> Pending:
        """Begin rendering an edition; the result waits until it is done."""
        ...

    def close(self) -> None: ...


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class InTurn:
    """Every job in this process, one after another, when its result is asked for."""

    def __init__(self, *, cache: bool = False) -> None:
        self.cache = cache

    def start(self, book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime) -> Pending:
        plan = _in_units(book, volume, profile, timestamp, cache=self.cache)
        if plan is not None:
            from .renderers import pdf

            return lambda: pdf.finish(plan, pdf.run_in_turn(list(plan.jobs)))
        cache_root = book.root if self.cache else None
        return lambda: profile.render(book, volume, timestamp, cache_root=cache_root)

    def close(self) -> None:
        pass


def laid_out_in_units(profile: Profile) -> bool:
    """Whether the edition is laid out in units (see :mod:`.renderers.pdf`), not as one job."""
    if profile.format != "pdf":
        return False
    from .renderers import pdf_plan  # no WeasyPrint

    return pdf_plan.PROFILES[profile.name].in_units


def _in_units(book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime, *, cache: bool) -> Any:
    """The plan of an edition made in units; None for the others. With ``cache``, its
    units use the build cache of the book's own project. Planning does not load
    WeasyPrint (:mod:`.renderers.pdf_plan`)."""
    if not laid_out_in_units(profile):
        return None
    from .renderers import pdf_plan

    cache_root = book.root if cache else None
    settings = pdf_plan.PROFILES[profile.name]
    return pdf_plan.plan(book, volume, timestamp=timestamp, profile=settings, cache_root=cache_root)


@dataclass(frozen=True)
class Rendered:
    """An edition's bytes and the warnings its rendering logged."""

    data: bytes
    warnings: tuple[str, ...]


def render_edition(
    book: Book, volume_number: int, profile_name: str, timestamp: dt.datetime, *, cache: bool = False
) -> Rendered:
    """Render one edition where this runs (a worker process), keeping its warnings; with
    ``cache``, the renderer uses the build cache of the book's project."""
    volume = book.volume(volume_number)
    cache_root = book.root if cache else None
    return _rendered(lambda: PROFILES[profile_name].render(book, volume, timestamp, cache_root=cache_root))


def _rendered(make: Callable[[], bytes]) -> Rendered:
    """The bytes ``make`` gives, with the warnings logged while it ran."""
    warnings: list[str] = []
    with kept_warnings(warnings):
        data = make()
    return Rendered(data, tuple(warnings))


def lay_out_unit(job: Any, board: Any) -> Any:
    """Lay out one unit of a print edition where this runs (see :func:`.renderers.pdf.lay_out_unit`)."""
    from .renderers import pdf

    return pdf.lay_out_unit(job, board)


def finish_edition(plan: Any, units: list[Any]) -> Rendered:
    """Lay out a print edition's front matter and join its units where this runs (a
    worker process), keeping the warnings of the units and of the front matter."""
    from .renderers import pdf

    return _rendered(lambda: pdf.finish(plan, units))


def told(rendered: Rendered) -> bytes:
    """The bytes of a job that ran elsewhere, once its warnings are logged here."""
    for warning in rendered.warnings:
        LOG.warning("%s", warning)
    return rendered.data


class LocalPool:
    """Jobs in worker processes on this machine; print editions split into their units."""

    def __init__(
        self,
        workers: int,
        *,
        cache: bool = False,
        languages: tuple[str, ...] = (),
        dictionaries: Path | None = None,
    ) -> None:
        # spawn: each worker is a fresh interpreter, not a copy of this process and its
        # threads; unlike a forkserver it keeps no state that a fork of this process
        # (a test runner, a program using bookpress) would inherit without owning it.
        context = multiprocessing.get_context("spawn")
        self.workers = workers
        self.cache = cache
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_start,
            initargs=(languages, dictionaries),
        )
        self._manager: Any = None
        self._context = context
        # Start the workers now, so that they load the renderers while the caller is still busy.
        for _ in range(workers):
            self.executor.submit(os.getpid)

    def start(self, book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime) -> Pending:
        plan = _in_units(book, volume, profile, timestamp, cache=self.cache)
        if plan is not None:
            board = SharedBoard(self._board())
            futures = [self.executor.submit(lay_out_unit, job, board) for job in plan.jobs]

            def finished() -> bytes:
                # The front matter and the join run in a worker too, which has the
                # stylesheets parsed and the hyphenation loaded; this process never
                # loads WeasyPrint.
                units = _results(futures)
                return told(self.executor.submit(finish_edition, plan, units).result())

            return finished
        future = self.executor.submit(
            render_edition, book, volume.number, profile.name, timestamp, cache=self.cache
        )
        return lambda: told(future.result())

    def _board(self) -> Any:
        if self._manager is None:
            self._manager = self._context.Manager()
        return self._manager.dict()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()


def _worker_start(languages: tuple[str, ...] = (), dictionaries: Path | None = None) -> None:
    """Load the renderers, and the hyphenation of ``languages``, once per worker; with
    ``dictionaries``, parsed dictionaries are kept in that project's build cache.

    Ctrl-C reaches every process of the terminal; the parent stops the build,
    and its workers end with it instead of printing tracebacks of their own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .cache import Cache
    from .hyphenation import load_dictionary
    from .renderers import epub, pdf  # noqa: F401

    cache = Cache(dictionaries) if dictionaries is not None else None
    for language in languages:
        # Only a head start: a failure here must not break the pool; the layout that
        # needs the dictionary loads it again and reports what is wrong.
        with contextlib.suppress(Exception):
            load_dictionary(language, cache=cache)


def _results(futures: list[Future[Any]]) -> list[Any]:
    """The results in order; the first failure is raised once every job has ended."""
    outcomes = []
    for future in futures:
        try:
            outcomes.append((future.result(), None))
        except BaseException as error:  # raised below, once the others ended
            outcomes.append((None, error))
    for _, error in outcomes:
        if error is not None and not isinstance(error, Abandoned):
            raise error
    for _, error in outcomes:
        if error is not None:
            raise error
    return [result for result, _ in outcomes]


class Abandoned(RuntimeError):
    """A unit stopped waiting because a unit ahead of it failed."""


class SharedBoard:
    """Page counts of one edition's units, in a manager's dict that every worker can reach."""

    POLL = 0.005  # seconds between looks while waiting

    def __init__(self, counts: Any) -> None:
        self.counts = counts

    def publish(self, index: int, pages: int, recto: bool) -> None:
        self.counts[index] = (pages, recto)

    def first_folio(self, index: int, recto: bool) -> int:
        from .renderers.pdf_plan import first_folio

        while True:
            known: Mapping[int, tuple[int, bool] | None] = self.counts.copy()
            if any(value is None for key, value in known.items() if key < index):
                raise Abandoned(f"unit {index}: a unit before it failed")
            folio = first_folio({k: v for k, v in known.items() if v is not None}, index, recto)
            if folio is not None:
                return folio
            time.sleep(self.POLL)

    def abandon(self, index: int) -> None:
        self.counts[index] = None


@contextmanager
def runner(
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cache: bool = False,
    languages: tuple[str, ...] = (),
    dictionaries: Path | None = None,
) -> Iterator[Runner]:
    """The runner a build asks for: a cluster, a local pool, or in turn for one worker.

    With ``cache``, local runners use the build cache of each book's own project,
    so one runner serves several projects; the cluster's workers do not reach
    the projects, so they use none. A local pool's workers load the hyphenation
    of ``languages`` (the books' languages, as far as known) as they start, kept
    parsed in the build cache of the project ``dictionaries`` if given.
    """
    chosen: Runner
    if scheduler:
        from .cluster import Cluster  # Dask is imported only for a cluster

        chosen = Cluster(scheduler)
    elif (workers or default_workers()) > 1:
        chosen = LocalPool(
            workers or default_workers(), cache=cache, languages=languages, dictionaries=dictionaries
        )
    else:
        chosen = InTurn(cache=cache)
    try:
        yield chosen
    finally:
        chosen.close()
