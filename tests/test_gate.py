"""The gate: every file the build reads is inside the project, a regular file, within its limit.

Each refusal names the file and line that named the path and never shows
anything of the refused file. Real projects in temporary folders, real links,
FIFOs and devices; builds run for real.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bookpress.build import BuildOptions, build
from bookpress.errors import BookError
from bookpress.gate import MAX_SOURCE_BYTES, Gate, Where
from bookpress.lint import lint_project
from bookpress.loader import load_book
from conftest import epubcheck, replace_in

SECRET = "GEHEIM-7f3a: nur für die Autorin"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project, with a file whose content must never show up."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "geheim.md").write_text(f"---\ntitle: {SECRET}\n---\n\n{SECRET}\n", encoding="utf-8")
    (folder / "geheim.css").write_text(f"/* {SECRET} */ p {{ color: red; }}\n", encoding="utf-8")
    (folder / "geheim.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return folder


def refusal(root: Path) -> BookError:
    """The BookError loading ``root`` raises; it must not contain the secret."""
    with pytest.raises(BookError) as caught:
        load_book(root)
    assert SECRET not in str(caught.value) and "GEHEIM" not in str(caught.value)
    return caught.value


def toml_line(root: Path, needle: str) -> int:
    lines = (root / "manuscript" / "book.toml").read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def set_toml(root: Path, old: str, new: str) -> None:
    replace_in(root / "manuscript" / "book.toml", old, new)


# Paths in book.toml


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/etc", "absolute path"),
        ("../../outside", "climbs out of the project folder"),
        ("teil-1/../../..", "climbs out of the project folder"),
    ],
)
def test_volume_dir_outside_the_project(project: Callable, outside: Path, value: str, expected: str) -> None:
    root = project("minimal")
    set_toml(root, 'dir = "teil-1"', f'dir = "{value}"')
    error = refusal(root)
    problem = error.problems[0]
    assert (problem.file, problem.line, problem.key) == (
        root / "manuscript" / "book.toml",
        toml_line(root, "dir ="),
        "volumes[1].dir",
    )
    assert expected in problem.message


def test_volume_folder_linked_outside(project: Callable, outside: Path) -> None:
    root = project("minimal")
    (outside / "01-geheim.md").write_text(
        (outside / "geheim.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (root / "manuscript" / "draussen").symlink_to(outside)
    set_toml(root, 'dir = "teil-1"', 'dir = "draussen"')
    problem = refusal(root).problems[0]
    assert problem.line == toml_line(root, "dir =")
    assert "link to a place outside the project folder" in problem.message


def test_chapter_file_linked_outside(project: Callable, outside: Path) -> None:
    root = project("minimal")
    (root / "manuscript" / "teil-1" / "03-link.md").symlink_to(outside / "geheim.md")
    problem = refusal(root).problems[0]
    assert problem.file == root / "manuscript" / "book.toml" and problem.key == "volumes[1].dir"
    assert "chapter file '03-link.md' is a link to a place outside" in problem.message


def test_chapter_linked_inside_the_project_is_fine(project: Callable) -> None:
    root = project("minimal")
    (root / "manuscript" / "entwurf").mkdir()
    (root / "manuscript" / "teil-1" / "02-ende.md").rename(root / "manuscript" / "entwurf" / "ende.md")
    (root / "manuscript" / "teil-1" / "02-ende.md").symlink_to(root / "manuscript" / "entwurf" / "ende.md")
    assert len(load_book(root).volumes[0].chapters) == 2


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{outside}/geheim.md", "absolute path"),
        ("../../../outside/geheim.md", "climbs out of the project folder"),
        ("link.md", "link to a place outside"),
    ],
)
def test_listed_chapter_outside(project: Callable, outside: Path, entry: str, expected: str) -> None:
    root = project("minimal")
    (root / "manuscript" / "teil-1" / "link.md").symlink_to(outside / "geheim.md")
    set_toml(
        root,
        'dir = "teil-1"',
        f'dir = "teil-1"\nchapters = ["01-anfang.md", "{entry.format(outside=outside)}"]',
    )
    problem = refusal(root).problems[0]
    assert (problem.line, problem.key) == (toml_line(root, "chapters ="), "volumes[1].chapters")
    assert expected in problem.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{outside}/geheim.md", "absolute path"),
        ("../../outside/geheim.md", "climbs out of the project folder"),
        ("link.md", "link to a place outside"),
        ("teil-1", "is a folder"),
    ],
)
def test_author_page_outside(project: Callable, outside: Path, value: str, expected: str) -> None:
    root = project("minimal")
    (root / "manuscript" / "link.md").symlink_to(outside / "geheim.md")
    set_toml(root, 'author_page = "autorin.md"', f'author_page = "{value.format(outside=outside)}"')
    problem = refusal(root).problems[0]
    assert (problem.line, problem.key) == (toml_line(root, "author_page ="), "series.author_page")
    assert expected in problem.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{outside}/bild.jpg", "absolute path"),
        ("../../outside/bild.jpg", "climbs out of the project folder"),
        ("cover.jpg", "link to a place outside"),
    ],
)
def test_cover_outside(project: Callable, outside: Path, value: str, expected: str) -> None:
    root = project("minimal")
    (outside / "bild.jpg").write_bytes(b"\xff\xd8\xff" + SECRET.encode())
    (root / "manuscript" / "cover.jpg").symlink_to(outside / "bild.jpg")
    set_toml(root, 'dir = "teil-1"', f'dir = "teil-1"\ncover = "{value.format(outside=outside)}"')
    problem = refusal(root).problems[0]
    assert (problem.line, problem.key) == (toml_line(root, "cover ="), "volumes[1].cover")
    assert expected in problem.message


# Files that are not regular, or too large


def finishes(function: Callable[[], object], seconds: float = 60) -> object:
    """Run ``function`` in a thread; fail (instead of hanging the suite) if it does not return."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = function()
        except BaseException as error:  # handed to the test, whatever it is
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hangs"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def test_fifo_chapter_is_refused_without_hanging(project: Callable) -> None:
    root = project("minimal")
    os.mkfifo(root / "manuscript" / "teil-1" / "03-rohr.md")
    with pytest.raises(BookError, match=re.escape("'03-rohr.md' is not a regular file")):
        finishes(lambda: load_book(root))
    report = finishes(lambda: lint_project(root))  # the linter does not open it either
    assert any("03-rohr.md" in f.message for f in report.findings)  # type: ignore[attr-defined]


