"""`build` runs the checks of `check`, derives its accessibility claims, writes a volume's
editions together, and turns a bug into one line and exit status 70."""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookpress.cli import main
from bookpress.internal import EX_SOFTWARE
from bookpress.renderers import PROFILES
from conftest import replace_in, with_printer_and_address

EPUB = "Testreihe-I_9783161484100.epub"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def chapter(root: Path) -> Path:
    return root / "manuscript" / "teil-1" / "01-anfang.md"


def check_lines(root: Path) -> list[str]:
    _, out, _ = run("-C", str(root), "check")
    return out.splitlines()


def test_a_check_error_stops_the_build_with_its_code_and_position(project, monkeypatch) -> None:
    root = with_printer_and_address(project("minimal"))
    monkeypatch.chdir(root)
    replace_in(chapter(root), "Noch ein Absatz", "Siehe [dort](#nirgends). Noch ein Absatz")
    code, out, err = run("build", "-f", "epub")
    assert code == 1
    assert out == ""
    expected = check_lines(root)
    assert [line for line in err.splitlines() if re.match(r"^\S+:\d+:\d+: [EW]\d{3}: ", line)] == expected
    assert any(line.startswith("manuscript/teil-1/01-anfang.md:10:14: E010: ") for line in expected)
    assert err.splitlines()[-1] == "1 error, 4 info in 1 file; nothing was written."
    assert not (root / "output").exists()
    assert "Traceback" not in err


def test_warnings_are_printed_even_quiet_and_strict_makes_them_stop(project) -> None:
    root = project("minimal")
    replace_in(chapter(root), "Noch ein Absatz", "Noch  ein Absatz")  # W041 double space
    code, out, err = run("-C", str(root), "--quiet", "build", "-f", "epub")
    assert code == 0, err
    assert out == ""
    assert re.search(r"01-anfang\.md:10:5: W041: ", err)
    assert (root / "output" / EPUB).is_file()

    before = (root / "output" / EPUB).read_bytes()
    replace_in(chapter(root), "Noch  ein Absatz", "Noch  ein  Absatz")
    code, _, err = run("-C", str(root), "build", "-f", "epub", "--strict")
    assert code == 1
    assert "W041" in err and "(--strict: warnings stop the build)" in err and "nothing was written" in err
    assert (root / "output" / EPUB).read_bytes() == before


def test_placeholder_isbn_is_a_warning_at_build(project) -> None:
    root = project("minimal")
    replace_in(
        root / "manuscript" / "book.toml", 'ebook = "978-3-16-148410-0"', 'ebook = "978-0-00-000000-2"'
    )
    code, _, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 0, err
    assert re.search(r"book\.toml:\d+:1: W004: volumes\[1\]\.isbn\.ebook is the placeholder", err)


def test_chapter_number_against_its_position_w005(project, monkeypatch) -> None:
    root = project("minimal")
    monkeypatch.chdir(root)
    replace_in(
        root / "manuscript" / "book.toml",
        'dir = "teil-1"',
        'dir = "teil-1"\nchapters = [\n  "02-ende.md",\n  "01-anfang.md",\n]',
    )
    code, _, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 0, err
    w005 = [line for line in err.splitlines() if ": W005: " in line]
    assert w005 == [
        "manuscript/book.toml:17:4: W005: volumes[1].chapters: '02-ende.md' is chapter 1 of the volume, "
        "but its file name says 2; reorder the list or rename the file",
        "manuscript/book.toml:18:4: W005: volumes[1].chapters: '01-anfang.md' is chapter 2 of the volume, "
        "but its file name says 1; reorder the list or rename the file",
    ]
    # In listed order, the numbers agree: no finding.
    replace_in(
        root / "manuscript" / "book.toml",
        '"02-ende.md",\n  "01-anfang.md"',
        '"01-anfang.md",\n  "02-ende.md"',
    )
    assert not [line for line in check_lines(root) if "W005" in line]


def test_an_image_without_alt_text_stops_the_build(project) -> None:
    root = project("minimal")
    (root / "manuscript" / "bild.png").write_bytes(
        (Path(__file__).parent / "books" / "lint" / "manuscript" / "bilder" / "gross.png").read_bytes()
    )
    replace_in(chapter(root), "Noch ein Absatz", "![](../bild.png)\n\nNoch ein Absatz")
    code, _, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 1
    assert re.search(r"01-anfang\.md:10:1: E021: image '../bild.png' has no alternative text", err)


def package(root: Path) -> str:
    with zipfile.ZipFile(root / "output" / EPUB) as epub:
        return epub.read("EPUB/content.opf").decode("utf-8")


def metadata(opf: str, name: str) -> list[str]:
    return re.findall(rf'<meta property="schema:{name}">([^<]*)</meta>', opf)


def test_accessibility_metadata_of_a_book_without_images(project) -> None:
    root = project("minimal")
    assert run("-C", str(root), "build", "-f", "epub")[0] == 0
    opf = package(root)
    assert metadata(opf, "accessMode") == ["textual"]
    assert metadata(opf, "accessModeSufficient") == ["textual"]
    assert "alternativeText" not in metadata(opf, "accessibilityFeature")
    [summary] = metadata(opf, "accessibilitySummary")
    assert "Abbildung" not in summary


