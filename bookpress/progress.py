"""What the commands print: messages by level, colours, and a progress line for long builds.

Levels: ``--quiet`` prints only problems, the default adds results ("wrote …"),
``--verbose`` adds the steps of each build. Colours follow Click: off when the
stream is not a terminal, and off under ``NO_COLOR`` (https://no-color.org).
The progress line is drawn on stderr, and only when stderr is a terminal: a
pipe or a log file gets plain lines, never carriage returns.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import internal
from .errors import BookError

if TYPE_CHECKING:  # the command line imports this module for --help too: keep it light
    from .build import Written
    from .lint import Finding

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
DELAY = 0.4  # seconds before the progress line appears: quick builds need none
TICK = 0.1


def colour_wanted(option: bool | None) -> bool | None:
    """The colour setting for Click: the option if given, off under NO_COLOR, else automatic."""
    if option is not None:
        return option
    return False if os.environ.get("NO_COLOR") else None


@dataclass
class Console:
    """Prints for one command run at the chosen level."""

    quiet: bool = False
    verbose: bool = False
    colour: bool | None = None  # None: Click decides per stream (terminal or not)
    _status: Status | None = field(default=None, repr=False)

    def result(self, message: str, *, fg: str | None = None) -> None:
        """A result line ("wrote …"), hidden by --quiet."""
        if not self.quiet:
            self._echo(message, fg=fg)

    def detail(self, message: str) -> None:
        """A line only --verbose shows."""
        if self.verbose and not self.quiet:
            self._echo(message, fg="bright_black", err=True)

    def problem(self, message: str, *, fg: str | None = "red") -> None:
        """A problem the author should see; printed even with --quiet."""
        self._echo(message, fg=fg, err=True)

    def plain(self, message: str) -> None:
        """Output that is the command's product (a report, JSON): always printed, never coloured."""
        self._echo(message)

    def styled(self, message: str, **style: object) -> str:
        return click.style(message, **style) if self.colour is not False else message

    def _echo(self, message: str, *, fg: str | None = None, err: bool = False) -> None:
        text = click.style(message, fg=fg) if fg and self.colour is not False else message
        with self._paused():
            click.echo(text, err=err, color=self.colour)

    @contextmanager
    def _paused(self) -> Iterator[None]:
        status = self._status
        if status is None:
            yield
            return
        with status.lock:
            status.clear()
            yield
            status.draw()

    @contextmanager
    def progress(self) -> Iterator[Status]:
        """A progress line that shows the current step once work has taken a moment."""
        live = not self.quiet and sys.stderr.isatty()
        status = Status(live=live, console=self)
        self._status = status
        status.start()
        try:
            yield status
        finally:
            status.stop()
            self._status = None

    def step(self, text: str) -> None:
        """Tell the progress line (and --verbose) what is being done now."""
        self.detail(f"  {text}")
        if self._status is not None:
            self._status.set(text)


class Status:
    """The one-line progress display on stderr, redrawn by a background thread."""

    def __init__(self, *, live: bool, console: Console) -> None:
        self.live = live
        self.console = console
        self.text = ""
        self.lock = threading.RLock()
        self._started = time.monotonic()
        self._shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="bookpress-progress")
        self._frames = itertools.cycle(SPINNER)

    def start(self) -> None:
        if self.live:
            self._thread.start()

    def set(self, text: str) -> None:
        with self.lock:
            self.text = text

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            if time.monotonic() - self._started >= DELAY:
                with self.lock:
                    self.draw()

    def draw(self) -> None:
        if not self.live or not self.text or time.monotonic() - self._started < DELAY:
            return
        elapsed = time.monotonic() - self._started
        line = f"{next(self._frames)} {self.text}  {elapsed:.0f} s"
        width = max(shutil.get_terminal_size().columns - 1, 20)
        click.echo(
            "\r\033[K" + self.console.styled(line[:width], fg="cyan"),
            err=True,
            nl=False,
            color=self.console.colour,
        )
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            click.echo("\r\033[K", err=True, nl=False)
            self._shown = False

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        with self.lock:
            self.clear()


class ConsoleHandler(logging.Handler):
    """Shows the library's log records (logger "bookpress") through the Console.

    Warnings (an image under 300 ppi, a footnote off its page) are problems the
    author should see even with --quiet; information only with --verbose.
    """

    def __init__(self, console: Console) -> None:
        super().__init__(level=logging.DEBUG)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.console.problem(f"warning: {record.getMessage()}", fg="yellow")
        else:
            self.console.detail(record.getMessage())


def attach_logging(console: Console) -> None:
    """Route the "bookpress" logger to ``console`` (replacing an earlier handler)."""
    logger = logging.getLogger("bookpress")
    logger.handlers = [ConsoleHandler(console)]
    logger.setLevel(logging.DEBUG if console.verbose else logging.WARNING)
    logger.propagate = False


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


class WatchPrinter:
    """Prints what ``bookpress watch`` does, one timestamped line per event."""

    def __init__(self, console: Console, root: Path) -> None:
        self.console = console
        self.root = root
        self._progress: AbstractContextManager[Status] | None = None

    def written(self, written: Written) -> None:
        self.console.result(f"wrote {written.path}  ({human_size(written.size)}, {written.seconds:.1f} s)")

    def step(self, text: str) -> None:
        if self._progress is None:
            self._progress = self.console.progress()
            self._progress.__enter__()
        self.console.step(text)

    def _done(self) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
            self._progress = None

    def rebuilt(self, editions: list[Written], seconds: float, changed: list[Path]) -> None:
        self._done()
        what = f"{len(editions)} edition{'s' if len(editions) != 1 else ''}"
        after = f" after a change to {', '.join(self._shown(p) for p in changed[:3])}" if changed else ""
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        self.console.result(
            f"[{time.strftime('%H:%M:%S')}] built {what} in {seconds:.1f} s{after}{more}", fg="green"
        )

    def failed(self, error: Exception) -> None:
        """Say what failed: the checks' findings, the author's problems, a write error, or a bug."""
        from .build import CheckFailed  # only watch prints failures; it has loaded the build

        self._done()
        if isinstance(error, CheckFailed):
            for finding in error.findings:
                self.finding(finding)
            self.console.problem(error.summary, fg=None)
        elif isinstance(error, BookError):
            for problem in error.problems:
                self.console.problem(problem.format(root=Path.cwd()), fg=None)
        elif isinstance(error, OSError):
            self.console.problem(f"cannot write: {error.strerror or error}", fg=None)
        else:
            internal.report(error, lambda line: self.console.problem(line, fg=None))
        self.console.problem(
            f"[{time.strftime('%H:%M:%S')}] build failed; the editions of the volume that failed "
            "stay as they were. Fix and save, and it builds again."
        )

    def finding(self, finding: Finding) -> None:
        """A finding of the checks, as `check` prints it."""
        code = self.console.styled(finding.code, fg="red" if finding.severity == "error" else "yellow")
        self.console.problem(finding.format(Path.cwd(), code=code), fg=None)

    def waiting(self, holder: str) -> None:
        self.console.problem(
            f"waiting: another build is writing to the output folder ({holder})", fg="yellow"
        )

    def watching(self, folders: list[Path]) -> None:
        shown = " and ".join(self._shown(folder) + "/" for folder in folders)
        self.console.result(f"watching {shown} for changes (Ctrl-C stops)")

    def _shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