def test_chapter_linked_to_dev_zero(project: Callable) -> None:
    root = project("minimal")
    (root / "manuscript" / "teil-1" / "03-null.md").symlink_to("/dev/zero")
    with pytest.raises(BookError, match="link to a place outside"):
        finishes(lambda: load_book(root))


def test_device_inside_the_project_is_not_a_regular_file(tmp_path: Path) -> None:
    gate = Gate(tmp_path)
    os.mkfifo(tmp_path / "rohr")
    where = Where(tmp_path / "book.toml", 3, "x")
    with pytest.raises(BookError) as caught:
        finishes(lambda: gate.read_bytes("rohr", base=tmp_path, named_by=where, limit=10))
    assert caught.value.problem.line == 3 and "not a regular file" in caught.value.problem.message


def test_oversized_chapter(project: Callable) -> None:
    root = project("minimal")
    with (root / "manuscript" / "teil-1" / "03-riesig.md").open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)  # sparse: large by stat, cheap on disk
    with pytest.raises(BookError, match=re.escape("'03-riesig.md' is larger than the limit of 10 MiB")):
        load_book(root)


def test_gate_reads_each_file_once_and_counts_the_budget(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 600)
    (tmp_path / "b.txt").write_bytes(b"y" * 600)
    gate = Gate(tmp_path, budget=1000)
    where = Where(None)
    assert gate.read_bytes("a.txt", base=tmp_path, named_by=where, limit=1000) == b"x" * 600
    assert gate.read_bytes("a.txt", base=tmp_path, named_by=where, limit=1000) == b"x" * 600
    with pytest.raises(BookError, match="together exceed"):
        gate.read_bytes("b.txt", base=tmp_path, named_by=where, limit=1000)


def test_hyphenation_list_linked_outside_shows_none_of_it(project: Callable, outside: Path) -> None:
    root = project("minimal")
    (root / "manuscript" / "hyphenation.txt").symlink_to(outside / "geheim.txt")
    problem = refusal(root).problems[0]
    assert "link to a place outside" in problem.message


# Stylesheets and fonts


def test_stylesheet_linked_outside_is_refused(project: Callable, outside: Path) -> None:
    root = project("minimal")
    (root / "styles" / "epub.css").unlink()
    (root / "styles" / "epub.css").symlink_to(outside / "geheim.css")
    problem = refusal(root).problems[0]
    assert "stylesheet 'styles/epub.css' is a link to a place outside" in problem.message


