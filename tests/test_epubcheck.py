"""EPUBCheck is the gate: every EPUB a build writes passes with 0 errors and 0 warnings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookpress.build import BuildOptions, build
from bookpress.errors import BookError
from bookpress.loader import load_book
from conftest import BOOKS, copy_project, epubcheck


def _buildable(folder: Path) -> bool:
    """Fixture books meant to fail (bad input for error tests) are not built."""
    if not (folder / "manuscript" / "book.toml").is_file():
        return False
    try:
        load_book(folder)
    except BookError:
        return False
    return True


FIXTURE_BOOKS = sorted(p.name for p in BOOKS.iterdir() if _buildable(p))


@pytest.fixture(scope="module")
def reports(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """EPUBCheck's findings for every sample and fixture EPUB, checked two at a time."""
    epubs = sorted(sample_output.glob("*.epub"))
    for name in FIXTURE_BOOKS:
        root = copy_project(name, tmp_path_factory.mktemp("epubcheck") / name)
        epubs += [w.path for w in build(root, BuildOptions(output=root / "output", formats=("epub",)))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((p.name for p in epubs), pool.map(epubcheck, epubs), strict=True))


def test_every_epub_was_checked(reports: dict[str, list[dict]]) -> None:
    assert {"minimal", "ordered", "rawhtml"} <= set(FIXTURE_BOOKS)
    assert len(reports) >= 3 + len(FIXTURE_BOOKS)


def test_epubcheck_reports_nothing(reports: dict[str, list[dict]]) -> None:
    failures = {name: messages for name, messages in reports.items() if messages}
    assert failures == {}


def test_epubcheck_does_find_errors(tmp_path: Path, sample_output: Path) -> None:
    """The gate really runs: a broken EPUB is reported."""
    import zipfile

    source = sorted(sample_output.glob("*.epub"))[0]
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("kapitel-01.xhtml"):
                data = data.replace(b"</section>", b"</section><p>", 1)
            dst.writestr(info, data)
    assert any(m["severity"] in ("ERROR", "FATAL") for m in epubcheck(broken))
