"""Editions rendered on a Dask ``distributed`` cluster. The only module that imports Dask.

A build sends each whole edition to the scheduler as one task; a worker
renders it with :func:`bookpress.jobs.render_edition` and sends back its bytes
and warnings. The checked :class:`~bookpress.model.Book` (text, styles, fonts,
images) travels with the tasks, so workers need no access to the project and
no shared storage: it is uploaded once per book (``scatter``) and the workers
pass it among themselves.

The bytes are those of a local build only if a worker renders with the same
code: every task carries this machine's :func:`versions`, and a worker whose
versions differ refuses it with a message naming the difference.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sys
import threading
import zlib
from importlib import metadata
from typing import Any

from . import __version__
from .errors import BookError
from .jobs import Pending, Rendered, render_edition, told
from .model import Book, Volume
from .renderers import Profile

LOG = logging.getLogger("bookpress")

# A scheduler answers a connection at once; Dask's default (30 s) keeps an author
# waiting that long for a typo in the address, since a refused connection is retried.
CONNECT_TIMEOUT = 5  # seconds

# The packages whose versions shape an edition's bytes besides bookpress: its
# renderers' libraries and theirs (WeasyPrint's layout, fonts, hyphenation, PDF writing).
PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinyhtml5",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pyphen",
    "pillow",
    "pikepdf",
    "ebooklib",
    "lxml",
    "markdown",
    "uharfbuzz",
)

Versions = tuple[tuple[str, str], ...]


@functools.cache
def versions() -> Versions:
    """Python, bookpress, the system libraries and the packages that shape the output, with versions."""
    import pikepdf
    from weasyprint.text.ffi import pango  # only for its version; WeasyPrint is used in renderers.pdf

    pango_version = pango.pango_version()  # 15012 for 1.50.12
    found = [
        ("Python", sys.version.split()[0]),
        ("bookpress", __version__),
        ("zlib", zlib.ZLIB_RUNTIME_VERSION),  # compresses the EPUB's entries and the PDFs' streams
        ("Pango", f"{pango_version // 10000}.{pango_version // 100 % 100}.{pango_version % 100}"),
        ("qpdf", pikepdf.__libqpdf_version__),
    ]
    return (*found, *((name, _installed(name)) for name in PACKAGES))


def _installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def render_on_worker(
    book: Book, volume_number: int, profile_name: str, timestamp: dt.datetime, wanted: Versions
) -> Rendered:
    """The task a worker runs: refuse to render with other versions than the build's, else render."""
    here, there = dict(wanted), dict(versions())
    differences = [
        f"{name} {there.get(name, 'none')} there, {version} here"
        for name, version in here.items()
        if there.get(name, "none") != version
    ]
    if differences:
        from distributed import get_worker

        raise BookError(
            f"the worker {get_worker().address} has other versions than this machine "
            f"({'; '.join(differences)}): its files would differ from a local build; "
            "install the same versions on every worker"
        )
    with _ONE_AT_A_TIME:
        return render_edition(book, volume_number, profile_name, timestamp)


# A job's warnings (bookpress.logs) and WeasyPrint's errors (renderers.pdf) are caught
# by logging handlers of the whole process: two jobs in threads of one worker would
# take each other's, and blame the wrong edition. A worker renders one at a time.
_ONE_AT_A_TIME = threading.Lock()


class Cluster:
    """Whole editions on a Dask ``distributed`` cluster; each is rendered in turn on a worker."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise BookError(
                "--scheduler needs Dask's distributed package: pip install 'bookpress[cluster]'"
            ) from None
        _check_address(address)
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except OSError:  # Dask's timeouts are OSErrors too
            raise BookError(
                f"no Dask scheduler answered at {address} within {CONNECT_TIMEOUT} s: "
                "is it running (dask scheduler), and is the address right?"
            ) from None
        _tell_about_workers(address, self.client.scheduler_info()["workers"])
        self._shipped: dict[int, tuple[Book, Any]] = {}

    def start(self, book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime) -> Pending:
        future = self.client.submit(
            render_on_worker, self._ship(book), volume.number, profile.name, timestamp, versions(), pure=False
        )
        return lambda: told(future.result())

    def _ship(self, book: Book) -> Any:
        """The book on the cluster, uploaded the first time an edition of it is started.

        Passed to ``submit`` directly, it would travel with every edition, through the
        scheduler, and Dask would warn of a "large graph" once it holds 10 MB of images.
        """
        if id(book) not in self._shipped:
            # hash=False: the book's identity is known; Dask need not hash megabytes to find it.
            self._shipped[id(book)] = (book, self.client.scatter(book, hash=False))
        return self._shipped[id(book)][1]

    def close(self) -> None:
        self._shipped.clear()
        self.client.close()


def _tell_about_workers(address: str, workers: dict[str, Any]) -> None:
    """Warn of workers that would leave the build waiting, or leave cores idle."""
    if not workers:
        LOG.warning(
            "the scheduler at %s has no workers yet: the build waits until one joins (dask worker %s)",
            address,
            address,
        )
    threaded = sorted(name for name, worker in workers.items() if worker.get("nthreads", 1) > 1)
    if threaded:
        LOG.warning(
            "%d of %d workers (%s) run several threads, but each renders one edition at a time: "
            "start one single-threaded worker a core instead (dask worker %s --nworkers N --nthreads 1)",
            len(threaded),
            len(workers),
            ", ".join(threaded[:3]) + (", …" if len(threaded) > 3 else ""),
            address,
        )


def _check_address(address: str) -> None:
    """Refuse what Dask could not even try to connect to (a wrong scheme, no port)."""
    from distributed.comm.addressing import parse_address
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address, strict=False)
        get_backend(scheme).get_address_host_port(location)
    except ValueError as error:
        raise BookError(f"--scheduler {address}: {error}; expected tcp://HOST:PORT") from None
