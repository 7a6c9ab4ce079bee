"""A backlist: several projects built in one run, each into its own output folder.

The projects are checked one after another, as ``build`` checks one (a project
whose output is up to date is told so and left alone), and each project's
editions are started on one shared runner as soon as it passed, so the
workers render while the next project is checked. Only once every project
was started are the editions waited for, so the workers go from one
project's editions to the next without waiting for this process. The
projects are collected in the order given, each holding its own output
folder's lock while its files are written. A project that fails (its checks,
an edition, its output folder) is reported and the others still build; a
bug stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .build import (
    BuildOptions,
    StartedBook,
    Written,
    book_languages,
    checked_report,
    claimed,
    collect,
    remember,
    runner_for,
    select_profiles,
    select_volumes,
    start_book,
    up_to_date,
)
from .errors import BookError
from .lint import Finding, Report
from .logs import heard_warnings

if TYPE_CHECKING:
    from .jobs import Runner
    from .renderers import Profile

T = TypeVar("T")


@dataclass
class Outcome:
    """What became of one project: what it wrote, and the error that stopped it, if one did."""

    root: Path
    written: list[Written] = field(default_factory=list)
    error: BookError | OSError | None = None
    warnings: list[str] = field(default_factory=list)  # what rendering warned of (also logged)


def build_backlist(
    roots: Sequence[Path],
    options: BuildOptions,
    *,
    on_written: Callable[[Written], None] = lambda written: None,
    on_step: Callable[[str], None] = lambda step: None,
    on_finding: Callable[[Finding], None] = lambda finding: None,
    on_wait: Callable[[str], None] = lambda holder: None,
    on_failed: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Build the selected editions of every project, each into ``root / options.output``.

    The callbacks are those of :func:`bookpress.build.build`; ``on_failed``
    hears each project that failed, as soon as it did. Returns one outcome a
    project, in the order given; a project named twice is built once.
    """

    def attempt(outcome: Outcome, action: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """The action's result, or None once the project failed (and was reported)."""
        try:
            return action(*args, **kwargs)
        except (BookError, OSError) as error:
            outcome.error = error
            on_failed(outcome)
            return None

    profiles = select_profiles(options.formats, options.profiles)
    outcomes = [Outcome(root) for root in _distinct(roots)]
    languages = book_languages(outcome.root for outcome in outcomes)
    first = outcomes[0].root if outcomes else None
    with runner_for(options, profiles, books=len(outcomes), languages=languages, dictionaries=first) as run:
        started: list[tuple[Outcome, Report, StartedBook]] = []
        for outcome in outcomes:  # every edition of every project before any is waited for
            if options.cache and _told_up_to_date(outcome, options, on_finding, on_written):
                continue
            on_step(f"{outcome.root}: reading the manuscript and running the checks")
            report = attempt(
                outcome,
                checked_report,
                outcome.root,
                strict=options.strict,
                on_finding=on_finding,
                cache=options.cache,
            )
            if report is None:
                continue
            # Started at once: the workers render this project while the next one is checked.
            with heard_warnings(outcome.warnings):
                begun = attempt(outcome, _start, run, report, options.volumes, profiles)
            if begun is not None:
                started.append((outcome, report, begun))
        for outcome, report, begun in started:
            own = _own(options, outcome.root)
            attempt(outcome, _write, outcome, begun, own, report, on_written, on_step, on_wait)
    return outcomes


def _distinct(roots: Sequence[Path]) -> list[Path]:
    """The projects as given, each once (the same folder may be named in two ways)."""
    seen: dict[Path, Path] = {}
    for root in roots:
        seen.setdefault(root.resolve(), root)
    return list(seen.values())


def _told_up_to_date(
    outcome: Outcome,
    options: BuildOptions,
    on_finding: Callable[[Finding], None],
    on_written: Callable[[Written], None],
) -> bool:
    """Whether the project's output already holds what it would build; if so, the findings
    and editions of the build that wrote it are told again, as ``build`` tells them."""
    unchanged = up_to_date(
        outcome.root, _own(options, outcome.root), on_finding=on_finding, on_written=on_written
    )
    if unchanged is not None:
        outcome.written = unchanged
    return unchanged is not None


def _own(options: BuildOptions, root: Path) -> BuildOptions:
    """The options of one project's build: its own output folder."""
    return replace(options, output=root / options.output)


def _start(run: Runner, report: Report, volumes: tuple[str, ...], profiles: list[Profile]) -> StartedBook:
    book = report.book
    assert book is not None  # checked_report let it through
    return start_book(run, book, select_volumes(book, volumes), profiles)


def _write(
    outcome: Outcome,
    started: StartedBook,
    options: BuildOptions,
    report: Report,
    on_written: Callable[[Written], None],
    on_step: Callable[[str], None],
    on_wait: Callable[[str], None],
) -> None:
    """Wait for a project's editions, write them into its output folder, and remember them."""

    def note(written: Written) -> None:
        outcome.written.append(written)
        on_written(written)

    with claimed(options.output, on_wait=on_wait), heard_warnings(outcome.warnings):
        collect(
            started, options.output, on_written=note, on_step=lambda step: on_step(f"{outcome.root}: {step}")
        )
    if options.cache:
        remember(started.book.root, options, report, outcome.written, outcome.warnings)
