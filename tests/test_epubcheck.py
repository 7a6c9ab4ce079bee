"""EPUBCheck is the gate: every EPUB a build writes passes with 0 errors and 0 warnings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookpress.build import BuildOptions, build
from bookpress.errors import BookError
from conftest import BOOKS, broken_copy, copy_project, epubcheck


def _fixture_epubs(target: Path) -> dict[str, list[Path]]:
    """The EPUBs of every fixture book that builds, each copied with the project's styles;
    books meant to fail (bad input for error tests) are refused by the build and left out."""
    built = {}
    for folder in sorted(BOOKS.iterdir()):
        if not (folder / "manuscript" / "book.toml").is_file():
            continue
        root = copy_project(folder.name, target / folder.name)
        try:
            written = build(root, BuildOptions(output=root / "output", formats=("epub",)))
        except BookError:
            continue
        built[folder.name] = [w.path for w in written]
    return built


@pytest.fixture(scope="module")
def fixture_epubs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return _fixture_epubs(tmp_path_factory.mktemp("epubcheck"))


@pytest.fixture(scope="module")
def reports(sample_output: Path, fixture_epubs: dict[str, list[Path]]) -> dict[str, list[dict]]:
    """EPUBCheck's findings for every sample and fixture EPUB, checked two at a time."""
    epubs = sorted(sample_output.glob("*.epub"))
    epubs += [path for paths in fixture_epubs.values() for path in paths]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((p.name for p in epubs), pool.map(epubcheck, epubs), strict=True))


def test_every_epub_was_checked(reports: dict[str, list[dict]], fixture_epubs: dict[str, list[Path]]) -> None:
    assert {"fonts", "minimal", "ordered", "pdf-mini", "rawhtml"} <= set(fixture_epubs)
    assert len(reports) >= 3 + len(fixture_epubs)


def test_epubcheck_reports_nothing(reports: dict[str, list[dict]]) -> None:
    failures = {name: messages for name, messages in reports.items() if messages}
    assert failures == {}


def test_epubcheck_does_find_errors(tmp_path: Path, sample_output: Path) -> None:
    """The gate really runs: a broken EPUB is reported."""
    source = sorted(sample_output.glob("*.epub"))[0]
    broken = broken_copy(source, tmp_path / "broken.epub")
    assert any(m["severity"] in ("ERROR", "FATAL") for m in epubcheck(broken))
