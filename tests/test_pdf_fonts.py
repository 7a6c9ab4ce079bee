"""One font program per face in the joined print PDF (bookpress/renderers/pdf_fonts.py).

A fixture book with two chapters in roman, italic and bold is laid out once;
the parts it joins are joined again without the book's fonts, so each test
compares the PDF with one subset per face against the one with a subset per
part, page by page: the same text, the same pixels.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from bookpress.assets import FONT_TYPES
from bookpress.build import timestamp
from bookpress.loader import load_book
from bookpress.renderers import PROFILES, pdf_fonts, pdf_join
from conftest import copy_project, replace_in

ITALIC_AND_BOLD = {
    "01-anfang.md": (
        "Ein kurzes Kapitel",
        "Ein *kurzes* Kapitel mit **fetten Wörtern**, Ziffern (0123456789) und „Anführungen“",
    ),
    "02-mitte.md": ("Die Mitte des Buches", "Die *Mitte* des **Buches**, ***quer und fett***,"),
}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Joined:
    """A print edition's parts, joined with one subset per face (``shared``) and without."""

    parts: dict  # the keyword arguments of pdf_join.join, fonts and cache left out
    fonts: dict[str, bytes]
    shared: bytes
    unshared: bytes


def _joined(root: Path) -> Joined:
    book = load_book(root)
    calls: list[dict] = []
    join = pdf_join.join

    def recording(**arguments: object) -> bytes:
        calls.append(arguments)
        return join(**arguments)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_join, "join", recording)
        shared = PROFILES["print"].render(book, book.volumes[0], timestamp(book.volumes[0]))
    (arguments,) = calls
    fonts = arguments.pop("fonts")
    return Joined(arguments, fonts, shared, join(**arguments))


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory) -> Joined:
    root = copy_project("pdf-mini", tmp_path_factory.mktemp("fonts") / "pdf-mini")
    for name, (old, new) in ITALIC_AND_BOLD.items():
        replace_in(root / "manuscript" / "band-1" / name, old, new)
    return _joined(root)


@pytest.fixture(scope="module")
def truetype(tmp_path_factory: pytest.TempPathFactory) -> Joined:
    """The fixture book with its headings in a TrueType face (DejaVu Sans, from the system)."""
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    root = copy_project("pdf-mini", tmp_path_factory.mktemp("fonts") / "pdf-mini")
    shutil.copy(DEJAVU, root / "styles" / "fonts" / "DejaVuSans.ttf")
    with open(root / "styles" / "fonts.css", "a", encoding="utf-8") as css:
        css.write('@font-face { font-family: "Probe"; src: url("fonts/DejaVuSans.ttf"); }\n')
    with open(root / "styles" / "print.css", "a", encoding="utf-8") as css:
        css.write('h1, h2 { font-family: "Probe"; }\n')
    return _joined(root)


