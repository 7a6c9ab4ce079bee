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

import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, load_config
from ..errors import BookError
from ..gate import Gate
from ..loader import load_book, manuscript_dir
from ..model import Book
from . import images, project, rules
from .codes import CODES
from .finding import Finding
from .source import Text, read_text

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


def lint_project(root: Path) -> Report:
    """Check the project at ``root``; never raises for problems in the manuscript.

    The report carries the loaded :class:`Book` when the build could read it, so
    that ``build`` checks and loads the manuscript in one pass.
    """
    root = root.resolve()
    _resolved.cache_clear()  # links may have changed since the last run (watch, preview)
    manuscript = manuscript_dir(root)
    gate = Gate(root)  # shared by the rules and the loader below: each file is read once
    try:
        config = load_config(manuscript / "book.toml")
    except BookError as error:
        findings = [project.from_problem(p, manuscript / "book.toml", gate) for p in error.problems]
        return _report(findings, {}, frozenset(), files=0, refused=frozenset(findings))
    used = project.used_sources(config, manuscript, gate)
    texts = [text for path in used if (text := read_text(path, gate=gate)) is not None]
    findings = _text_findings(texts, config)
    findings += list(project.unlisted(config, manuscript, used, gate))
    findings += list(project.placeholder_isbns(config))
    findings += list(project.chapter_numbers(config))
    findings += list(project.environment())
    volumes = chapters = 0
    book: Book | None = None
    refused: set[Finding] = set()
    try:
        book = load_book(root, config=config, gate=gate)
        volumes, chapters = len(book.volumes), sum(len(v.chapters) for v in book.volumes)
    except BookError as error:
        # The build and the rules above may both find a thing; keep the rule's finding.
        seen = {(_resolved(f.file), f.line, f.code): f for f in findings}
        for problem in error.problems:
            finding = project.from_problem(problem, config.path, gate)
            key = (_resolved(finding.file), finding.line, finding.code)
            refused.add(seen.get(key, finding))
            if key not in seen:
                findings.append(finding)
    silenced_by_file = {text.path.resolve(): text.silenced for text in texts}
    silenced_by_file.update(_unused_file_silences(findings, silenced_by_file, gate))
    return _report(
        findings,
        silenced_by_file,
        frozenset(config.ignore),
        files=len(texts),
        volumes=volumes,
        chapters=chapters,
        refused=frozenset(refused),
        book=book,
    )


@functools.cache
def _resolved(path: Path) -> Path:
    """``path.resolve()``, once per path: a long text can give tens of thousands of findings."""
    return path.resolve()


def _text_findings(texts: list[Text], config: Config) -> list[Finding]:
    findings: list[Finding] = []
    for text in texts:
        for rule in rules.RULES:
            findings.extend(rule(text))
        findings.extend(images.images(text, config.print))
    return findings


def _unused_file_silences(
    findings: list[Finding], known: dict[Path, frozenset[str]], gate: Gate
) -> dict[Path, frozenset[str]]:
    """Silencing comments in files the build does not read (for W003 on drafts)."""
    extra: dict[Path, frozenset[str]] = {}
    for finding in findings:
        path = _resolved(finding.file)
        if path not in known and path not in extra and path.suffix == ".md":
            text = read_text(path, gate=gate)
            extra[path] = text.silenced if text is not None else frozenset()
    return extra


def _report(
    findings: list[Finding],
    by_file: dict[Path, frozenset[str]],
    ignore: frozenset[str],
    *,
    files: int,
    volumes: int = 0,
    chapters: int = 0,
    refused: frozenset[Finding] = frozenset(),
    book: Book | None = None,
) -> Report:
    kept, silenced = [], 0
    for finding in dict.fromkeys(findings):
        if finding.code in ignore or finding.code in by_file.get(_resolved(finding.file), ()):
            silenced += 1
        else:
            kept.append(finding)
    kept.sort(key=Finding.sort_key)
    counts = Counter(finding.severity for finding in kept)
    return Report(
        findings=tuple(kept),
        silenced=silenced,
        files=files,
        volumes=volumes,
        chapters=chapters,
        counts=counts,
        book=book,
        refused=tuple(sorted(refused, key=Finding.sort_key)),
    )
