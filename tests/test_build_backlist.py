"""A backlist: every edition of several projects started on one runner before any is waited for."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bookpress import jobs
from bookpress.backlist import build_backlist
from bookpress.build import BuildOptions, CheckFailed
from bookpress.errors import BookError
from bookpress.model import Book, Volume
from bookpress.renderers import Profile


@dataclass
class Record:
    """What the runners were asked: their settings, and each edition started and waited for."""

    runners: list[dict[str, object]] = field(default_factory=list)
    events: list[tuple[str, str, int, str]] = field(default_factory=list)  # (what, series, volume, profile)
    failing: set[str] = field(default_factory=set)  # series whose editions fail, as on a worker
    warning: set[str] = field(default_factory=set)  # series whose editions warn, as on a worker


class Recording:
    """A runner that renders nothing and notes when each edition is started and waited for."""

    def __init__(self, record: Record) -> None:
        self.record = record

    def start(self, book: Book, volume: Volume, profile: Profile, timestamp: dt.datetime) -> jobs.Pending:
        edition = (book.series.title, volume.number, profile.name)
        self.record.events.append(("start", *edition))

        def pending() -> bytes:
            self.record.events.append(("wait", *edition))
            if book.series.title in self.record.failing:
                raise BookError(f"{book.series.title} failed on a worker")
            if book.series.title in self.record.warning:
                logging.getLogger("bookpress").warning("%s %s: printed at 89 ppi", *edition[:2])
            return repr(edition).encode()

        return pending

    def close(self) -> None:
        pass


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch) -> Record:
    record = Record()

    @contextmanager
    def runner(**settings: object) -> Iterator[Recording]:
        record.runners.append(settings)
        yield Recording(record)

    monkeypatch.setattr(jobs, "runner", runner)
    return record


def test_every_edition_is_started_on_one_runner_as_its_project_passed_before_any_wait(
    project, record: Record
) -> None:
    roots = [project("minimal"), project("ordered")]
    checking = f"{roots[1]}: reading the manuscript and running the checks"

    def step(text: str) -> None:
        if text == checking:
            record.events.append(("check", "Ordnung", 0, ""))

    outcomes = build_backlist(roots, BuildOptions(output=Path("output"), jobs=3), on_step=step)
    assert [settings["workers"] for settings in record.runners] == [3]
    # The first book's editions start before the second book is checked, the second's right after.
    assert [(what, series) for what, series, *_ in record.events] == (
        [("start", "Testreihe")] * 3
        + [("check", "Ordnung")]
        + [("start", "Ordnung")] * 3
        + [("wait", "Testreihe")] * 3
        + [("wait", "Ordnung")] * 3
    )
    for outcome, root in zip(outcomes, roots, strict=True):
        assert outcome.root == root and outcome.error is None
        assert {w.path.parent for w in outcome.written} == {root / "output"}
        assert all(w.path.is_file() for w in outcome.written)


def test_a_failing_project_is_reported_and_the_others_still_build(project, record: Record) -> None:
    record.failing.add("Testreihe")
    kaputt, typo, ordered = project("minimal"), project("lint"), project("ordered")
    failed = []
    outcomes = build_backlist(
        [kaputt, typo, ordered, ordered / ".." / "ordered"],
        BuildOptions(output=Path("output"), formats=("epub",)),
        on_failed=failed.append,
    )
    assert [o.root for o in outcomes] == [kaputt, typo, ordered]  # named twice, built once
    assert [o.root for o in failed] == [typo, kaputt]  # as they failed: the checks come first
    assert isinstance(outcomes[1].error, CheckFailed) and not (typo / "output").exists()
    assert str(outcomes[0].error) == "Testreihe failed on a worker"
    assert not list((kaputt / "output").iterdir())
    assert outcomes[2].error is None and [w.profile for w in outcomes[2].written] == ["ebook"]


def test_a_pool_for_epubs_only_once_there_are_several_books(project, record: Record) -> None:
    options = BuildOptions(output=Path("output"), formats=("epub",), jobs=4, cache=False)
    minimal = project("minimal")
    build_backlist([minimal], options)
    build_backlist([minimal, project("ordered")], options)
    assert [settings["workers"] for settings in record.runners] == [1, 4]


def test_an_up_to_date_project_tells_its_warnings_again_and_renders_nothing(
    project, record: Record, caplog: pytest.LogCaptureFixture
) -> None:
    record.warning.add("Ordnung")
    roots = [project("minimal"), project("ordered")]
    options = BuildOptions(output=Path("output"), formats=("epub",))
    with caplog.at_level(logging.WARNING, logger="bookpress"):
        first = build_backlist(roots, options)
        told = [r.getMessage() for r in caplog.records if r.name == "bookpress"]
        caplog.clear()
        again = build_backlist(roots, options)
    assert told == ["Ordnung 2: printed at 89 ppi"] and first[1].warnings == told
    assert [r.getMessage() for r in caplog.records if r.name == "bookpress"] == told
    assert [what for what, *_ in record.events] == ["start", "start", "wait", "wait"]  # the first run only
    assert all(w.unchanged for outcome in again for w in outcome.written)
