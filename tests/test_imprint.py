"""The imprint: its template, the book.toml keys it reads, the press-law check, and the
page it makes in the print PDF, the screen PDF and the EPUB."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from bookpress.build import timestamp
from bookpress.cli import main
from bookpress.config import load_config
from bookpress.errors import BookError
from bookpress.imprint import DEFAULT_TEMPLATE, paragraphs, parse
from bookpress.lint import lint_project
from bookpress.loader import load_book
from bookpress.renderers import PROFILES, html
from conftest import REPO, replace_in

MM = 72 / 25.4
COMPLETE = """
publisher_address = "Beispielweg 7, 04109 Leipzig"
"""
PRINT = """
[print]
printer_line = "Druck: Druckerei Muster & Söhne, Am Hafen 3, 24103 Kiel"
paper_note = "Gedruckt auf FSC-zertifiziertem Papier."

[credits]
editing = "Jana Lektor"
typesetting = "Satzbüro <Nord>"
"""


def complete(root: Path) -> Path:
    """The fixture book with publisher address, printer line, paper note and credits."""
    toml = root / "manuscript" / "book.toml"
    replace_in(toml, 'publisher = "Testverlag"\n', 'publisher = "Testverlag"' + COMPLETE)
    replace_in(toml, "[[volumes]]\n", "[[volumes]]\nedition = 2\nedition_year = 2027\n")
    toml.write_text(toml.read_text(encoding="utf-8") + PRINT, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BookError) as caught:
        load_book(root)
    return [problem.format() for problem in caught.value.problems]


# The template


def test_unknown_placeholder_and_stray_brace_are_reported_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "imprint.txt"
    with pytest.raises(BookError) as caught:
        parse("# a comment\n{publisher}\n\nDruck: {printer}\n{isbn_print!r}\n{ oops\n", file=path)
    found = {(p.line, p.message.split(";")[0]) for p in caught.value.problems}
    assert found == {
        (4, "unknown placeholder {printer}"),
        (5, "placeholder {isbn_print} takes no format or conversion"),
        (6, "expected '}' before end of string"),
    }
    assert all(p.file == path for p in caught.value.problems)
    assert "did you mean {printer_line}?" in caught.value.problems[0].message


def test_control_characters_and_endless_lines_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BookError) as caught:
        parse("\ufeff# comment\nerste\x07 Zeile\n\n" + "x" * 1001 + "\n", file=tmp_path / "t.txt")
    found = [(p.line, p.message.split(" (")[0].split(";")[0]) for p in caught.value.problems]
    assert found == [(2, "contains a control character"), (4, "is 1001 characters long")]


def test_paragraphs_comments_and_escaped_braces(tmp_path: Path) -> None:
    found = parse("#\n# note\n{{{series}}}\nzwei\n\n\n#VUCA\n", file=tmp_path / "t.txt")
    assert [[line.number for line in para] for para in found] == [[3, 4], [7]]
    line = found[0][0]
    assert line.names == ("series",)
    assert "".join(text + (f"<{name}>" if name else "") for text, name in line.parts) == "{<series>}"
    assert found[1][0].parts == (("#VUCA", None),)  # "#" without a space is text


def test_the_default_template_is_valid_and_names_what_the_law_requires() -> None:
    names = {
        n
        for para in parse(DEFAULT_TEMPLATE.read_text("utf-8"), file=DEFAULT_TEMPLATE)
        for ln in para
        for n in ln.names
    }
    assert {"publisher", "publisher_address", "printer_line", "isbn_print", "isbn_ebook"} <= names


# book.toml


def test_new_keys_are_read(project: Callable[[str], Path]) -> None:
    book = load_book(complete(project("minimal")))
    volume = book.volumes[0]
    assert book.series.publisher_address == "Beispielweg 7, 04109 Leipzig"
    assert (volume.edition, volume.edition_year) == (2, 2027)
    assert volume.credits.editing == "Jana Lektor" and volume.credits.proofreading == ""
    assert book.imprint.printer_line.startswith("Druck: Druckerei Muster")


def test_volume_credits_take_precedence(project: Callable[[str], Path]) -> None:
    root = complete(project("minimal"))
    replace_in(
        root / "manuscript" / "book.toml",
        "[volumes.isbn]",
        '[volumes.credits]\nediting = "Ole Band"\n\n[volumes.isbn]',
    )
    credits = load_book(root).volumes[0].credits
    assert (credits.editing, credits.typesetting) == ("Ole Band", "Satzbüro <Nord>")


def test_bad_values_are_reported_with_file_and_line(project: Callable[[str], Path]) -> None:
    root = complete(project("minimal"))
    toml = root / "manuscript" / "book.toml"
    replace_in(toml, "edition = 2\n", "edition = 0\n")
    replace_in(toml, "edition_year = 2027", "edition_year = 2020")
    replace_in(toml, 'editing = "Jana Lektor"', 'editing = "Jana Lektor"\nlayout = "x"')
    replace_in(toml, 'printer_line = "Druck:', 'printer_line = 7\npaper_note_x = "Druck:')
    with pytest.raises(BookError) as caught:
        load_config(toml)
    lines = toml.read_text(encoding="utf-8").splitlines()
    found = {p.key: (p.line, p.message) for p in caught.value.problems}
    assert set(found) == {"print.printer_line", "print.paper_note_x", "credits.layout"}, found
    for key, (line, _) in found.items():
        assert lines[line - 1].startswith(key.split(".")[-1])
    replace_in(toml, "printer_line = 7\npaper_note_x", "printer_line")
    replace_in(toml, 'layout = "x"\n', "")
    with pytest.raises(BookError) as caught:
        load_config(toml)
    found = {p.key: (p.line, p.message) for p in caught.value.problems}
    assert found["volumes[1].edition"][1] == "must be between 1 and 999"
    assert found["volumes[1].edition_year"][1] == "must lie between the year of date (2025) and 2107"
    assert lines[found["volumes[1].edition"][0] - 1] == "edition = 0"


def test_a_project_template_replaces_the_default(project: Callable[[str], Path]) -> None:
    root = complete(project("minimal"))
    (root / "manuscript" / "imprint.txt").write_text(
        "Verlegt von {publisher}, {publisher_address}\n{printer_line}\n\n<b>{title}</b> & mehr\n",
        encoding="utf-8",
    )
    book = load_book(root)
    volume = book.volumes[0]
    assert paragraphs(book, volume, "print") == [
        [  # a postcode stays with its town
            "Verlegt von Testverlag, Beispielweg 7, 04109\u00a0Leipzig",
            "Druck: Druckerei Muster & Söhne, Am Hafen 3, 24103\u00a0Kiel",
        ],
        ["<b>Erster Band</b> & mehr"],
    ]
    page = html.imprint(book, volume, "ebook")
    assert "Druckerei" not in page  # no printer in the ebook
    assert "&lt;b&gt;Erster Band&lt;/b&gt; &amp; mehr" in page  # template text is text, escaped


def test_a_broken_project_template_stops_check_and_build(project: Callable[[str], Path]) -> None:
    root = project("minimal")
    (root / "manuscript" / "imprint.txt").write_text("Zeile\n\nVerlag: {verlag}\n", encoding="utf-8")
    assert any("imprint.txt:3: unknown placeholder {verlag}" in p for p in problems_of(root))
    result = CliRunner().invoke(main, ["-C", str(root), "check"])
    assert result.exit_code == 1
    assert "manuscript/imprint.txt:3:1: E001: unknown placeholder {verlag}" in result.output
    assert "Traceback" not in result.output


# check: what the press laws require


def test_check_warns_when_the_printed_imprint_lacks_publisher_address_or_printer(
    project: Callable[[str], Path],
) -> None:
    root = project("minimal")
    lines = (root / "manuscript" / "book.toml").read_text(encoding="utf-8").splitlines()
    found = [
        (f.code, f.file.name, f.line, f.message) for f in lint_project(root).findings if f.code == "W006"
    ]
    assert [(code, name, line) for code, name, line, _ in found] == [
        ("W006", "book.toml", 1),  # no [print] table: the printer line belongs in one
        ("W006", "book.toml", lines.index('publisher = "Testverlag"') + 1),
    ]
    assert "print.printer_line" in found[0][3] and "series.publisher_address" in found[1][3]


def test_check_is_quiet_about_a_complete_imprint_and_warns_about_a_template_without_printer(
    project: Callable[[str], Path],
) -> None:
    root = complete(project("minimal"))
    assert [f for f in lint_project(root).findings if f.code == "W006"] == []
    (root / "manuscript" / "imprint.txt").write_text("{publisher}\n{publisher_address}\n", encoding="utf-8")
    found = [f for f in lint_project(root).findings if f.code == "W006"]
    assert [(f.file.name, f.line) for f in found] == [("imprint.txt", 1)]
    assert "{printer_line}" in found[0].message


# The rendered pages


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The print PDF, screen PDF and EPUB of the complete fixture book."""
    from conftest import copy_project

    root = complete(copy_project("pdf-mini", tmp_path_factory.mktemp("imprint") / "book"))
    book = load_book(root)
    volume = book.volumes[0]
    return {
        name: PROFILES[name].render(book, volume, timestamp(volume)) for name in ("print", "screen", "ebook")
    }


