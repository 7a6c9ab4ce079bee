"""``bookpress check``: the manuscript linter.

It reports everything the build would refuse (as findings with codes) and
more the build lets pass: unused notes, skipped heading levels, images too
small for print, quotes the typography pass could not pair. Findings can be
silenced for a whole project in ``book.toml``::

    [check]
    ignore = ["W041"]

or for one file with a comment anywhere in it::

    <!-- bookpress: ignore W040 W041 -->

``build`` runs the same checks. What the build itself cannot go past (a
missing file, malformed raw HTML) stops it even when silenced here.

The codes are listed in :mod:`bookpress.lint.codes`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .codes import CODES
from .finding import Finding

if TYPE_CHECKING:
    from ..model import Book

__all__ = ["CODES", "Finding", "Report", "lint_project"]


@dataclass(frozen=True)
class Report:
    """What one run of the linter found."""

    findings: tuple[Finding, ...]  # sorted, silenced ones left out
    silenced: int
    files: int  # Markdown files read
    volumes: int = 0
    chapters: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # severity -> number
    # The book as the build reads it, when it could be read: `build` renders this one.
    book: Book | None = field(default=None, compare=False, repr=False)
    # Why the book could not be read (silenced or not): the build cannot go past these.
    refused: tuple[Finding, ...] = ()
    # Every file the checks and the loader read (real path -> bytes), for the build's record.
    read: Mapping[Path, bytes] = field(default_factory=dict, compare=False, repr=False)

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail the check; with ``strict``, warnings too. Information never does."""
        return bool(self.counts["error"] or (strict and self.counts["warning"]))

    def shown(self, *, verbose: bool) -> list[Finding]:
        """The findings to print: information only when asked for."""
        return [f for f in self.findings if verbose or f.severity != "info"]

    def summary(self) -> str:
        parts = [
            f"{self.counts[s]} {s}{'s' if self.counts[s] != 1 else ''}"
            for s in ("error", "warning")
            if self.counts[s]
        ]
        if self.counts["info"]:
            parts.append(f"{self.counts['info']} info")
        if self.silenced:
            parts.append(f"{self.silenced} silenced")
        if not self.counts["error"] and not self.counts["warning"]:
            found = f"no problems found ({', '.join(parts)})" if parts else "no problems found"
            return f"ok: {self.volumes} volumes, {self.chapters} chapters, {found}"
        files = len({f.file for f in self.findings if f.severity != "info"})
        return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"

    def to_json(self, root: Path, *, verbose: bool) -> str:
        data = {
            "findings": [f.as_dict(root) for f in self.shown(verbose=verbose)],
            "counts": {s: self.counts[s] for s in ("error", "warning", "info")},
            "silenced": self.silenced,
            "files": self.files,
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


def lint_project(root: Path, *, cache: bool = True) -> Report:
    """Check the project at ``root``; never raises for problems in the manuscript.

    The report carries the loaded :class:`Book` when the build could read it, so
    that ``build`` checks and loads the manuscript in one pass. ``cache=False``
    neither reads nor writes the project's build cache.
    """
    from .run import lint_project as run

    return run(root, cache=cache)