def programs(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """PostScript name → the embedded font programs (object ids) of that face."""
    found: dict[str, set[tuple[int, int]]] = {}
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                name = TTFont(io.BytesIO(stream.read_bytes()))["name"].getDebugName(6)
                found.setdefault(name, set()).add(stream.objgen)
    return found


def page_texts(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode().split("\f")


def page_images(data: bytes, folder: Path) -> list[Image.Image]:
    folder.mkdir()
    (folder / "book.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "book.pdf", "page"], cwd=folder, check=True)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils are not installed"
)


# The fixture book


def test_each_face_is_embedded_once(joined: Joined) -> None:
    before, after = programs(joined.unshared), programs(joined.shared)
    faces = {"LinLibertineO", "LinLibertineOI", "LinLibertineOB", "LinLibertineOBI"}
    assert set(after) == set(before) == faces
    assert all(len(before[face]) > 1 for face in ("LinLibertineO", "LinLibertineOI", "LinLibertineOB"))
    assert {face: len(streams) for face, streams in after.items()} == dict.fromkeys(faces, 1)


def test_the_pdf_is_smaller(joined: Joined) -> None:
    assert len(joined.shared) < len(joined.unshared) * 0.8


@needs_poppler
def test_every_page_has_the_same_text(joined: Joined, tmp_path: Path) -> None:
    before, after = page_texts(joined.unshared, tmp_path), page_texts(joined.shared, tmp_path)
    assert after == before
    assert any("fetten Wörtern" in text for text in after)


@needs_poppler
def test_every_page_looks_the_same(joined: Joined, tmp_path: Path) -> None:
    before = page_images(joined.unshared, tmp_path / "before")
    after = page_images(joined.shared, tmp_path / "after")
    assert len(after) == len(before) > 4
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        assert ImageChops.difference(old, new).getbbox() is None, f"page {number} differs"


def test_joining_again_gives_the_same_bytes(joined: Joined) -> None:
    assert pdf_join.join(**joined.parts, fonts=joined.fonts) == joined.shared


def test_the_shared_subsets_keep_the_font_files_timestamps(joined: Joined) -> None:
    """A subset keeps its font file's timestamp, never the time it was cut: the book's date is the files'."""
    stamps = {
        TTFont(io.BytesIO(data))["name"].getDebugName(6): TTFont(io.BytesIO(data))["head"].modified
        for data in joined.fonts.values()
    }
    with pikepdf.open(io.BytesIO(joined.shared)) as document:
        for name, (objgen,) in programs(joined.shared).items():
            font = TTFont(io.BytesIO(document.get_object(objgen).read_bytes()))
            assert font["head"].modified == stamps[name]


def test_the_print_edition_passes_the_books_font_files(joined: Joined) -> None:
    assert sorted(joined.fonts) == [
        f"styles/fonts/libertine/{name}.otf"
        for name in ("LinLibertine_R", "LinLibertine_RB", "LinLibertine_RBI", "LinLibertine_RI")
    ]
    assert all(PurePosixPath(name).suffix in FONT_TYPES for name in joined.fonts)


# What is left alone


def _shared_again(data: bytes, fonts: dict[str, bytes], change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as document:
        change(document)
        pdf_fonts.share_font_programs(document, fonts)
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def _cid_fonts(document: pikepdf.Pdf, face: str) -> Iterator[pikepdf.Dictionary]:
    """The CIDFonts of the face WeasyPrint calls ``face`` ("Libertine-Italic"), one per program."""
    seen: set[tuple[int, int]] = set()
    for page in document.pages:
        for font in page.Resources.get("/Font", {}).values():
            cid_font = font.DescendantFonts[0]
            stream = cid_font.FontDescriptor.FontFile3
            if stream.objgen not in seen and str(font.BaseFont).split("+", 1)[1] == face:
                seen.add(stream.objgen)
                yield cid_font


def test_a_face_missing_from_the_font_files_keeps_its_programs(joined: Joined) -> None:
    fonts = {name: data for name, data in joined.fonts.items() if not name.endswith("_RI.otf")}
    found = programs(_shared_again(joined.unshared, fonts, lambda document: None))
    assert len(found["LinLibertineOI"]) == len(programs(joined.unshared)["LinLibertineOI"]) > 1
    assert len(found["LinLibertineO"]) == len(found["LinLibertineOB"]) == 1


def test_a_program_whose_glyph_differs_leaves_its_face_alone(joined: Joined) -> None:
    """One part's roman subset draws one used glyph with another glyph's outline."""

    def swap_a_glyph(document: pikepdf.Pdf) -> None:
        cid_font = next(_cid_fonts(document, "Libertine"))
        stream = cid_font.FontDescriptor.FontFile3
        font = TTFont(io.BytesIO(stream.read_bytes()))
        order = font.getGlyphOrder()
        charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
        drawn = sorted(pdf_fonts.widths_glyphs(cid_font.W))
        used = [order[glyph] for glyph in drawn if len(charstrings[order[glyph]].bytecode) > 8]
        charstrings[used[0]].bytecode = charstrings[used[1]].bytecode
        buffer = io.BytesIO()
        font.save(buffer)
        stream.write(buffer.getvalue())

    before = programs(joined.unshared)
    found = programs(_shared_again(joined.unshared, joined.fonts, swap_a_glyph))
    assert len(found["LinLibertineO"]) == len(before["LinLibertineO"]) > 1
    assert len(found["LinLibertineOI"]) == len(found["LinLibertineOB"]) == 1


def test_two_font_files_with_one_postscript_name_share_nothing(joined: Joined) -> None:
    fonts = dict(joined.fonts)
    regular = TTFont(io.BytesIO(fonts["styles/fonts/libertine/LinLibertine_R.otf"]))
    regular["name"].setName("Another version", 5, 3, 1, 0x409)
    buffer = io.BytesIO()
    regular.save(buffer)
    fonts["styles/fonts/other/LinLibertine_R.otf"] = buffer.getvalue()
    found = programs(_shared_again(joined.unshared, fonts, lambda document: None))
    assert len(found["LinLibertineO"]) == len(programs(joined.unshared)["LinLibertineO"]) > 1
    assert len(found["LinLibertineOB"]) == 1


# TrueType


def test_a_truetype_face_is_embedded_once(truetype: Joined) -> None:
    before, after = programs(truetype.unshared), programs(truetype.shared)
    assert len(before["DejaVuSans"]) > 1
    assert len(after["DejaVuSans"]) == 1


@needs_poppler
def test_a_truetype_face_looks_the_same(truetype: Joined, tmp_path: Path) -> None:
    before = page_images(truetype.unshared, tmp_path / "before")
    after = page_images(truetype.shared, tmp_path / "after")
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert ImageChops.difference(old, new).getbbox() is None


# The parts that read fonts


def test_widths_give_the_glyph_ids() -> None:
    widths = pikepdf.Array([3, pikepdf.Array([500, 600]), 10, 12, 250])
    assert pdf_fonts.widths_glyphs(widths) == {3, 4, 10, 11, 12}
    assert pdf_fonts.widths_glyphs(None) == set()
    assert pdf_fonts.widths_glyphs(pikepdf.Array([3])) is None


def test_accented_composition_is_recognised() -> None:
    # Type 2: numbers 32..246 are one byte (value - 139); 14 is endchar.
    assert pdf_fonts.composes(bytes([139, 139, 139 + 65, 139 + 97, 14])) is True  # seac: adx ady bchar achar
    assert pdf_fonts.composes(bytes([139 + 50, 14])) is False  # a width, then endchar
    assert pdf_fonts.composes(bytes([139, 139, 21, 139 + 10, 6, 14])) is False  # rmoveto, hlineto
    assert pdf_fonts.composes(bytes([139, 139, 1, 19, 0xFF, 14])) is None  # a hint mask: cannot tell


def test_a_glyph_encoded_otherwise_but_drawn_the_same_is_shared(joined: Joined) -> None:
    """Bytes that differ are not the end: the outlines fontTools draws are compared."""

    def reencode_a_number(document: pikepdf.Pdf) -> None:
        cid_font = next(_cid_fonts(document, "Libertine"))
        stream = cid_font.FontDescriptor.FontFile3
        font = TTFont(io.BytesIO(stream.read_bytes()), recalcBBoxes=False)  # keeps the bytes as written
        order = font.getGlyphOrder()
        charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
        for glyph in sorted(pdf_fonts.widths_glyphs(cid_font.W)):
            code = charstrings[order[glyph]].bytecode
            if len(code) > 8 and 32 <= code[0] <= 246:  # a one-byte number first: write it in three
                charstrings[order[glyph]].bytecode = (
                    bytes([28, *(code[0] - 139).to_bytes(2, "big", signed=True)]) + code[1:]
                )
                break
        else:
            raise AssertionError("no glyph starts with a one-byte number")
        buffer = io.BytesIO()
        font.save(buffer)
        stream.write(buffer.getvalue())

    drawn: list[int] = []
    outline = pdf_fonts.Outlines.outline
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            pdf_fonts.Outlines, "outline", lambda self, glyph: drawn.append(glyph) or outline(self, glyph)
        )
        found = programs(_shared_again(joined.unshared, joined.fonts, reencode_a_number))
    assert len(found["LinLibertineO"]) == 1
    assert len(drawn) == 2  # that glyph, in the part's subset and in the shared one


def test_a_face_shipped_as_woff_is_shared_too(joined: Joined) -> None:
    fonts = dict(joined.fonts)
    regular = TTFont(io.BytesIO(fonts.pop("styles/fonts/libertine/LinLibertine_R.otf")))
    regular.flavor = "woff"
    buffer = io.BytesIO()
    regular.save(buffer)
    fonts["styles/fonts/libertine/LinLibertine_R.woff"] = buffer.getvalue()
    found = programs(_shared_again(joined.unshared, fonts, lambda document: None))
    assert len(found["LinLibertineO"]) == 1


def test_a_hinted_program_leaves_its_face_alone(joined: Joined) -> None:
    """Hints change how a glyph looks on screen, though the outlines are the same."""

    def hint(document: pikepdf.Pdf) -> None:
        stream = next(_cid_fonts(document, "Libertine-Bold")).FontDescriptor.FontFile3
        font = TTFont(io.BytesIO(stream.read_bytes()), recalcBBoxes=False)
        font["CFF "].cff.topDictIndex[0].Private.BlueValues = [-12, 0, 429, 442]
        buffer = io.BytesIO()
        font.save(buffer)
        stream.write(buffer.getvalue())

    found = programs(_shared_again(joined.unshared, joined.fonts, hint))
    assert len(found["LinLibertineOB"]) == len(programs(joined.unshared)["LinLibertineOB"]) > 1
    assert len(found["LinLibertineO"]) == 1
