"""Lean EPUB fonts: the faces the text uses, each cut to its characters; the others left out.

The fonts are read back with fontTools, an implementation apart from the HarfBuzz
subsetter that cut them. EPUBCheck checks the same EPUBs in test_epubcheck.py (the
``fonts`` fixture book is one of its books).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from bookpress.build import BuildOptions, build
from bookpress.renderers import epub_fonts
from conftest import REPO, copy_project

FONTS = "EPUB/styles/fonts/libertine/"
FACES = {"regular": "LinLibertine_R", "italic": "LinLibertine_RI", "bold": "LinLibertine_RB"}
FACES["bold italic"] = "LinLibertine_RBI"
XHTML = "{http://www.w3.org/1999/xhtml}"
MAX_EPUB_BYTES = 300_000  # what a volume of the sample may weigh


def fonts_of(epub: Path) -> dict[str, TTFont]:
    """The fonts packed in ``epub``, by face, read with fontTools."""
    with zipfile.ZipFile(epub) as package:
        return {
            face: TTFont(io.BytesIO(package.read(f"{FONTS}{stem}.otf")))
            for face, stem in FACES.items()
            if f"{FONTS}{stem}.otf" in package.namelist()
        }


def cmap(font: TTFont) -> set[str]:
    return {chr(point) for point in font.getBestCmap()}


def texts(epub: Path) -> str:
    """All text of the package's XHTML documents, navigation document included."""
    with zipfile.ZipFile(epub) as package:
        names = [name for name in package.namelist() if name.endswith(".xhtml")]
        return "".join("".join(etree.fromstring(package.read(name)).itertext()) for name in names)


def original(face: str) -> TTFont:
    return TTFont(REPO / "styles" / "fonts" / "libertine" / f"{FACES[face]}.otf")


def element_text(epub: Path, document: str, tag: str) -> str:
    with zipfile.ZipFile(epub) as package:
        root = etree.fromstring(package.read(f"EPUB/text/{document}"))
    return "".join("".join(element.itertext()) for element in root.iter(f"{XHTML}{tag}"))


@pytest.fixture(scope="module")
def fonts_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project("fonts", tmp_path_factory.mktemp("fonts") / "fonts")


@pytest.fixture(scope="module")
def fonts_epub(fonts_book: Path) -> Path:
    """The fixture book that sets text in all four faces, built without the build cache."""
    [written] = build(fonts_book, BuildOptions(output=fonts_book / "fresh", formats=("epub",), cache=False))
    return written.path


def test_the_sample_volumes_are_lean(sample_output: Path) -> None:
    sizes = {epub.name: epub.stat().st_size for epub in sorted(sample_output.glob("*.epub"))}
    assert len(sizes) == 3
    assert max(sizes.values()) <= MAX_EPUB_BYTES, sizes


def test_a_face_no_text_uses_is_left_out(sample_output: Path) -> None:
    """No text of the sample is bold and italic: its file, manifest item and @font-face go."""
    for epub in sorted(sample_output.glob("*.epub")):
        with zipfile.ZipFile(epub) as package:
            names = package.namelist()
            opf = package.read("EPUB/content.opf").decode()
            css = package.read("EPUB/styles/fonts.css").decode()
        assert f"{FONTS}LinLibertine_RBI.otf" not in names
        assert "LinLibertine_RBI" not in opf and "LinLibertine_RBI" not in css
        for face in ("regular", "italic", "bold"):
            assert f"{FONTS}{FACES[face]}.otf" in names
            assert FACES[face] in opf and FACES[face] in css
        assert css.count("@font-face") == 3


def test_a_face_the_text_uses_is_kept(fonts_epub: Path) -> None:
    fonts = fonts_of(fonts_epub)
    assert set(fonts) == set(FACES)
    assert set("fett und kursiv: Qualm Jux") <= cmap(fonts["bold italic"])
    assert set("kursiver Text") <= cmap(fonts["italic"])
    assert set("fetter Text") <= cmap(fonts["bold"])
    # Letters only the other faces set are not in it: the face is cut to its own text.
    assert not set("XYÖ") & cmap(fonts["bold italic"])


