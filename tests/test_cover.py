"""Tests for the generated book covers."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageColor

from bookpress.cover import (
    ACCENTS,
    BACKGROUND,
    CoverText,
    accent_colour,
    cover_layout,
    render_cover,
)

FONTS = Path(__file__).resolve().parent.parent / "styles" / "fonts" / "libertine"
SIZE = (1600, 2560)
MARGIN = round(SIZE[0] * 0.08)
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitän"


def make_text(
    title: str = "Lernen und Führen",
    subtitle: str = "Wissen teilen über Grenzen hinweg",
) -> CoverText:
    return CoverText("#VUCA", "Band III", title, subtitle, "Dr. Angelica Laurencon")


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_output_is_rgb_jpeg_of_requested_size() -> None:
    image = open_jpeg(render_cover(make_text(), fonts_dir=FONTS))
    assert image.format == "JPEG"
    assert image.size == SIZE
    assert image.mode == "RGB"
    assert not image.info.get("progressive")
    assert not image.getexif()


def test_same_input_gives_identical_bytes() -> None:
    assert render_cover(make_text(), fonts_dir=FONTS) == render_cover(make_text(), fonts_dir=FONTS)


def test_identical_across_processes_with_different_hash_seeds() -> None:
    script = (
        "import hashlib, sys; from pathlib import Path;"
        "from bookpress.cover import CoverText, render_cover;"
        "t = CoverText('#VUCA', 'Sonderband', 'Netzwerke', '', 'A. Autorin');"
        "print(hashlib.sha256(render_cover(t, fonts_dir=Path(sys.argv[1]))).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script, str(FONTS)],
            cwd=FONTS.parents[2],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(run.stdout.strip())
    assert len(digests) == 1


def test_different_titles_give_different_covers() -> None:
    first = render_cover(make_text("Orientierung"), fonts_dir=FONTS)
    second = render_cover(make_text("Netzwerke"), fonts_dir=FONTS)
    assert first != second


def test_consecutive_volumes_get_distinct_accents() -> None:
    colours = [accent_colour(f"Band {numeral}") for numeral in ("I", "II", "III", "IV", "V", "VI")]
    assert len(set(colours)) == len(ACCENTS)
    assert accent_colour("Band 3") == accent_colour("Band III")
    assert accent_colour("Sonderband") in {ImageColor.getrgb(c) for c in ACCENTS}


def test_layout_stays_inside_margins() -> None:
    for title in (
        "Lernen und Führen",
        LONG_WORD,
        "Arbeiten, wenn nichts mehr feststeht, und trotzdem führen",
    ):
        boxes = cover_layout(make_text(title), fonts_dir=FONTS, size=SIZE)
        for name, (left, top, right, bottom) in boxes:
            assert left >= MARGIN and right <= SIZE[0] - MARGIN, name
            assert top >= MARGIN and bottom <= SIZE[1] - MARGIN, name
        ordered = sorted(box for name, box in boxes if name != "rule")
        for upper, lower in itertools.pairwise(ordered):
            assert upper[3] < lower[1], "text blocks overlap"


def test_long_single_word_shrinks_instead_of_overflowing() -> None:
    text = make_text(LONG_WORD, subtitle="")
    boxes = dict(cover_layout(text, fonts_dir=FONTS, size=SIZE))
    assert LONG_WORD in boxes  # kept on one line, not split
    image = open_jpeg(render_cover(text, fonts_dir=FONTS)).convert("L")
    background = Image.new("RGB", (1, 1), BACKGROUND).convert("L").getpixel((0, 0))
    # JPEG blocks can smear a few pixels, so the check keeps a small tolerance inside the margin.
    edge = MARGIN - 16
    for box in ((0, 0, edge, SIZE[1]), (SIZE[0] - edge, 0, SIZE[0], SIZE[1])):
        low, high = image.crop(box).getextrema()
        assert abs(low - background) <= 6 and abs(high - background) <= 6


def test_missing_font_dir_raises_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"LinLibertine_R\.otf"):
        render_cover(make_text(), fonts_dir=tmp_path / "nowhere")


def test_missing_single_font_is_named(tmp_path: Path) -> None:
    for name in ("LinLibertine_R.otf", "LinLibertine_RB.otf", "LinLibertine_RI.otf"):
        shutil.copy(FONTS / name, tmp_path / name)
    with pytest.raises(ValueError, match=r"LinLibertine_RBI\.otf"):
        render_cover(make_text(), fonts_dir=tmp_path)