def imprint_page(pdf: bytes) -> tuple[str, list[float], float]:
    """Text of the PDF's imprint page, the baselines of its lines (mm above the page's
    trim box bottom) and the trim box's height in mm."""
    reader = PdfReader(io.BytesIO(pdf))
    marks = {
        item.title: reader.get_destination_page_number(item)
        for item in reader.outline
        if not isinstance(item, list)
    }
    page = reader.pages[marks["Impressum"]]
    bottom = float(page.trimbox.bottom)
    baselines: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            baselines.append(round((cm[1] * tm[4] + cm[3] * tm[5] + cm[5] - bottom) / MM, 1))

    text = page.extract_text(visitor_text=visit)
    return text, baselines, float(page.trimbox.height) / MM


def test_print_imprint_says_everything_and_sits_at_the_foot(made: dict[str, bytes]) -> None:
    text, baselines, height = imprint_page(made["print"])
    flat = " ".join(text.split())
    for expected in (
        "Bibliografische Information der Deutschen Nationalbibliothek",
        "https://dnb.d-nb.de",
        "Druckprobe Band I: Seitenränder",
        "2. Auflage 2027",
        "© 2025 Erika Muster",
        "Lektorat: Jana Lektor",
        "Satz: Satzbüro <Nord>",
        "Testverlag",
        "Beispielweg 7, 04109 Leipzig",
        "Druck: Druckerei Muster & Söhne, Am Hafen 3, 24103 Kiel",
        "Gedruckt auf FSC-zertifiziertem Papier.",
        "ISBN 9783161484100 (Druckausgabe)",
        "ISBN 978-3-16-148410-0 (E-Book)",
    ):
        assert expected in flat, expected
    assert "Korrektorat" not in flat  # no proofreader named: the line is left out
    # The last line stands on the foot of the text block (bottom margin 20 mm), the
    # first well below the middle of the page.
    assert 20 <= min(baselines) <= 23, baselines
    assert max(baselines) < height / 2, baselines


