"""The "bookpress" logger's warnings, kept while a job runs, to be told where the build is shown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

LOG = logging.getLogger("bookpress")


class _Kept(logging.Handler):
    """Keeps the message of every warning (errors are raised, not logged, by bookpress)."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.ERROR:
            self.into.append(record.getMessage())


@contextmanager
def kept_warnings(into: list[str]) -> Iterator[None]:
    """While active, bookpress's warnings go into ``into`` instead of its handlers.

    A job in a worker process has no console; in this process the same job
    keeps them too, so its warnings are told once, by whoever joins the results.
    """
    handlers, propagate = LOG.handlers, LOG.propagate
    LOG.handlers, LOG.propagate = [_Kept(into)], False
    try:
        yield
    finally:
        LOG.handlers, LOG.propagate = handlers, propagate


@contextmanager
def heard_warnings(into: list[str]) -> Iterator[None]:
    """While active, bookpress's warnings also go into ``into``; its handlers still get them."""
    handler = _Kept(into)
    LOG.addHandler(handler)
    try:
        yield
    finally:
        LOG.removeHandler(handler)