@pytest.mark.parametrize("book", ["sample", "fonts"])
def test_every_character_of_the_text_is_in_a_font(book: str, sample_output: Path, fonts_epub: Path) -> None:
    epubs = sorted(sample_output.glob("*.epub")) if book == "sample" else [fonts_epub]
    whole = set().union(*(cmap(original(face)) for face in FACES))
    for epub in epubs:
        kept = set().union(*(cmap(font) for font in fonts_of(epub).values()))
        wanted = {char for char in texts(epub) if char in whole and not char.isspace()}
        assert wanted - kept == set(), epub.name


def test_body_text_is_in_the_regular_face(sample_output: Path) -> None:
    """Paragraph text as a whole, with what reading systems add: spaces and hyphens."""
    for epub in sorted(sample_output.glob("*.epub")):
        regular = cmap(fonts_of(epub)["regular"])
        with zipfile.ZipFile(epub) as package:
            chapters = [name for name in package.namelist() if "/kapitel-" in name]
            paragraphs = "".join(
                paragraph.text or ""
                for name in chapters
                for paragraph in etree.fromstring(package.read(name)).iter(f"{XHTML}p")
            )
        # Format characters (the zero-width non-joiner at a compound joint) are drawn by no
        # font: reading systems ignore them where the font has no glyph, as Libertine has none.
        drawn = {c for c in paragraphs if unicodedata.category(c) != "Cf"}
        assert drawn - {"\n"} <= regular
        assert {" ", "-", "\u2010"} <= regular


def test_generated_text_is_in_the_fonts(fonts_epub: Path) -> None:
    """List markers, the quotes of <q> and the capitals of synthesised small capitals."""
    regular = cmap(fonts_of(fonts_epub)["regular"])
    assert set("0123456789.•") <= regular
    assert set("„“") <= regular
    assert set(element_text(fonts_epub, "kapitel-01.xhtml", "h3").upper()) <= regular
    assert "☃" not in regular  # a character Libertine does not have stays out; no error


def test_layout_features_are_kept(fonts_epub: Path) -> None:
    regular = fonts_of(fonts_epub)["regular"]
    gsub = {record.FeatureTag for record in regular["GSUB"].table.FeatureList.FeatureRecord}
    gpos = {record.FeatureTag for record in regular["GPOS"].table.FeatureList.FeatureRecord}
    assert {"liga", "smcp"} <= gsub  # smcp: the h3 headings are in small capitals
    assert "kern" in gpos
    assert regular["head"].modified == original("regular")["head"].modified


def test_the_sample_needs_no_small_capitals(sample_output: Path) -> None:
    """Features only where the text uses them: no h3 in volume I, no smcp glyphs."""
    volume_one = sorted(sample_output.glob("VUCA-I_*.epub"))[0]
    regular = fonts_of(volume_one)["regular"]
    assert "smcp" not in {record.FeatureTag for record in regular["GSUB"].table.FeatureList.FeatureRecord}


def test_lean_fonts_are_deterministic(fonts_book: Path, fonts_epub: Path) -> None:
    """The same bytes from another process (another string hash seed, a cold cache) and again
    from the cut fonts that process left in the build cache."""
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "compile.py"), "build", "--format", "epub", "-o", "cold"]
    subprocess.run(command, cwd=fonts_book, env=environment, check=True, capture_output=True)
    [cold] = (fonts_book / "cold").glob("*.epub")
    epub_fonts._memo.clear()  # nothing from this process: the cut fonts come from the cache
    [warm] = build(fonts_book, BuildOptions(output=fonts_book / "warm", formats=("epub",)))
    assert cold.read_bytes() == fonts_epub.read_bytes()
    assert warm.path.read_bytes() == fonts_epub.read_bytes()


def test_a_woff_font_is_cut_and_stays_woff(tmp_path: Path) -> None:
    font = original("regular")
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    cut = epub_fonts.subset(buffer.getvalue(), "Woff", [])
    assert cut[:4] == b"wOFF"
    assert set("Woff") <= cmap(TTFont(io.BytesIO(cut))) < cmap(original("regular"))
