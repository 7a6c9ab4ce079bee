"""Tests for `bookpress init` and `bookpress new`: they build at once and never overwrite."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress.build import BuildOptions, build
from bookpress.cli import main
from bookpress.lint import lint_project
from bookpress.loader import load_book
from conftest import epubcheck, replace_in


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def volumes(root: Path) -> list[dict]:
    return tomllib.loads((root / "manuscript" / "book.toml").read_text(encoding="utf-8"))["volumes"]


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    root = tmp_path / "neu"
    result = run(
        "init", str(root), "--title", "Neue Reihe", "--author", "Erika Maria Muster", "--date", "2026-05-04"
    )
    assert result.exit_code == 0, result.output
    return root


def test_init_builds_at_once_and_passes_epubcheck(fresh: Path) -> None:
    written = build(fresh, BuildOptions(output=fresh / "output", formats=("epub",)))
    assert [w.path.name for w in written] == ["Neue-Reihe-I_9780000000002.epub"]
    assert epubcheck(written[0].path) == []
    book = load_book(fresh)
    assert book.series.authors[0].sort == "Muster, Erika Maria"
    assert (fresh / "styles" / "fonts.css").is_file()


def test_init_placeholder_isbns_are_reported(fresh: Path) -> None:
    report = lint_project(fresh)
    # W006: the new project names neither the publisher's address nor a printer yet.
    assert [f.code for f in report.findings] == ["W006", "W006", "W004", "W004"]
    assert not report.failed() and report.failed(strict=True)


def test_init_refuses_to_overwrite(fresh: Path) -> None:
    book_toml = fresh / "manuscript" / "book.toml"
    before = book_toml.read_bytes()
    result = run("init", str(fresh))
    assert result.exit_code == 1
    assert "will not overwrite" in result.stderr
    assert book_toml.read_bytes() == before


def test_init_into_an_unwritable_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocked = tmp_path / "file"
        blocked.write_text("not a folder")
        target = blocked / "neu"  # a folder below a file cannot be made, even by root
    else:
        tmp_path.chmod(0o500)
        target = tmp_path / "neu"
    result = run("init", str(target))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


def test_new_chapter_takes_the_next_number(fresh: Path) -> None:
    result = run("-C", str(fresh), "new", "chapter", "--volume", "I", "Über „Anführungszeichen“")
    assert result.exit_code == 0, result.output
    path = fresh / "manuscript" / "band-1" / "02-ueber-anfuehrungszeichen.md"
    assert f"created {path}" in result.stdout
    chapters = load_book(fresh).volumes[0].chapters
    assert [c.doc.title for c in chapters] == ["Erstes Kapitel", "Über „Anführungszeichen“"]


def test_new_chapter_appends_to_an_explicit_list(fresh: Path) -> None:
    book_toml = fresh / "manuscript" / "book.toml"
    replace_in(
        book_toml,
        'dir = "band-1"',
        'dir = "band-1"\nchapters = [  # in reading order\n  "01-erstes-kapitel.md",\n]',
    )
    assert run("-C", str(fresh), "new", "chapter", "-V", "1", "Zwei").exit_code == 0
    assert run("-C", str(fresh), "new", "chapter", "-V", "1", "Drei").exit_code == 0
    text = book_toml.read_text(encoding="utf-8")
    assert "# in reading order" in text
    assert volumes(fresh)[0]["chapters"] == ["01-erstes-kapitel.md", "02-zwei.md", "03-drei.md"]
    assert len(load_book(fresh).volumes[0].chapters) == 3


def test_new_chapter_on_a_one_line_list(fresh: Path) -> None:
    replace_in(
        fresh / "manuscript" / "book.toml",
        'dir = "band-1"',
        'dir = "band-1"\nchapters = ["01-erstes-kapitel.md"]  # [sic]',
    )
    assert run("-C", str(fresh), "new", "chapter", "-V", "1", "Zwei").exit_code == 0
    assert volumes(fresh)[0]["chapters"] == ["01-erstes-kapitel.md", "02-zwei.md"]


def test_new_chapter_failures(fresh: Path, tmp_path: Path) -> None:
    result = run("-C", str(fresh), "new", "chapter", "-V", "VII", "Titel")
    assert result.exit_code == 1 and "there is no volume 'VII'" in result.stderr
    missing = run("-C", str(tmp_path / "nichts"), "new", "chapter", "-V", "1", "Titel")
    assert missing.exit_code == 1 and "book.toml not found" in missing.stderr


def test_new_chapter_goes_to_the_last_volume_unless_told(fresh: Path) -> None:
    assert run("-C", str(fresh), "new", "volume", "Zweiter Band").exit_code == 0
    result = run("-C", str(fresh), "new", "chapter", "Ohne Angabe")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "volume II, the last one (-V chooses another)",
        f"created {fresh / 'manuscript' / 'band-2' / '02-ohne-angabe.md'}",
    ]
    chosen = run("-C", str(fresh), "new", "chapter", "--volume", "I", "Mit Angabe")
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stdout == f"created {fresh / 'manuscript' / 'band-1' / '02-mit-angabe.md'}\n"


def test_new_chapter_never_overwrites(fresh: Path) -> None:
    folder = fresh / "manuscript" / "band-1"
    (folder / "02-zwei.md").symlink_to(folder / "01-erstes-kapitel.md")
    (folder / "01-erstes-kapitel.md").rename(folder / "01-eins.md")  # dangling link at 02
    result = run("-C", str(fresh), "new", "chapter", "-V", "1", "Zwei")
    assert result.exit_code == 0  # the dangling 02 counts as taken: the new one is 03
    assert (folder / "03-zwei.md").is_file()
    assert (folder / "02-zwei.md").is_symlink()


def test_new_volume(fresh: Path) -> None:
    result = run(
        "-C",
        str(fresh),
        "new",
        "volume",
        "Zweiter Band",
        "--isbn-ebook",
        "978-3-16-148410-0",
        "--isbn-print",
        "9783161484100",
        "--chapter",
        "Auftakt",
    )
    assert result.exit_code == 0, result.output
    entry = volumes(fresh)[1]
    assert (entry["number"], entry["dir"], entry["isbn"]["ebook"]) == (2, "band-2", "978-3-16-148410-0")
    assert (fresh / "manuscript" / "band-2" / "01-auftakt.md").is_file()
    assert [v.title for v in load_book(fresh).volumes] == ["Erster Band", "Zweiter Band"]


def test_new_volume_failures(fresh: Path) -> None:
    bad = run("-C", str(fresh), "new", "volume", "X", "--isbn-ebook", "978-3-16-148410-1")
    assert bad.exit_code == 1 and "not a valid ISBN-13" in bad.stderr
    assert len(volumes(fresh)) == 1
    (fresh / "manuscript" / "band-2").mkdir()
    (fresh / "manuscript" / "band-2" / "01-erstes-kapitel.md").write_text("mine")
    taken = run("-C", str(fresh), "new", "volume", "X")
    assert taken.exit_code == 1 and "will not overwrite" in taken.stderr
    assert (fresh / "manuscript" / "band-2" / "01-erstes-kapitel.md").read_text() == "mine"
    assert len(volumes(fresh)) == 1
    assert run("-C", str(fresh), "new", "volume", "X", "--date", "morgen").exit_code == 2