def test_font_linked_outside_is_refused_at_its_url(project: Callable, outside: Path) -> None:
    root = project("minimal")
    font = root / "styles" / "fonts" / "libertine" / "LinLibertine_R.otf"
    font.unlink()
    font.symlink_to(outside / "geheim.txt")
    problem = refusal(root).problems[0]
    assert (problem.file, problem.line) == (root / "styles" / "fonts.css", 7)
    assert "link to a place outside" in problem.message


def test_unreferenced_font_is_not_packed(project: Callable, outside: Path, tmp_path: Path) -> None:
    root = project("minimal")
    (root / "styles" / "fonts" / "extra.otf").symlink_to(outside / "geheim.txt")
    out = tmp_path / "out"
    build(root, BuildOptions(output=out, formats=("epub",)))
    with zipfile.ZipFile(next(out.glob("*.epub"))) as epub:
        names = epub.namelist()
        assert "EPUB/styles/fonts/libertine/LinLibertine_R.otf" in names
        assert not any("extra" in name for name in names)
        assert all(SECRET.encode() not in epub.read(name) for name in names)


@pytest.mark.parametrize(
    ("sheet", "css", "expected"),
    [
        ("epub.css", '@import url("https://example.org/x.css");', "URL scheme"),
        ("epub.css", '@import "http://example.org/x.css";', "URL scheme"),
        ("base.css", "body { background: url(http://example.org/x.png); }", "URL scheme"),
        ("base.css", 'body { background: url("data:image/png;base64,AAAA"); }', "URL scheme"),
        ("base.css", 'body { background: url("file:///etc/passwd"); }', "URL scheme"),
        ("base.css", 'body { background: url("/etc/passwd"); }', "absolute path"),
        ("base.css", 'body { background: url("../../../etc/passwd"); }', "climbs out"),
        ("base.css", 'body { background: url("%2e%2e/%2e%2e/etc/passwd"); }', "climbs out"),
        ("print.css", "@font-face { font-family: X; src: url(//example.org/x.otf); }", "absolute path"),
        ("base.css", 'body { background: image-set("https://example.org/x.png" 1x); }', "URL scheme"),
        ("base.css", 'body { background: -webkit-image-set("/etc/passwd" 2x); }', "absolute path"),
        ("fonts.css", '@font-face { font-family: X; src: local("DejaVu Sans"); }', "local()"),
    ],
)
def test_stylesheet_references_outside(project: Callable, sheet: str, css: str, expected: str) -> None:
    root = project("minimal")
    path = root / "styles" / sheet
    path.write_text("p { margin: 0; }\n" + css + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BookError) as caught:
        load_book(root)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (path, 2)
    assert expected in problem.message
    assert "example.org" not in str(caught.value) and "passwd" not in str(caught.value)


def test_css_references_are_read_with_a_tokenizer() -> None:
    from bookpress import css

    text = '/* url(http://x) */\na { b: url( "fonts/a.otf" ) format("x"); c: url(#f) }\n@import "b.css";'
    refs = css.references(text, file=Path("s.css"), relative="styles/s.css")
    assert [(r.target, r.line) for r in refs] == [("styles/fonts/a.otf", 2), ("styles/b.css", 3)]
    with pytest.raises(BookError, match="URL scheme"):
        css.references('a { b: u\\rl("http://x") }', file=Path("s.css"), relative="styles/s.css")


# SVG images

