"""Errors of bookpress, and the policy behind them.

There are two kinds of failure:

* A :class:`BookError` is something the author can fix: a typo in
  ``book.toml``, a missing chapter file, malformed raw HTML. It carries the file
  and, where known, the line or key, and the CLI prints it as one line
  ``file:line: message`` and exits with status 1, without a traceback.
* Everything else is a bug in bookpress. It keeps its traceback.

Problems found while reading input are collected and raised together as one
:class:`BookErrors`, so the author sees all of them in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing the author can fix, located as precisely as we can."""

    message: str
    file: Path | None = None
    line: int | None = None
    key: str | None = None

    def format(self, *, root: Path | None = None) -> str:
        """Render as ``file:line: key: message`` with the file relative to ``root``."""
        where = ""
        if self.file is not None:
            shown = self.file
            if root is not None and self.file.resolve().is_relative_to(root.resolve()):
                shown = self.file.resolve().relative_to(root.resolve())
            where = str(shown)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"


class BookError(Exception):
    """A problem in the author's input; the message is for the author."""

    def __init__(
        self, message: str, *, file: Path | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.problem = Problem(message, file, line, key)
        super().__init__(self.problem.format())

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]

    def __reduce__(self) -> tuple[type[BookErrors], tuple[list[Problem]]]:
        # Rebuilt as the problems it carries when it crosses from a worker process.
        return (BookErrors, (self.problems,))


class BookErrors(BookError):
    """Several problems found in one run, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self._problems = list(problems)
        Exception.__init__(self, "\n".join(p.format() for p in self._problems))

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)


class Collector:
    """Gathers problems during a pass and raises them all at once at the end."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self, message: str, *, file: Path | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.problems.append(Problem(message, file, line, key))

    def extend(self, error: BookError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise BookErrors(self.problems)
