"""The print and screen PDFs, read back with pypdf.

The sample series is rendered once per session (print for every volume,
screen for one); fixture books cover geometry options and rejected input.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bookpress.build import timestamp
from bookpress.errors import BookError
from bookpress.loader import load_book
from bookpress.model import Book, Volume, volume_title
from bookpress.renderers import PROFILES, pdf, pdf_plan
from bookpress.stats import count_book
from conftest import REPO, replace_in

MM = 72 / 25.4
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character


def render(book: Book, volume: Volume, profile: str) -> bytes:
    return PROFILES[profile].render(book, volume, timestamp(volume))


@pytest.fixture(scope="session")
def sample() -> Book:
    return load_book(REPO)


@pytest.fixture(scope="session")
def printed(sample: Book) -> dict[int, bytes]:
    """The print PDF of every sample volume, by volume number."""
    return {volume.number: render(sample, volume, "print") for volume in sample.volumes}


@pytest.fixture(scope="session")
def screen(sample: Book) -> bytes:
    return render(sample, sample.volume(1), "screen")


@pytest.fixture(scope="session")
def texts(printed: dict[int, bytes]) -> dict[int, list[str]]:
    """The extracted text of every page of each print PDF (pypdf's extraction is slow)."""
    return {number: [page.extract_text() for page in read(data).pages] for number, data in printed.items()}


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def size_mm(box: object) -> tuple[float, float]:
    return round(float(box.width) / MM, 2), round(float(box.height) / MM, 2)


def starts(reader: PdfReader) -> dict[str, int]:
    """Top-level bookmark title -> 0-based index of the page it points at."""
    return {
        item.title: reader.get_destination_page_number(item)
        for item in reader.outline
        if not isinstance(item, list)
    }


def chapter_starts(reader: PdfReader, volume: Volume) -> list[int]:
    marks = starts(reader)
    return [
        next(index for title, index in marks.items() if title.endswith(chapter.doc.title))
        for chapter in volume.chapters
    ]


def flat(text: str) -> str:
    """Page text with line-end hyphenation undone and blanks collapsed."""
    return " ".join(text.replace(f"{HYPHEN}\n", "").replace("\u00ad", "").split())


# Page geometry


def test_print_boxes_are_trim_size_plus_bleed(printed: dict[int, bytes]) -> None:
    for page in read(printed[3]).pages:
        assert size_mm(page.trimbox) == (120.0, 190.0)
        assert size_mm(page.bleedbox) == (126.0, 196.0)
        assert size_mm(page.mediabox) == (126.0, 196.0)
        assert float(page.trimbox.left) - float(page.mediabox.left) == pytest.approx(3 * MM)


def test_screen_pages_are_trim_size_without_bleed(screen: bytes) -> None:
    for page in read(screen).pages:
        assert size_mm(page.mediabox) == size_mm(page.trimbox) == (120.0, 190.0)
        assert size_mm(page.bleedbox) == (120.0, 190.0)


def test_trim_bleed_and_crop_marks_from_book_toml(project: Callable[[str], Path]) -> None:
    root = project("pdf-mini")
    with open(root / "manuscript" / "book.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[print]\ntrim = "a5"\nbleed_mm = 5\ncrop_marks = true\n')
    book = load_book(root)
    page = read(render(book, book.volumes[0], "print")).pages[0]
    assert size_mm(page.trimbox) == (148.0, 210.0)
    assert size_mm(page.bleedbox) == (158.0, 220.0)
    # The crop marks sit outside the bleed, in the extra room of the media box.
    assert size_mm(page.mediabox) == (
        148.0 + 2 * (5 + pdf_plan.MARKS_MM),
        210.0 + 2 * (5 + pdf_plan.MARKS_MM),
    )


# Book structure


def test_chapters_open_on_right_hand_pages(sample: Book, printed: dict[int, bytes]) -> None:
    for volume in sample.volumes:
        reader = read(printed[volume.number])
        opening = [*chapter_starts(reader, volume), starts(reader)["Über die Autorin"]]
        assert all(index % 2 == 0 for index in opening), opening  # index 0 is page 1, a right page


def test_blank_page_before_a_chapter_that_would_open_on_the_left(project: Callable[[str], Path]) -> None:
    book = load_book(project("pdf-mini"))
    reader = read(render(book, book.volumes[0], "print"))
    first, second = chapter_starts(reader, book.volumes[0])
    assert second == first + 2
    assert reader.pages[first + 1].extract_text().strip() == ""


def test_bookmarks_for_front_matter_every_chapter_and_author_page(
    sample: Book, printed: dict[int, bytes]
) -> None:
    volume = sample.volume(3)
    titles = list(starts(read(printed[3])))
    assert titles == [
        "Titelseite",
        "Impressum",
        "Inhalt",
        *(f"III/{c.position:02d} {c.doc.title}" for c in volume.chapters),
        "Über die Autorin",
    ]


def test_front_matter_order_and_imprint_on_the_back_of_the_title(printed: dict[int, bytes]) -> None:
    marks = starts(read(printed[1]))
    assert (marks["Titelseite"], marks["Impressum"], marks["Inhalt"]) == (2, 3, 4)


def test_contents_page_numbers_are_the_real_start_pages(sample: Book, printed: dict[int, bytes]) -> None:
    for volume in sample.volumes:
        reader = read(printed[volume.number])
        marks = starts(reader)
        first = chapter_starts(reader, volume)[0]
        contents = reader.pages[marks["Inhalt"]].extract_text()
        listed = {
            title.strip(): int(number)
            for title, number in re.findall(r"^(?:[IVX]+/\d\d )?(.+?)[ .]+ (\d+)$", contents, re.MULTILINE)
        }
        expected = {
            chapter.doc.title: index - first + 1
            for chapter, index in zip(volume.chapters, chapter_starts(reader, volume), strict=True)
        }
        expected["Über die Autorin"] = marks["Über die Autorin"] - first + 1
        assert listed == expected
        assert expected[volume.chapters[0].doc.title] == 1


def test_folios_on_the_outer_edge_and_none_on_openings(sample: Book, printed: dict[int, bytes]) -> None:
    reader = read(printed[3])
    first = chapter_starts(reader, sample.volume(3))[0]
    assert not re.search(r"\n\d+$", reader.pages[first].extract_text())
    assert reader.pages[first + 1].extract_text().rstrip().endswith("\n2")
    folio = _text_at(reader.pages[first + 1], "2")
    assert folio < 120 * MM / 2  # left page: number on the left
    folio = _text_at(reader.pages[first + 2], "3")
    assert folio > 120 * MM / 2  # right page: number on the right
    assert reader.pages[starts(reader)["Titelseite"]].extract_text().strip().endswith("Verlag")


def _text_at(page: object, wanted: str) -> float:
    """x position of the last text run equal to ``wanted`` on the page."""
    found: list[float] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip() == wanted:
            found.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    assert found, f"no '{wanted}' on the page"
    return found[-1]


def test_running_heads_volume_left_chapter_right(sample: Book, printed: dict[int, bytes]) -> None:
    volume = sample.volume(3)
    reader = read(printed[3])
    first = chapter_starts(reader, volume)[0]
    left = reader.pages[first + 1].extract_text()
    right = reader.pages[first + 2].extract_text()
    assert "#VUCA III: Lernen und Führen" in left
    assert volume.chapters[0].doc.title in right.splitlines()


# Typesetting


def test_all_fonts_embedded_and_only_the_book_face(printed: dict[int, bytes], screen: bytes) -> None:
    for data in [*printed.values(), screen]:
        reader = read(data)
        names = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
                names.add(font["/BaseFont"].split("+", 1)[1])
        assert names <= {"Libertine", "Libertine-Italic", "Libertine-Bold", "Libertine-BoldItalic"}


def test_fallback_font_fails_the_build(project: Callable[[str], Path]) -> None:
    root = project("pdf-mini")
    with open(root / "styles" / "print.css", "a", encoding="utf-8") as css:
        css.write('\nbody { font-family: "DejaVu Sans", sans-serif; }\n')
    book = load_book(root)
    with pytest.raises(BookError, match="system font"):
        render(book, book.volumes[0], "print")


def test_german_paragraphs_are_hyphenated_at_line_ends(texts: dict[int, list[str]]) -> None:
    text = "\n".join(texts[3])
    assert re.search(rf"[a-zäöüß]{HYPHEN}\n[a-zäöüß]", text)


def test_hyphenation_list_words_break_only_where_listed(texts: dict[int, list[str]]) -> None:
    text = "\n".join(page for pages in texts.values() for page in pages)
    for wrong in ("Brü‐ckenk", "Brückenk‐", "Fort‐s", "Deut‐sch"):
        assert wrong.replace("‐", f"{HYPHEN}\n") not in text


def test_footnotes_on_the_page_of_their_call(sample: Book, texts: dict[int, list[str]]) -> None:
    checked = 0
    for volume in sample.volumes:
        pages = [flat(text) for text in texts[volume.number]]
        for chapter in volume.chapters:
            for number, before, note in _notes(chapter.doc.html):
                call = f"{before}{number}"
                with_note = [i for i, text in enumerate(pages) if f"{number} {note}" in text]
                assert with_note, f"note {number} of {chapter.doc.anchor} not found"
                assert call in pages[with_note[0]], f"{chapter.doc.anchor} note {number}"
                checked += 1
    assert checked >= 10


def _notes(html: str) -> list[tuple[str, str, str]]:
    """(number as printed, the word before the call, the note's first words) of each footnote.

    The print edition numbers the notes that carry web addresses (one per link in the
    text, not in the notes) in the same series, so a note may print with a higher number.
    """
    body = html.split("<aside", 1)[0]
    printed: dict[str, str] = {}
    for link, number in re.findall(r'<a (href="(?:https?|mailto):)|<a class="noteref"[^>]*>(\d+)</a>', body):
        if link or number not in printed:
            printed[number if not link else f"link {len(printed)}"] = str(len(printed) + 1)
    plain = re.sub(r'<a class="noteref"[^>]*>(\d+)</a>', r"⟨\1⟩", html)
    plain = re.sub(r'<a class="backlink"[^>]*>(\d+)</a>', r"⟪\1⟫", plain)
    plain = " ".join(re.sub(r"<[^>]+>", "", plain).replace("\u00ad", "").split())
    notes = dict(re.findall(r"⟪(\d+)⟫ (\S+ \S+ \S+)", plain))
    return [(printed[number], before, notes[number]) for before, number in re.findall(r"(\S+)⟨(\d+)⟩", plain)]


# Profiles, metadata, determinism


def test_metadata_from_the_book_with_the_volume_date(sample: Book, printed: dict[int, bytes]) -> None:
    reader = read(printed[3])
    info = reader.metadata
    assert info.title == "#VUCA III: Lernen und Führen"
    assert info.author == "Dr. Angelica Laurencon"
    assert info.subject == "Wissen teilen über Grenzen hinweg"
    assert "Führung" in info["/Keywords"]
    assert info.creator == "bookpress"
    date = timestamp(sample.volume(3)).strftime("D:%Y%m%d%H%M%SZ")
    assert info["/CreationDate"] == info["/ModDate"] == date
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_rebuilds_are_byte_identical(sample: Book, printed: dict[int, bytes], screen: bytes) -> None:
    assert render(sample, sample.volume(3), "print") == printed[3]
    assert render(sample, sample.volume(1), "screen") == screen
    ids = read(printed[3]).trailer["/ID"]
    assert ids[0] == pdf_plan.identifier(sample.volume(3), pdf_plan.PRINT)


def test_screen_pdf_is_tagged_for_pdf_ua_1(screen: bytes) -> None:
    reader = read(screen)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp and b"#VUCA I: Orientierung" in xmp
    assert all("/StructParents" in page for page in reader.pages)


def test_screen_structure_tree_is_one_tree_over_the_joined_pages(screen: bytes) -> None:
    """The parts' trees are joined: every element's page is a page of the volume, and
    each page's and link's key in the parent tree leads back to elements on that page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(screen)) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        tree = pdf.Root.StructTreeRoot
        (document,) = list(tree.K)
        assert document.S == "/Document"
        seen: list[int] = []

        def visit(element: pikepdf.Dictionary, parent: pikepdf.Dictionary) -> None:
            assert element.P.objgen == parent.objgen
            if "/Pg" in element:
                seen.append(pages[element.Pg.objgen])  # KeyError: a page left out of the volume
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    visit(kid, element)

        for kid in document.K:
            visit(kid, document)
        assert sorted(set(seen)) == list(range(len(pdf.pages)))  # every page has tagged content
        nums = tree.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert len(parents) == len(nums) // 2 and int(tree.ParentTreeNextKey) > max(parents)
        links = 0
        for number, page in enumerate(pdf.pages):
            marked = parents[int(page.obj.StructParents)]
            assert all(pages[element.Pg.objgen] == number for element in marked)
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    assert parents[int(annot.StructParent)].S in ("/Link", "/Span", "/NonStruct")
                    links += 1
        assert links


def _long_second_chapter(root: Path) -> Book:
    """pdf-mini with a one-page first chapter and a second one of several pages."""
    chapter = root / "manuscript" / "band-1" / "02-mitte.md"
    paragraph = "Ein Absatz, der die Seiten füllt und dabei lang genug ist, um umzubrechen. " * 12
    chapter.write_text(chapter.read_text(encoding="utf-8") + ("\n" + paragraph + "\n") * 12, encoding="utf-8")
    return load_book(root)


def _folio_sides(reader: PdfReader, pages: range) -> dict[int, str]:
    """Folio -> the half of the page it is printed on, for the pages that show one."""
    sides = {}
    for number in pages:
        text = reader.pages[number].extract_text().rstrip()
        folio = re.search(r"(\d+)$", text)
        if folio:
            x = _text_at(reader.pages[number], folio.group(1))
            sides[int(folio.group(1))] = "left" if x < 120 * MM / 2 else "right"
    return sides


def test_screen_pages_take_their_side_from_their_folio(project: Callable[[str], Path]) -> None:
    """A chapter after one of odd length opens on a left-hand page (no blank page on
    screen); its folios and running heads are those of the sides its folios give."""
    book = _long_second_chapter(project("pdf-mini"))
    volume = book.volumes[0]
    reader = read(render(book, volume, "screen"))
    first, second = chapter_starts(reader, volume)
    assert second == first + 1
    end = starts(reader)["Über die Autorin"]
    assert end - second >= 3
    sides = _folio_sides(reader, range(second + 1, end))
    assert len(sides) >= 2
    assert all(side == ("right" if folio % 2 else "left") for folio, side in sides.items()), sides
    title = volume.chapters[1].doc.title
    for number in range(second + 1, end):
        text = reader.pages[number].extract_text()
        folio = int(re.search(r"(\d+)$", text.rstrip()).group(1))
        assert (title in text.splitlines()) == (folio % 2 == 1), (folio, text[:80])


def _line_starts(page: object) -> list[float]:
    """x positions where the body's lines on the page begin."""
    lefts: list[float] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if len(text.strip()) > 20:  # a line of the body
            lefts.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return lefts


def test_screen_with_mirrored_margins_lays_a_unit_out_on_its_side(project: Callable[[str], Path]) -> None:
    """Where a stylesheet gives left and right pages different margins, a unit that opens
    on a left-hand page is laid out as one, not only given the other margin boxes."""
    root = project("pdf-mini")
    with (root / "styles" / "screen.css").open("a", encoding="utf-8") as sheet:
        sheet.write("@page :left { margin-left: 30mm; margin-right: 10mm; }\n")
        sheet.write("@page :right { margin-left: 10mm; margin-right: 30mm; }\n")
    book = _long_second_chapter(root)
    reader = read(render(book, book.volumes[0], "screen"))
    second = chapter_starts(reader, book.volumes[0])[1]
    for number in range(second, starts(reader)["Über die Autorin"]):
        lefts = _line_starts(reader.pages[number])
        folio = number - second + 2  # the second chapter opens on folio 2
        expected = 30 if folio % 2 == 0 else 10
        assert lefts and abs(min(lefts) / MM - expected) < 1.5, (folio, min(lefts) / MM)


def test_screen_pdf_has_live_web_links(screen: bytes) -> None:
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in read(screen).pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert "https://de.wikipedia.org/wiki/VUCA" in uris


def test_print_pdf_is_untagged(printed: dict[int, bytes]) -> None:
    root = read(printed[3]).trailer["/Root"]
    assert "/StructTreeRoot" not in root


def test_figures_in_the_screen_pdf_have_their_alt_text(sample: Book) -> None:
    reader = read(render(sample, sample.volume(2), "screen"))
    alts = []

    def visit(node: object) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(node.get("/Alt"))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                visit(kid)

    visit(reader.trailer["/Root"]["/StructTreeRoot"])
    assert alts and all(alt and alt.startswith("Schematische Netzwerkgrafik") for alt in alts)


def test_profiles_registered_for_the_cli() -> None:
    assert {name: p.format for name, p in PROFILES.items() if p.format == "pdf"} == {
        "print": "pdf",
        "screen": "pdf",
    }


# Images


def book_with_image(root: Path, name: str, size: tuple[int, int]) -> Book:
    """The fixture book with a third chapter that shows a white PNG of ``size`` pixels."""
    Image.new("RGB", size, "white").save(root / "manuscript" / name)
    (root / "manuscript" / "band-1" / "03-bild.md").write_text(
        f"---\ntitle: Bild\n---\n\n![Ein Bild]({'../' + name})\n", encoding="utf-8"
    )
    return load_book(root)


def test_low_resolution_image_is_named_in_a_warning(
    project: Callable[[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    book = book_with_image(project("pdf-mini"), "grob.png", (300, 200))
    with caplog.at_level(logging.WARNING, logger="bookpress"):
        render(book, book.volumes[0], "print")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("manuscript/grob.png: printed at ") and "ppi" in m for m in warnings)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bookpress"):
        render(book, book.volumes[0], "screen")
    assert not caplog.records


def test_sharp_image_gives_no_warning(
    project: Callable[[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    book = book_with_image(project("pdf-mini"), "fein.png", (1200, 800))
    with caplog.at_level(logging.WARNING, logger="bookpress"):
        render(book, book.volumes[0], "print")
    assert not caplog.records


# Nothing outside the project


@pytest.mark.parametrize(
    "markdown",
    [
        "![Bild](../../etc/passwd)",
        "![Bild](file:///etc/passwd)",
        "![Bild](http://example.org/x.png)",
        '<img src="file:///etc/passwd" alt=""/>',
        "[Link](file:///etc/passwd)",
        "[Link](../../etc/passwd)",
    ],
)
def test_outside_references_are_errors_with_chapter_and_line(
    project: Callable[[str], Path], markdown: str
) -> None:
    root = project("pdf-mini")
    chapter = root / "manuscript" / "band-1" / "01-anfang.md"
    replace_in(chapter, "Ein kurzes Kapitel", f"Text.\n\n{markdown}\n\nEin kurzes Kapitel")
    with pytest.raises(BookError) as caught:
        load_book(root)
    problem = caught.value.problems[0]
    assert problem.file == chapter and problem.line == 7


@pytest.mark.parametrize(
    "css",
    [
        '@import url("file:///etc/passwd");',
        '@import "../../../../../../etc/hostname";',
        "body { background: url(http://example.org/x.png); }",
        'h1 { background: url("../../../../../etc/passwd"); }',
    ],
)
def test_stylesheet_reaching_outside_fails_cleanly(project: Callable[[str], Path], css: str) -> None:
    root = project("pdf-mini")
    sheet = root / "styles" / "print.css"
    sheet.write_text(css + "\n" + sheet.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BookError) as caught:
        load_book(root)  # refused before any renderer runs, naming the stylesheet and line
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (sheet, 1)
    assert "project folder" in problem.message or "URL scheme" in problem.message
    assert "passwd" not in str(caught.value) and "example.org" not in str(caught.value)


def test_fetcher_serves_checked_files_only(tmp_path: Path) -> None:
    resources = {"in.css": b"p {}"}
    fetcher = pdf.ProjectFetcher(tmp_path, resources)
    assert fetcher.key((tmp_path / "in.css").as_uri()) == "in.css"
    assert fetcher.fetch((tmp_path / "in.css").as_uri()).read() == b"p {}"
    assert fetcher.key((tmp_path.parent / "outside.css").as_uri()) is None
    assert fetcher.key((tmp_path / "sub" / ".." / ".." / "x").as_uri()) is None
    assert fetcher.key("https://example.org/in.css") is None
    (tmp_path / "other.css").write_text("p {}", encoding="utf-8")  # on disk, but never checked
    assert fetcher.key((tmp_path / "other.css").as_uri()) is None
    with pytest.raises(pdf.FatalURLFetchingError):
        fetcher.fetch((tmp_path / "other.css").as_uri())


# The PDF document's HTML


def test_notes_move_to_their_calls_and_a_second_call_keeps_the_number() -> None:
    from bookpress.renderers.pdf_html import inline_footnotes

    fragment = (
        '<p>Erst<a class="noteref" id="c-fnref-1" href="#c-fn-1" role="doc-noteref" '
        'epub:type="noteref">1</a> dann<a class="noteref" id="c-fnref-1-2" href="#c-fn-1">1</a>.</p>\n'
        '<aside class="footnote" id="c-fn-1" epub:type="footnote"><p><a class="backlink" '
        'href="#c-fnref-1">1</a> Die <em>Notiz</em>.</p><p>Zweiter Absatz.</p></aside>'
    )
    result = inline_footnotes(fragment)
    assert "<aside" not in result
    assert (
        '<p data-notes="c-fn-1">Erst<span class="footnote" id="c-fn-1" data-note="1">'
        "Die <em>Notiz</em>.<br/>Zweiter Absatz.</span> dann"
        '<span class="noteref-repeat">1</span>.</p>'
    ) in result


def test_print_text_is_set_in_black_ink_only(printed: dict[int, bytes], screen: bytes) -> None:
    """No RGB colour operators on the pages of a volume without pictures; the screen PDF keeps RGB."""
    rgb = re.compile(r"(?m)^[\d. ]+ (rg|RG)$")
    reader = read(printed[3])
    streams = [page.get_contents().get_data().decode("latin-1") for page in reader.pages]
    assert not [index for index, stream in enumerate(streams) if rgb.search(stream)]
    assert all("/DeviceCMYK cs" in stream for stream in streams if " Tj" in stream or "TJ" in stream)
    assert any(rgb.search(page.get_contents().get_data().decode("latin-1")) for page in read(screen).pages)


def test_cli_shows_the_image_warning(project: Callable[[str], Path]) -> None:
    from click.testing import CliRunner

    from bookpress.cli import main

    root = project("pdf-mini")
    book_with_image(root, "grob.png", (300, 200))
    for flags in ((), ("--quiet",)):
        result = CliRunner().invoke(main, ["-C", str(root), *flags, "build", "-p", "print"])
        assert result.exit_code == 0, result.stderr
        assert "warning: manuscript/grob.png: printed at " in result.stderr


# Page labels


def contents_numbers(reader: PdfReader) -> dict[str, str]:
    """Title -> page number as the contents page prints it."""
    text = reader.pages[starts(reader)["Inhalt"]].extract_text()
    return {
        title.strip(): number
        for title, number in re.findall(r"^(?:[IVX]+/\d\d )?(.+?)[ .]+ (\d+)$", text, re.MULTILINE)
    }


def test_page_labels_match_the_folios(sample: Book, printed: dict[int, bytes], screen: bytes) -> None:
    editions = [(volume, read(printed[volume.number])) for volume in sample.volumes]
    editions.append((sample.volume(1), read(screen)))
    for volume, reader in editions:
        labels = reader.page_labels
        first = chapter_starts(reader, volume)[0]
        assert labels[:first] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][:first]
        assert labels[first:] == [str(n) for n in range(1, len(labels) - first + 1)]
        # The contents' numbers, the bookmarks and the labels agree.
        listed = contents_numbers(reader)
        marks = starts(reader)
        assert listed and all(labels[marks[title]] == number for title, number in _by_mark(listed, marks))


def _by_mark(listed: dict[str, str], marks: dict[str, int]) -> list[tuple[str, str]]:
    """(bookmark title, contents number) for each contents entry."""
    pairs = []
    for title, number in listed.items():
        [mark] = [m for m in marks if m == title or m.endswith(f" {title}")]
        pairs.append((mark, number))
    return pairs


def test_contents_links_lead_to_pages_labelled_with_their_number(printed: dict[int, bytes]) -> None:
    reader = read(printed[2])
    labels = reader.page_labels
    contents = reader.pages[starts(reader)["Inhalt"]]
    numbers = list(contents_numbers(reader).values())
    targets = []
    for annotation in contents.get("/Annots", []):
        annotation = annotation.get_object()
        destination = annotation.get("/Dest") or annotation.get("/A", {}).get("/D")
        if destination is None:
            continue
        if isinstance(destination, str) or not hasattr(destination, "__getitem__"):
            destination = reader.named_destinations[str(destination)]
            page = reader.get_destination_page_number(destination)
        else:
            page = reader.get_page_number(destination[0].get_object())
        targets.append(labels[page])
    assert targets and sorted(set(targets), key=int) == sorted(set(numbers), key=int)


# Closing pages and preflight


def test_print_editions_are_padded_with_the_series_page(sample: Book, printed: dict[int, bytes]) -> None:
    for volume in sample.volumes:
        reader = read(printed[volume.number])
        assert len(reader.pages) % 2 == 0
        last = flat(reader.pages[-1].extract_text())
        others = [v for v in sample.volumes if v is not volume]
        assert last.startswith("Ebenfalls in dieser Reihe")
        assert all(volume_title(sample.series, o) in last and o.isbn.print in last for o in others)
        assert volume.isbn.print not in last


def test_sample_print_pdfs_pass_preflight_for_their_printer(
    sample: Book, printed: dict[int, bytes], tmp_path: Path
) -> None:
    from bookpress.preflight import Expect, preflight

    for number, data in printed.items():
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(data)
        assert preflight(path, Expect.of(sample.print)) == []


def test_closing_pages_only_where_the_page_count_needs_them() -> None:
    from bookpress.renderers.pdf_closing import pages_to_add

    assert pages_to_add(19, 30, 2) == [30]
    assert pages_to_add(20, 30, 2) == []
    assert pages_to_add(21, 30, 4) == [30, 31, 32]


def test_a_series_of_one_volume_pads_with_a_blank_page(project: Callable[[str], Path]) -> None:
    from bookpress.renderers.pdf_closing import closing_pages

    book = load_book(project("pdf-mini"))
    assert len(book.volumes) == 1
    closing = closing_pages(book, book.volumes[0])
    assert "also-in-series" not in closing and closing.count("closing-blank") == 1


def test_stats_estimates_print_pages_within_one(sample: Book, printed: dict[int, bytes]) -> None:
    """Without a layout to read, ``bookpress stats`` estimates each volume's print pages; it is
    within a page of the real PDF."""
    counts = count_book(sample, sample.volumes, layouts=False)
    for volume, count in zip(sample.volumes, counts, strict=True):
        assert count.total.pages_from == "estimated"
        assert abs(count.total.print_pages - len(read(printed[volume.number]).pages)) <= 1