def test_screen_pdf_and_epub_imprint_name_no_printer(made: dict[str, bytes]) -> None:
    text, _, _ = imprint_page(made["screen"])
    flat = " ".join(text.split())
    assert "2. Auflage 2027" in flat and "Beispielweg 7" in flat
    assert "Druckerei" not in flat and "FSC" not in flat
    with zipfile.ZipFile(io.BytesIO(made["ebook"])) as epub:
        page = etree.fromstring(epub.read("EPUB/text/impressum.xhtml"))
    words = " ".join("".join(page.itertext()).split())
    assert "Satz: Satzbüro <Nord>" in words and "2. Auflage 2027" in words
    assert "Druckerei" not in words


def test_sample_series_imprint_is_complete() -> None:
    book = load_book(REPO)
    lines = [line for para in paragraphs(book, book.volume(1), "print") for line in para]
    assert "2. Auflage 2026" in lines
    assert any(line.startswith("Druck und Bindung: ") for line in lines)
    assert book.series.publisher_address.replace("10115 ", "10115\u00a0") in lines
    assert not [f for f in lint_project(REPO).findings if f.code == "W006"]


def test_the_printer_profile_gives_the_printer_line_unless_book_toml_names_one(
    project: Callable[[str], Path],
) -> None:
    from bookpress.printers import printer

    root = project("minimal")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[print]\nprinter = "bod"\n', encoding="utf-8")
    assert printer("bod").printer_line
    assert load_book(root).imprint.printer_line == printer("bod").printer_line
    (gap,) = [f.message for f in lint_project(root).findings if f.code == "W006"]
    assert gap.startswith("series.publisher_address")  # the printer is named now
    toml.write_text(toml.read_text(encoding="utf-8") + 'printer_line = "Druck: Eigene Druckerei, Kiel"\n')
    assert load_book(root).imprint.printer_line == "Druck: Eigene Druckerei, Kiel"
