"""Print PDFs made for their printer: bleed at the spine, PDF/X keys, the shipped ICC profile."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import ImageCms

from bookpress.build import timestamp
from bookpress.loader import load_book
from bookpress.renderers import PROFILES
from bookpress.renderers.pdf_printer import ICC_PROFILE
from conftest import copy_project

MM = 72 / 25.4


def build(root: Path, table: str) -> bytes:
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[print]\n{table}\n", encoding="utf-8")
    book = load_book(root)
    volume = book.volumes[0]
    return PROFILES["print"].render(book, volume, timestamp(volume))


@pytest.fixture(scope="module")
def kdp(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build(copy_project("pdf-mini", tmp_path_factory.mktemp("kdp") / "p"), 'printer = "kdp"')


@pytest.fixture(scope="module")
def ingram(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = copy_project("pdf-mini", tmp_path_factory.mktemp("ingram") / "p")
    return build(root, 'printer = "ingramspark"\ntrim = "5x8in"')


def boxes(page: pikepdf.Page, key: str) -> list[float]:
    return [round(float(v) / MM, 1) for v in page.obj[key]]


def test_no_bleed_at_the_spine_for_kdp(kdp: bytes) -> None:
    with pikepdf.open(io.BytesIO(kdp)) as pdf:
        assert len(pdf.pages) > 4
        for index, page in enumerate(pdf.pages):
            left, bottom, right, top = boxes(page, "/TrimBox")
            assert (right - left, top - bottom) == (120.0, 190.0)
            for key in ("/MediaBox", "/BleedBox"):
                box = boxes(page, key)
                assert (box[1], box[3]) == (bottom - 3.2, top + 3.2)  # head and foot
                if index % 2 == 0:  # a right-hand page: spine on the left
                    assert (box[0], box[2]) == (left, right + 3.2)
                else:
                    assert (box[0], box[2]) == (left - 3.2, right)
        assert "/OutputIntents" not in pdf.Root  # KDP asks for no PDF/X
        # nor for bookmarks and annotations
        assert "/Outlines" not in pdf.Root and not any("/Annots" in page.obj for page in pdf.pages)


def test_ingramspark_gets_pdf_x_1a_keys(ingram: bytes) -> None:
    with pikepdf.open(io.BytesIO(ingram)) as pdf:
        assert pdf.pdf_version == "1.4"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes() == ICC_PROFILE.read_bytes()
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
        assert str(pdf.docinfo["/GTS_PDFXConformance"]) == "PDF/X-1a:2003"
        assert pdf.docinfo["/Trapped"] == "/False"
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-1a:2003"
        assert meta["dc:title"] == str(pdf.docinfo["/Title"])
        for page in pdf.pages:
            left, bottom, right, top = boxes(page, "/TrimBox")
            assert (right - left, top - bottom) == (127.0, 203.2)
            assert "/BleedBox" in page.obj and "/Annots" not in page.obj
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                assert obj.get("/S") != "/Transparency"  # no transparency group is left
                spaces = obj.get("/ColorSpace")
                if isinstance(spaces, pikepdf.Dictionary):
                    assert not [name for name in spaces if "lab" in name.lower()]


def test_pdf_x_output_is_byte_identical(tmp_path: Path, ingram: bytes) -> None:
    root = copy_project("pdf-mini", tmp_path / "p")
    assert build(root, 'printer = "ingramspark"\ntrim = "5x8in"') == ingram


def test_the_shipped_icc_profile_is_a_cmyk_printer_profile_with_its_licence() -> None:
    profile = ImageCms.getOpenProfile(str(ICC_PROFILE)).profile
    assert (profile.xcolor_space.strip(), profile.device_class) == ("CMYK", "prtr")
    assert "FOGRA39" in profile.profile_description
    licence = ICC_PROFILE.with_suffix(".LICENSE").read_text(encoding="utf-8")
    assert "zlib" in licence.lower() and "FOGRA39L.ti3" in licence


def test_qpdf_finds_no_structural_problem(kdp: bytes, ingram: bytes) -> None:
    for data in (kdp, ingram):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert pdf.check_pdf_syntax() == []