GOOD_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
     width="100" height="100">
  <title>Ein Kreis</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient></defs>
  <style>circle { fill: url(#g); }</style>
  <circle id="c" cx="5" cy="5" r="4" style="stroke: url(#g)"/>
  <use xlink:href="#c"/>
</svg>
"""


def with_svg(root: Path, svg: str) -> tuple[Path, Path]:
    """Put ``svg`` into the first chapter as an image (line 7); returns (svg file, chapter)."""
    image = root / "manuscript" / "bild.svg"
    image.write_text(svg, encoding="utf-8")
    chapter = root / "manuscript" / "teil-1" / "01-anfang.md"
    lines = chapter.read_text(encoding="utf-8").split("\n")
    lines[5:5] = ["![Ein Kreis auf weißem Grund](../bild.svg)", ""]
    chapter.write_text("\n".join(lines), encoding="utf-8")
    return image, chapter


def test_good_svg_goes_into_the_epub_unchanged(project: Callable, tmp_path: Path) -> None:
    root = project("minimal")
    image, _ = with_svg(root, GOOD_SVG)
    sheet = root / "styles" / "epub.css"  # a stylesheet may use a project image too
    sheet.write_text(
        sheet.read_text(encoding="utf-8") + '\nhr { background: url("../manuscript/bild.svg"); }\n'
    )
    out = tmp_path / "out"
    build(root, BuildOptions(output=out, formats=("epub",)))
    path = next(out.glob("*.epub"))
    with zipfile.ZipFile(path) as epub:
        assert epub.read("EPUB/images/bild.svg") == image.read_bytes()
        assert epub.read("EPUB/manuscript/bild.svg") == image.read_bytes()
    assert epubcheck(path) == []


BAD_SVGS = {
    "script": ("<script>alert(1)</script>", "a script"),
    "onload": ('<rect width="1" height="1" onload="alert(1)"/>', "event handler attribute 'onload'"),
    "foreignObject": ("<foreignObject><p>x</p></foreignObject>", "foreignObject"),
    "external href": ('<image xlink:href="https://example.org/x.png" width="1" height="1"/>', "own parts"),
    "file href": ('<use href="file:///etc/passwd#x"/>', "own parts"),
    "style import": ('<style>@import url("https://example.org/x.css");</style>', "url(#id)"),
    "style attribute": ('<rect style="fill: url(https://example.org/x)"/>', "url(#id)"),
    "url attribute": ('<rect fill="url(https://example.org/x#p)"/>', "refers to something outside"),
    "animated href": ('<a href="#c"><set attributeName="href" to="javascript:alert(1)"/></a>', "animation"),
    "other namespace": ('<x:iframe xmlns:x="http://www.w3.org/1999/xhtml"/>', "<iframe> is not allowed"),
    "editor image": (
        '<i:image xmlns:i="http://www.inkscape.org/namespaces/inkscape" href="#c"/>',
        "<i:image> is not allowed",
    ),
    "xml:base": ('<g xml:base="https://example.org/"/>', "attribute 'base'"),
    "processing instruction": ('<?xml-stylesheet href="https://example.org/x.css"?>', "processing"),
}


@pytest.mark.parametrize("case", sorted(BAD_SVGS))
def test_bad_svg_is_refused_with_its_line_and_the_chapter_line(project: Callable, case: str) -> None:
    root = project("minimal")
    element, expected = BAD_SVGS[case]
    svg = GOOD_SVG.replace("  <use", f"  {element}\n  <use")
    image, _ = with_svg(root, svg)
    with pytest.raises(BookError) as caught:
        load_book(root)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (image, 8)
    assert expected in problem.message
    assert "used at manuscript/teil-1/01-anfang.md:6" in problem.message
    assert "example.org" not in str(caught.value) and "alert" not in str(caught.value)


@pytest.mark.parametrize(
    "prologue",
    [
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    ],
)
def test_svg_with_doctype_or_entity_is_refused(project: Callable, prologue: str) -> None:
    root = project("minimal")
    svg = GOOD_SVG.replace("<svg ", prologue + "\n<svg ", 1)
    image, _ = with_svg(root, svg)
    with pytest.raises(BookError) as caught:
        load_book(root)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (image, 2)
    assert "DOCTYPE or ENTITY" in problem.message and "passwd" not in str(caught.value)


def test_svg_stylesheet_instruction_before_the_root_is_refused(project: Callable) -> None:
    root = project("minimal")
    svg = GOOD_SVG.replace("<svg ", '<?xml-stylesheet href="https://example.org/x.css"?>\n<svg ', 1)
    image, _ = with_svg(root, svg)
    problem = refusal(root).problems[0]
    assert (problem.file, problem.line) == (image, 2) and "processing instructions" in problem.message


def test_image_of_unknown_type_is_refused(project: Callable) -> None:
    root = project("minimal")
    _, chapter = with_svg(root, GOOD_SVG)
    (root / "manuscript" / "bild.bmp").write_bytes(b"BM")
    replace_in(chapter, "../bild.svg", "../bild.bmp")
    problem = refusal(root).problems[0]
    assert (problem.file, problem.line) == (chapter, 6) and "not a JPEG, PNG" in problem.message


# The PDF uses only checked bytes, and WeasyPrint's errors stop it


def test_pdf_image_weasyprint_cannot_read_is_an_error(project: Callable) -> None:
    from bookpress.build import timestamp
    from bookpress.renderers import PROFILES

    root = project("pdf-mini")
    chapter = root / "manuscript" / "band-1" / "01-anfang.md"
    (root / "manuscript" / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"kaputt" * 10)
    replace_in(chapter, "Ein kurzes Kapitel", "![Ein kaputtes Bild](../bild.png)\n\nEin kurzes Kapitel")
    book = load_book(root)
    volume = book.volumes[0]
    with pytest.raises(BookError, match="the PDF could not be made as written"):
        PROFILES["screen"].render(book, volume, timestamp(volume))


def test_pdf_uses_the_checked_bytes_not_the_disk(project: Callable) -> None:
    from bookpress.build import timestamp
    from bookpress.renderers import PROFILES

    root = project("pdf-mini")
    book = load_book(root)
    # A stylesheet changed on disk after loading is not what the PDF uses: the model's bytes are.
    (root / "styles" / "base.css").write_text('@import "https://example.org/x.css";', encoding="utf-8")
    volume = book.volumes[0]
    assert PROFILES["screen"].render(book, volume, timestamp(volume)).startswith(b"%PDF")
    missing = dataclasses.replace(book, resources=type(book.resources)({}, {}))
    with pytest.raises(BookError, match=re.escape("styles/fonts.css is missing")):
        PROFILES["screen"].render(missing, volume, timestamp(volume))


# The linter


def test_linter_ignores_a_linked_draft_outside(project: Callable, outside: Path) -> None:
    root = project("minimal")
    (root / "manuscript" / "entwurf.md").symlink_to(outside / "geheim.md")
    report = lint_project(root)
    assert not any("entwurf" in str(f.file) and f.code == "W003" for f in report.findings)  # type: ignore[attr-defined]
    assert SECRET not in str(report.findings)  # type: ignore[attr-defined]


def test_book_toml_that_is_a_fifo_or_a_link_outside(project: Callable, outside: Path) -> None:
    root = project("minimal")
    toml = root / "manuscript" / "book.toml"
    toml.unlink()
    os.mkfifo(toml)
    with pytest.raises(BookError, match="not a regular file"):
        finishes(lambda: load_book(root))
    toml.unlink()
    toml.symlink_to(outside / "geheim.txt")
    problem = refusal(root).problems[0]
    assert problem.file == toml and "link to a place outside" in problem.message


def test_two_files_for_one_place_in_the_epub_are_an_error(project: Callable, tmp_path: Path) -> None:
    root = project("minimal")
    chapter = root / "manuscript" / "teil-1" / "01-anfang.md"
    (root / "manuscript" / "images").mkdir()
    Image.new("RGB", (10, 10)).save(root / "manuscript" / "images" / "cover.jpg")
    replace_in(chapter, "\n---\n", "\n---\n\n![Ein Bild mit Namen cover](../images/cover.jpg)\n")
    with pytest.raises(BookError, match="the cover's place"):
        build(root, BuildOptions(output=tmp_path / "out", formats=("epub",)))


@pytest.mark.parametrize("name", ["bild.png", "bild.jpg", "bild.gif", "bild.webp"])
def test_image_whose_bytes_do_not_match_its_name(project: Callable, name: str) -> None:
    root = project("minimal")
    _, chapter = with_svg(root, GOOD_SVG)
    (root / "manuscript" / name).write_text(SECRET, encoding="utf-8")
    replace_in(chapter, "../bild.svg", f"../{name}")
    problem = refusal(root).problems[0]
    assert (problem.file, problem.line) == (chapter, 6) and "whatever its name says" in problem.message


def test_lists_and_lint_sources_refuse_fifos(tmp_path: Path) -> None:
    from bookpress.hyphenation import read_list
    from bookpress.lint.source import read_text

    os.mkfifo(tmp_path / "rohr.txt")
    with pytest.raises(BookError, match="not a regular file"):
        finishes(lambda: read_list(tmp_path / "rohr.txt", gate=Gate(tmp_path)))
    assert finishes(lambda: read_text(tmp_path / "rohr.txt")) is None


def test_preview_style_paths_with_nul_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BookError, match="NUL"):
        Gate(tmp_path).read_bytes("a\x00b", named_by=Where(None), limit=10)
