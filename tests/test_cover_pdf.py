"""The printed cover: sheet size, bar code read back by a real decoder, spine direction,
ink model, the front picture; and the store's cover image."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bookpress.build import timestamp
from bookpress.config import load_config
from bookpress.errors import BookError
from bookpress.loader import load_book
from bookpress.model import isbn_digits
from bookpress.renderers import cover_pdf
from conftest import REPO, copy_project

MM = 72 / 25.4
SPINE = 8.4


@pytest.fixture(scope="module")
def sample_cover() -> bytes:
    book = load_book(REPO)
    volume = book.volume(1)
    return cover_pdf.render(book, volume, spine_mm=SPINE, timestamp=timestamp(volume))


@pytest.fixture(scope="module")
def pictured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture book with a red cover picture and the English spine direction."""
    root = copy_project("pdf-mini", tmp_path_factory.mktemp("cover") / "book")
    Image.new("RGB", (600, 900), (200, 20, 20)).save(root / "manuscript" / "umschlag.png")
    toml = root / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[volumes.isbn]", 'cover = "umschlag.png"\nprice = "12,00 € (D)"\n[volumes.isbn]'
    )
    toml.write_text(text + '\n[cover]\nspine_text = "top-to-bottom"\n', encoding="utf-8")
    return root


def render(root: Path, spine: float) -> bytes:
    book = load_book(root)
    volume = book.volumes[0]
    return cover_pdf.render(book, volume, spine_mm=spine, timestamp=timestamp(volume))


def raster(pdf: bytes, tmp_path: Path, dpi: int) -> Image.Image:
    path = tmp_path / "cover.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True)
    return Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")


def mm(box: object) -> tuple[float, float]:
    return round(float(box.width) / MM, 2), round(float(box.height) / MM, 2)


