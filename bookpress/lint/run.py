"""The checks themselves; :func:`bookpress.lint.lint_project` loads this module when it runs,
so that importing the package (for its codes and findings) stays light."""

from __future__ import annotations

import functools
import pickle
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..cache import Cache
from ..config import load_config
from ..errors import BookError
from ..gate import MAX_SOURCE_BYTES, Gate, Where
from ..loader import load_book, manuscript_dir
from ..model import Book
from . import Report, images, project, rules
from .finding import Finding
from .source import Text, read_text


def lint_project(root: Path, *, cache: bool = True) -> Report:
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
    cache = Cache(root, enabled=cache)
    used = project.used_sources(config, manuscript, gate)
    texts, findings = _checked_texts(used, gate, cache)
    findings += [finding for text in texts for finding in images.images(text, config.print)]
    findings += list(project.unlisted(config, manuscript, used, gate))
    findings += list(project.placeholder_isbns(config))
    findings += list(project.chapter_numbers(config))
    findings += list(project.imprint_gaps(config, gate))
    findings += list(project.environment())
    volumes = chapters = 0
    book: Book | None = None
    refused: set[Finding] = set()
    try:
        book = load_book(root, config=config, gate=gate, cache=cache)
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
    report = _report(
        findings,
        silenced_by_file,
        frozenset(config.ignore),
        files=len(texts),
        volumes=volumes,
        chapters=chapters,
        refused=frozenset(refused),
        book=book,
    )
    return replace(report, read=gate.files())


@functools.cache
def _resolved(path: Path) -> Path:
    """``path.resolve()``, once per path: a long text can give tens of thousands of findings."""
    return path.resolve()


def _checked_texts(paths: list[Path], gate: Gate, cache: Cache) -> tuple[list[Text], list[Finding]]:
    """Each file read for the rules, and what the text rules found in it.

    A file whose bytes the cache has seen comes back as it was read and checked
    then; the image rule, which looks at other files, runs on every text anyway.
    """
    texts: list[Text] = []
    findings: list[Finding] = []
    for path in paths:
        key = _checks_key(path, gate, cache)
        if key is not None and (entry := cache.get(key)) is not None:
            try:
                text, found = pickle.loads(entry)  # sealed: written by this project folder's own builds
            except Exception:  # an entry of an older layout: read the file again
                text = None
            if isinstance(text, Text):
                texts.append(text)
                findings.extend(found)
                continue
        text = read_text(path, gate=gate)
        if text is None:
            continue
        found = [finding for rule in rules.RULES for finding in rule(text)]
        texts.append(text)
        findings.extend(found)
        if key is not None:
            # What later steps use of a text: its path, silences and masked lines (the image rule).
            slim = replace(text, lines=(), blocks=(), headings=())
            cache.put(key, pickle.dumps((slim, found), pickle.HIGHEST_PROTOCOL))
    return texts, findings


def _checks_key(path: Path, gate: Gate, cache: Cache) -> str | None:
    if not cache.enabled:
        return None
    try:
        data = gate.read_found(path, named_by=Where(path), limit=MAX_SOURCE_BYTES)
    except BookError:
        return None  # read_text says nothing either; the loader reports it
    return cache.key("chapter checks", str(path), data)


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