def test_accessibility_metadata_of_a_book_whose_images_have_alt_text(project) -> None:
    root = project("minimal")
    source = Path(__file__).parent / "books" / "lint" / "manuscript" / "bilder" / "kreis.svg"
    (root / "manuscript" / "kreis.svg").write_bytes(source.read_bytes())
    replace_in(chapter(root), "Noch ein Absatz", "![Ein roter Kreis](../kreis.svg)\n\nNoch ein Absatz")
    code, _, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 0, err
    opf = package(root)
    assert metadata(opf, "accessMode") == ["textual", "visual"]
    assert "alternativeText" in metadata(opf, "accessibilityFeature")
    assert "Alle Abbildungen haben Alternativtexte." in metadata(opf, "accessibilitySummary")[0]


def test_silenced_missing_alt_text_is_not_claimed(project) -> None:
    root = project("minimal")
    source = Path(__file__).parent / "books" / "lint" / "manuscript" / "bilder" / "kreis.svg"
    (root / "manuscript" / "kreis.svg").write_bytes(source.read_bytes())
    replace_in(chapter(root), "Noch ein Absatz", "![](../kreis.svg)\n\nNoch ein Absatz")
    book_toml = root / "manuscript" / "book.toml"
    book_toml.write_text(book_toml.read_text(encoding="utf-8") + '\n[check]\nignore = ["E021"]\n', "utf-8")
    code, _, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 0, err
    opf = package(root)
    assert metadata(opf, "accessMode") == ["textual", "visual"]
    assert "alternativeText" not in metadata(opf, "accessibilityFeature")
    assert metadata(opf, "accessModeSufficient") == ["textual,visual"]
    assert "Nicht alle Abbildungen" in metadata(opf, "accessibilitySummary")[0]


def test_a_failed_pdf_leaves_the_volumes_epub_untouched(project) -> None:
    root = project("minimal")
    assert run("-C", str(root), "build", "-f", "epub")[0] == 0
    epub = root / "output" / EPUB
    before = epub.read_bytes()
    replace_in(chapter(root), "Noch ein Absatz", "Ein neuer Absatz")
    (root / "styles" / "print.css").unlink()  # the EPUB renders, then the print PDF cannot
    code, out, err = run("-C", str(root), "build", "-p", "ebook", "-p", "print")
    assert code == 1
    assert epub.read_bytes() == before
    assert sorted(p.name for p in (root / "output").iterdir()) == [EPUB]
    assert "wrote" not in out
    assert "print.css" in err and "cannot write" not in err
    assert err.splitlines()[-1].endswith("nothing was written.")


def test_the_summary_names_what_an_earlier_volume_wrote(project) -> None:
    root = with_printer_and_address(project("minimal"))
    shutil.copytree(root / "manuscript" / "teil-1", root / "manuscript" / "teil-2")
    with (root / "manuscript" / "book.toml").open("a", encoding="utf-8") as book_toml:
        book_toml.write(
            '\n[[volumes]]\nnumber = 2\ntitle = "Zweiter Band"\ndir = "teil-2"\ndate = 2025-02-15\n'
            '[volumes.isbn]\nebook = "978-0-306-40615-7"\nprint = "978-1-4028-9462-6"\n'
        )
    code, out, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 0, err
    first, second = root / "output" / EPUB, root / "output" / "Testreihe-II_9780306406157.epub"
    second.unlink()
    second.mkdir()  # volume II's edition cannot replace a folder
    first.unlink()
    code, out, err = run("-C", str(root), "build", "-f", "epub")
    assert code == 1
    assert out.splitlines()[0].startswith(f"wrote {first}")
    assert err.splitlines() == [
        f"cannot write to {root / 'output'}: Is a directory",
        f"Wrote only {first}; every other file was left as it was.",
    ]
    assert second.is_dir() and not list(second.iterdir())


@pytest.fixture
def broken_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one place a renderer is replaced: a bug must become one line and exit 70."""

    def boom(*args: object, **options: object) -> bytes:
        raise RuntimeError("the renderer\nbroke")

    monkeypatch.setitem(PROFILES, "ebook", dataclasses.replace(PROFILES["ebook"], render=boom))


def test_a_bug_is_one_line_and_exit_70(project, broken_renderer: None) -> None:
    root = with_printer_and_address(project("minimal"))
    code, _, err = run("-C", str(root), "build", "-f", "epub", env={"BOOKPRESS_DEBUG": ""})
    assert code == EX_SOFTWARE == 70
    assert err.splitlines() == ["internal error: RuntimeError: the renderer broke (please report it)"]
    assert "Traceback" not in err
    code, _, err = run("-C", str(root), "build", "-f", "epub", env={"BOOKPRESS_DEBUG": "1"})
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert err.splitlines()[-1].startswith("internal error: RuntimeError")


def test_watch_reports_a_bug_and_goes_on(project, broken_renderer: None) -> None:
    from bookpress.build import BuildOptions
    from bookpress.watch import rebuild

    root = project("minimal")
    heard: list[object] = []

    class Reporter:
        def written(self, written: object) -> None: ...
        def step(self, text: str) -> None: ...
        def finding(self, finding: object) -> None: ...
        def waiting(self, holder: str) -> None: ...
        def watching(self, folders: object) -> None: ...
        def rebuilt(self, *args: object) -> None:
            heard.append("rebuilt")

        def failed(self, error: Exception) -> None:
            heard.append(error)

    rebuild(root, BuildOptions(output=root / "output", formats=("epub",)), Reporter(), [])
    assert len(heard) == 1 and isinstance(heard[0], RuntimeError)