def texts(pdf: bytes) -> list[tuple[str, tuple[float, float], tuple[float, float]]]:
    """(text, its origin in mm from the sheet's lower left, its writing direction) of each run."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    left, bottom = float(page.mediabox.left), float(page.mediabox.bottom)
    found = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        direction = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
        found.append((text.strip(), ((x - left) / MM, (y - bottom) / MM), direction))

    page.extract_text(visitor_text=visit)
    return found


def test_sheet_is_back_spine_front_with_bleed(sample_cover: bytes) -> None:
    book = load_book(REPO)
    width, height, bleed = book.print.width_mm, book.print.height_mm, book.print.bleed_mm
    page = PdfReader(io.BytesIO(sample_cover)).pages[0]
    assert mm(page.mediabox) == (round(2 * width + SPINE + 2 * bleed, 2), height + 2 * bleed)
    assert mm(page.trimbox) == (round(2 * width + SPINE, 2), height)
    assert mm(page.bleedbox) == mm(page.mediabox)
    assert float(page.trimbox.left) - float(page.mediabox.left) == pytest.approx(bleed * MM)


def test_the_bar_code_reads_back_as_the_print_isbn_under_the_isbn_in_words(
    sample_cover: bytes, tmp_path: Path
) -> None:
    image = raster(sample_cover, tmp_path, 300)
    codes = zxingcpp.read_barcodes(image)
    assert [(c.format, c.text) for c in codes] == [(zxingcpp.BarcodeFormat.EAN13, "9783987651021")]
    book = load_book(REPO)
    assert codes[0].text == isbn_digits(book.volume(1).isbn.print)
    # On the back (left of the spine), and below the ISBN written out.
    top_px = min(codes[0].position.top_left.y, codes[0].position.top_right.y)
    right_px = max(codes[0].position.top_right.x, codes[0].position.bottom_right.x)
    px_mm = 25.4 / 300
    bleed = book.print.bleed_mm
    assert right_px * px_mm < bleed + book.print.width_mm
    (isbn,) = [t for t in texts(sample_cover) if t[0].startswith("ISBN 978-3-98765-102-1")]
    bars_top_mm = image.height * px_mm - top_px * px_mm  # from the sheet's lower edge
    assert 0 < isbn[1][1] - bars_top_mm < 6, (isbn, bars_top_mm)


def test_spine_reads_bottom_to_top_by_default(sample_cover: bytes) -> None:
    book = load_book(REPO)
    spine_left = book.print.bleed_mm + book.print.width_mm
    spine = [t for t in texts(sample_cover) if spine_left < t[1][0] < spine_left + SPINE]
    words = " ".join(t[0] for t in spine)
    for expected in ("Dr. Angelica Laurencon", "#VUCA Band I", "Orientierung", "connect2communicate Verlag"):
        assert expected in words
    assert all(dx == pytest.approx(0, abs=1e-6) and dy > 0 for _, _, (dx, dy) in spine)  # upwards


def test_spine_direction_is_configurable_and_a_thin_spine_stays_bare(pictured: Path) -> None:
    down = texts(render(pictured, 9))
    spine = [t for t in down if 120 + 3 < t[1][0] < 120 + 3 + 9]
    assert spine and all(dy < 0 for _, _, (_, dy) in spine)  # top to bottom
    thin = texts(render(pictured, 4))
    assert not [t for t in thin if 123 < t[1][0] < 127]


def test_a_long_title_keeps_the_spine_clear_of_head_and_foot(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("minimal")
    long_title = (
        "Ein sehr langer Bandtitel, der auf keinen Buchrücken in einer Zeile passen würde, "
        "auch nicht in kleiner Schrift und mit viel gutem Willen"
    )
    toml = root / "manuscript" / "book.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('title = "Erster Band"', f'title = "{long_title}"'),
        encoding="utf-8",
    )
    pdf = render(root, 12)
    spine_words = " ".join(t[0] for t in texts(pdf) if 123 < t[1][0] < 135)
    assert "Ein sehr langer" in spine_words and "Testverlag" not in spine_words  # the publisher gave way
    image = raster(pdf, tmp_path, 100)
    px = 100 / 25.4
    strip = image.crop((round(123 * px), 0, round(135 * px), image.height)).convert("L")
    band = round((3 + cover_pdf.SPINE_MARGIN_MM - 1) * px)  # bleed and margin, less a millimetre
    for rows in ((0, band), (image.height - band, image.height)):
        region = strip.crop((0, rows[0], strip.width, rows[1]))
        assert region.getextrema()[1] < 120, rows  # only the navy ground: no light text


def test_inks_are_cmyk_and_text_black_only(sample_cover: bytes) -> None:
    with pikepdf.open(io.BytesIO(sample_cover)) as pdf:
        page = pdf.pages[0]
        content = page.obj.Contents.read_bytes().decode("latin-1")
        images = list(page.get_images().values())
        assert images and all(image.ColorSpace == "/DeviceCMYK" for image in images)
    assert "/DeviceRGB" not in content and not re.search(r"(?m) (rg|RG)$", content)  # no RGB
    # The ground in the navy of the generated front, the bars and bar-code text in black ink.
    assert re.search(r"(?m)^0\.937 0\.882 0\.804 0 (scn|k)$", content)
    assert re.search(r"(?m)^0 0 0 1 (scn|k)$", content)


def test_front_is_the_volume_picture(pictured: Path, tmp_path: Path) -> None:
    image = raster(render(pictured, 9), tmp_path, 20)
    front_middle = (round(image.width * 0.8), image.height // 2)
    red, green, blue = image.getpixel(front_middle)
    assert red > 150 and green < 90 and blue < 90, (red, green, blue)
    back = image.getpixel((round(image.width * 0.2), image.height // 2))
    assert back[2] > back[0]  # the navy ground


def test_price_and_a_bad_spine(pictured: Path) -> None:
    assert any(t[0].startswith("12,00 € (D)") for t in texts(render(pictured, 9)))
    book = load_book(pictured)
    with pytest.raises(BookError, match="spine of 0 mm"):
        cover_pdf.render(book, book.volumes[0], spine_mm=0, timestamp=timestamp(book.volumes[0]))


def test_unknown_spine_direction_is_reported_with_its_line(project: Callable[[str], Path]) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[cover]\nspine_text = "sideways"\n', encoding="utf-8"
    )
    with pytest.raises(BookError) as caught:
        load_config(toml)
    (problem,) = caught.value.problems
    assert (problem.key, problem.message) == (
        "cover.spine_text",
        "must be one of: bottom-to-top, top-to-bottom",
    )
    assert toml.read_text(encoding="utf-8").splitlines()[problem.line - 1] == 'spine_text = "sideways"'


def test_store_image_is_an_rgb_jpeg_of_1600_by_2560(pictured: Path) -> None:
    for root in (REPO, pictured):
        book = load_book(root)
        data = cover_pdf.store_image(book, book.volumes[0])
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1600, 2560))
    with Image.open(io.BytesIO(data)) as image:
        assert image.getpixel((800, 1280))[0] > 150  # the red picture, cropped to fit


def test_same_input_same_bytes(sample_cover: bytes) -> None:
    book = load_book(REPO)
    volume = book.volume(1)
    assert cover_pdf.render(book, volume, spine_mm=SPINE, timestamp=timestamp(volume)) == sample_cover


def test_spine_from_the_printer_profile_and_paper(project: Callable[[str], Path]) -> None:
    from bookpress.printers import printer

    root = project("minimal")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[print]\nprinter = "bod"\n', encoding="utf-8")
    book = load_book(root)
    bod = printer("bod")
    width, least = cover_pdf.spine_for(book, 200)
    assert width == bod.spine_width_mm(200) == round(200 * bod.default_paper.caliper_mm, 2)
    assert least == bod.spine_width_mm(bod.spine_text_min_pages)
