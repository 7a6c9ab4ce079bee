"""The benchmark corpus (scripts/bench_corpus.py): the same seed gives the same files, the
project passes the checks, it is as long as asked, and it holds every kind of block."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from bookpress.lint import Report, lint_project
from bookpress.loader import load_book
from bookpress.model import Book
from bookpress.stats import plain_text

REPO = Path(__file__).resolve().parents[1]
WORDS, CHAPTERS = 3000, 3
WORD = re.compile(r"\w+(?:[-’'.]\w+)*")  # bookpress stats' word
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"


def _generator():
    """scripts/bench_corpus.py, imported by its path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "scripts" / "bench_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look the module up while they are made
    spec.loader.exec_module(module)
    return module


bench_corpus = _generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bench_corpus.make_project(tmp_path_factory.mktemp("corpus") / "book", WORDS, CHAPTERS, seed=1)


@pytest.fixture(scope="module")
def report(corpus: Path) -> Report:
    return lint_project(corpus)


@pytest.fixture(scope="module")
def book(report: Report) -> Book:
    assert report.book is not None  # the book the checks read, as the build reads it
    return report.book


def tree_hash(root: Path) -> str:
    """One hash over every file's path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_same_seed_writes_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    again = bench_corpus.make_project(tmp_path / "again", WORDS, CHAPTERS, seed=1)
    assert tree_hash(again) == tree_hash(corpus)


def test_another_seed_writes_another_text(corpus: Path, tmp_path: Path) -> None:
    other = bench_corpus.make_project(tmp_path / "other", WORDS, CHAPTERS, seed=2)
    assert tree_hash(other) != tree_hash(corpus)


def test_project_passes_check_without_errors_or_warnings(report: Report) -> None:
    assert not report.failed(strict=True), [str(f) for f in report.shown(verbose=False)]
    assert (report.volumes, report.chapters) == (1, CHAPTERS)


def test_length_is_within_five_percent_of_the_request(book: Book) -> None:
    # Soft hyphens from hyphenation.txt would split a word in two for stats' pattern.
    texts = [plain_text(c.doc).replace("\u00ad", "") for v in book.volumes for c in v.chapters]
    words = sum(len(WORD.findall(text)) for text in texts)
    assert abs(words - WORDS) <= 0.05 * WORDS, words


def test_book_holds_a_table_a_note_lists_a_quote_and_the_image(book: Book) -> None:
    html = "".join(c.doc.html for v in book.volumes for c in v.chapters)
    tree = etree.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{html}</div>')

    def count(path: str) -> int:
        return len(tree.xpath(path, namespaces={"h": XHTML, "epub": OPS}))

    assert count("//h:table/h:tbody/h:tr") >= 4
    assert count("//h:aside[@epub:type='footnote']") >= CHAPTERS
    assert count("//h:ul/h:li") + count("//h:ol/h:li") >= 3
    assert count("//h:blockquote/h:p") >= 1
    assert count("//h:h2") >= CHAPTERS
    assert count("//h:figure//h:img[@alt != '']") >= 1
    images = {image for v in book.volumes for c in v.chapters for image in c.doc.images}
    assert images == {f"manuscript/{bench_corpus.IMAGE}"}


def test_chapters_are_shared_out_over_the_volumes(tmp_path: Path) -> None:
    root = bench_corpus.make_project(tmp_path / "two", 1500, 5, seed=3, volumes=2)
    book = load_book(root)
    assert [len(v.chapters) for v in book.volumes] == [3, 2]
    assert [c.doc.source.parent.name for c in book.volumes[1].chapters] == ["band-2", "band-2"]
