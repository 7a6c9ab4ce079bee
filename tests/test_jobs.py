"""The same files however they are made: in one process, on a pool of workers, from the cache,
after an edit, or not at all when nothing changed."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookpress.build import BuildOptions, Written, build
from bookpress.errors import BookError
from bookpress.lint import Finding
from bookpress.renderers import pdf, pdf_plan
from conftest import replace_in

PARAGRAPH = (
    "Wer ein Buch setzt, braucht Geduld und einen langen Atem.[^{n}] Jede Zeile will geprüft sein, "
    "jede Seite will stehen, und das Kapitel soll auf einer rechten Seite beginnen, wie es sich "
    "gehört. Dazwischen liegen Stunden der Arbeit an Zeilenfall und Trennung.\n\n"
    "[^{n}]: Eine Fußnote gehört auf die Seite, auf der sie aufgerufen wird.\n\n"
)


def longer(root: Path, chapter: str, paragraphs: int) -> None:
    """Give a chapter of the pdf-mini book several pages, with footnotes."""
    path = root / "manuscript" / "band-1" / chapter
    text = "".join(PARAGRAPH.format(n=f"{chapter[:2]}n{i}") for i in range(paragraphs))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n\n" + text)


def editions(root: Path, out: Path, **options: object) -> dict[str, bytes]:
    build(root, BuildOptions(output=out, **options))  # type: ignore[arg-type]
    return {
        path.name: path.read_bytes() for path in sorted(out.iterdir()) if path.suffix in (".pdf", ".epub")
    }


@pytest.fixture
def book(project: Callable[[str], Path]) -> Path:
    root = project("pdf-mini")
    longer(root, "01-anfang.md", 9)
    longer(root, "02-mitte.md", 14)
    return root


@pytest.mark.slow
def test_one_process_a_pool_the_cache_and_an_edit_agree(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = editions(book, tmp_path / "alone", jobs=1, cache=False)
    assert set(alone) == {
        "Druckprobe-I_9783161484100.epub",
        "Druckprobe-I_9783161484100_print.pdf",
        "Druckprobe-I_9783161484100_screen.pdf",
    }
    assert len(PdfReader(io.BytesIO(alone["Druckprobe-I_9783161484100_print.pdf"])).pages) > 8
    assert editions(book, tmp_path / "pool", jobs=2) == alone  # fills the cache

    laid_out: list[int] = []
    real = pdf._laid_out

    def counted(job: pdf_plan.UnitJob, board: pdf_plan.Board) -> tuple[pdf_plan.Laid, bool]:
        laid_out.append(job.index)
        return real(job, board)

    monkeypatch.setattr(pdf, "_laid_out", counted)
    assert editions(book, tmp_path / "cached", jobs=1) == alone
    assert laid_out == []  # every unit came from the cache

    replace_in(book / "manuscript" / "band-1" / "02-mitte.md", "Geduld", "Ausdauer")
    edited = editions(book, tmp_path / "edited", jobs=1)
    assert laid_out == [1, 1]  # only the edited chapter was laid out again, for print and screen
    monkeypatch.setattr(pdf, "_laid_out", real)
    assert edited == editions(book, tmp_path / "edited-cold", jobs=2, cache=False)
    assert edited != alone


def test_first_folios_follow_the_page_counts_and_right_hand_openings() -> None:
    counts = {0: (5, True), 1: (4, True), 2: (3, False)}
    assert pdf_plan.first_folio(counts, 0, True) == 1
    assert pdf_plan.first_folio(counts, 1, True) == 7  # 1-5, a blank 6, then a right-hand page
    assert pdf_plan.first_folio(counts, 2, True) == 11  # 7-10 end on a left-hand page
    assert pdf_plan.first_folio(counts, 3, False) == 14  # 11-13, next page whatever its side
    assert pdf_plan.first_folio(counts, 3, True) == 15
    assert pdf_plan.first_folio({0: (5, True)}, 2, True) is None  # a count is missing


def test_a_unit_that_fails_on_a_worker_fails_the_build(book: Path, tmp_path: Path) -> None:
    with open(book / "styles" / "print.css", "a", encoding="utf-8") as css:
        css.write('\n.chapter p { font-family: "DejaVu Sans", sans-serif; }\n')
    with pytest.raises(BookError, match="system font"):
        build(book, BuildOptions(output=tmp_path / "out", jobs=2, profiles=("print",)))
    assert not (tmp_path / "out" / "Druckprobe-I_9783161484100_print.pdf").exists()


def test_a_build_with_nothing_to_do_writes_nothing_and_says_so(
    project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = project("pdf-mini"), tmp_path / "out"
    with open(root / "manuscript" / "band-1" / "01-anfang.md", "a", encoding="utf-8") as chapter:
        chapter.write("\n\n[^unused]: Eine Fußnote, die niemand aufruft.\n")
    findings: list[list[Finding]] = [[], []]
    first = build(root, BuildOptions(output=out, jobs=1), on_finding=findings[0].append)
    assert first and not any(edition.unchanged for edition in first)
    times = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}

    def no_checks(root: Path) -> None:
        raise AssertionError("a build with nothing to do ran the checks")

    monkeypatch.setattr("bookpress.lint.lint_project", no_checks)
    second = build(root, BuildOptions(output=out, jobs=1), on_finding=findings[1].append)
    assert [(w.path, w.size, w.unchanged) for w in second] == [(w.path, w.size, True) for w in first]
    assert findings[1] == findings[0] and findings[0]  # the unused note, told again
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == times
    monkeypatch.undo()

    edition = out / first[0].path.name
    edition.write_bytes(b"changed by hand")
    third: list[Written] = build(root, BuildOptions(output=out, jobs=1))
    assert not any(w.unchanged for w in third)
    assert edition.read_bytes() != b"changed by hand"

    (root / "manuscript" / "band-1" / "03-neu.md").write_text(
        "---\ntitle: Neu\n---\n\nText.\n", encoding="utf-8"
    )
    fourth = build(root, BuildOptions(output=out, jobs=1))
    assert not any(w.unchanged for w in fourth)  # a new chapter file: a real build


def test_without_the_cache_every_build_renders(
    project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = project("pdf-mini"), tmp_path / "out"
    monkeypatch.setenv("BOOKPRESS_NO_CACHE", "1")
    build(root, BuildOptions(output=out, jobs=1, formats=("epub",)))
    again = build(root, BuildOptions(output=out, jobs=1, formats=("epub",)))
    assert not any(w.unchanged for w in again)
    assert not (root / ".bookpress").exists()


def test_chapters_from_the_cache_are_the_chapters_a_fresh_read_gives(project: Callable[[str], Path]) -> None:
    from PIL import Image

    from bookpress.cache import Cache
    from bookpress.lint import lint_project
    from bookpress.loader import load_book

    root = project("pdf-mini")
    Image.new("RGB", (1200, 800), "white").save(root / "manuscript" / "bild.png")
    chapter = root / "manuscript" / "band-1" / "03-bild.md"
    chapter.write_text("---\ntitle: Bild\n---\n\n![Ein Bild](../bild.png)\n\nText „in Anführung“.\n")
    fresh = load_book(root)
    assert load_book(root, cache=Cache(root)) == fresh  # fills the cache
    assert load_book(root, cache=Cache(root)) == fresh  # from it
    assert lint_project(root).findings == lint_project(root).findings

    (root / "manuscript" / "bild.png").unlink()  # the chapter is unchanged, its image is gone
    with pytest.raises(BookError, match=r"bild\.png"):
        load_book(root, cache=Cache(root))

    Image.new("RGB", (1200, 800), "white").save(root / "manuscript" / "anderes.png")
    (root / "manuscript" / "bild.png").symlink_to("anderes.png")  # now resolves elsewhere
    [volume] = load_book(root, cache=Cache(root)).volumes
    assert 'src="manuscript/anderes.png"' in volume.chapters[-1].doc.html


@pytest.mark.slow
def test_a_pooled_print_build_leaves_weasyprint_to_its_workers(book: Path, tmp_path: Path) -> None:
    """The process that runs the checks plans the units and waits: it never loads WeasyPrint
    or a hyphenation dictionary, which would hold back the units' start."""
    script = (
        "import sys; from pathlib import Path; from bookpress.build import BuildOptions, build; "
        f"build(Path({str(book)!r}), BuildOptions(output=Path({str(tmp_path / 'out')!r}), "
        "formats=('pdf',), profiles=('print',), jobs=2)); "
        "print(sorted(m for m in ('weasyprint', 'pyphen') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]"]
    assert [path.name for path in (tmp_path / "out").glob("*_print.pdf")] == [
        "Druckprobe-I_9783161484100_print.pdf"
    ]
