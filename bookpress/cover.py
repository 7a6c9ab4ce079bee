"""Generated book covers for volumes that have no configured cover image."""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageColor, ImageDraw, ImageFont

from .model import volume_label, volume_number

if TYPE_CHECKING:
    from .model import Book, Volume

FONT_FILES = {
    "regular": "LinLibertine_R.otf",
    "bold": "LinLibertine_RB.otf",
    "italic": "LinLibertine_RI.otf",
    "bolditalic": "LinLibertine_RBI.otf",
}
RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

BACKGROUND: RGB = (16, 30, 50)  # deep navy, shared by all volumes of the series
TEXT_MAIN: RGB = (246, 242, 233)  # warm white
TEXT_SOFT: RGB = (196, 206, 220)  # still far above 7:1 contrast on the navy
# Amber, teal, coral, sky, green, orchid: all stay readable on the navy.
ACCENTS = ("#F2B04A", "#54C6B6", "#F08068", "#76B2F2", "#A0CE70", "#D692CE")


@dataclass(frozen=True)
class CoverText:
    """The strings printed on a cover."""

    series: str
    volume_label: str
    title: str
    subtitle: str
    author: str

    @classmethod
    def of(cls, book: Book, volume: Volume) -> CoverText:
        """The strings of ``volume``'s cover, the same on the EPUB's and on the printed one."""
        return cls(
            series=book.series.title,
            volume_label=volume_label(volume),
            title=volume.title,
            subtitle=volume.subtitle,
            author=", ".join(author.name for author in book.series.authors),
        )


@dataclass(frozen=True)
class _Line:
    text: str
    font: ImageFont.FreeTypeFont
    x: int
    baseline: int
    fill: RGB

    @property
    def box(self) -> Box:
        x0, y0, x1, y1 = self.font.getbbox(self.text, anchor="ls")
        return (self.x + x0, self.baseline + y0, self.x + x1, self.baseline + y1)


def _digest(label: str) -> bytes:
    # hashlib rather than hash(): Python's str hash is salted per process.
    return hashlib.sha256(label.encode("utf-8")).digest()


def _volume_number(label: str) -> int | None:
    """The number ending a label such as "Band III" or "Band 3", if there is one."""
    return volume_number((label.split() or [""])[-1])


def accent_colour(volume_label: str) -> RGB:
    """The accent colour of a volume, stable across runs and machines."""
    number = _volume_number(volume_label)
    # Numbered volumes cycle through the palette so neighbours never share a colour.
    index = number - 1 if number else _digest(volume_label)[0]
    return ImageColor.getrgb(ACCENTS[index % len(ACCENTS)])[:3]


def _load_fonts(fonts_dir: Path) -> dict[str, Path]:
    paths = {style: Path(fonts_dir) / name for style, name in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise ValueError(f"cover font missing: {path}")
    return paths


class _Widths:
    """Ink widths of candidate lines in one font, cheap enough for long titles.

    A line's ink ends at the advance of all but its last word, plus spaces, plus the
    last word's own ink extent. That sum is exact but for kerning against spaces, so it
    decides alone when it is clearly above or below the limit; only lines within a
    quarter of the font size of the limit are measured whole (a measurement of a long
    line costs milliseconds, and wrapping a long title takes thousands of them).
    """

    def __init__(self, font: ImageFont.FreeTypeFont) -> None:
        self.font = font
        self.space = font.getlength(" ")
        self.tolerance = font.size / 4
        self._words: dict[str, tuple[float, int]] = {}

    def word(self, word: str) -> tuple[float, int]:
        """Advance and ink extent of one word."""
        if word not in self._words:
            self._words[word] = (self.font.getlength(word), self.ink(word))
        return self._words[word]

    def ink(self, text: str) -> int:  # ink extent, so italic overhangs must fit as well
        return self.font.getbbox(text, anchor="ls")[2]

    def fits(self, words: list[str], advance: float, limit: int) -> bool:
        """Whether the words, whose advances before the last sum to ``advance``, fit ``limit``."""
        estimate = advance + self.word(words[-1])[1]
        if abs(estimate - limit) > self.tolerance:
            return estimate <= limit
        return self.ink(" ".join(words)) <= limit


def _wrap(widths: _Widths, text: str, limit: int) -> list[str] | None:
    """Greedy word wrap; None if a single word is wider than the limit."""
    lines: list[list[str]] = []
    advance = 0.0  # of the last line, up to and including the space before a next word
    for word in text.split():
        if widths.word(word)[1] > limit:
            return None
        if lines and widths.fits([*lines[-1], word], advance, limit):
            lines[-1].append(word)
        else:
            lines.append([word])
            advance = 0.0
        advance += widths.word(word)[0] + widths.space
    return [" ".join(line) for line in lines]


def _balanced(widths: _Widths, text: str, limit: int) -> list[str] | None:
    """Wrap with the fewest lines, made as even as possible (no lone last word)."""
    lines = _wrap(widths, text, limit)
    if lines is None or len(lines) < 2:
        return lines
    low, high = limit // 2, limit
    while low < high:  # narrowest width that still needs no extra line
        mid = (low + high) // 2
        trial = _wrap(widths, text, mid)
        if trial is not None and len(trial) == len(lines):
            high = mid
        else:
            low = mid + 1
    return _wrap(widths, text, low)


MAX_LINES = 3  # of each text on the cover
MIN_SIZE = 12  # smallest font size tried; below it a text is set unfitted


def _fit(path: Path, text: str, limit: int, size: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest font size, from size down, at which text fits limit in at most 3 lines."""
    while True:
        font = ImageFont.truetype(str(path), size)
        widths = _Widths(font)
        # Quick refusal: lines of at most ``limit`` (plus a last glyph's side bearing and
        # the dropped spaces, both under a font size) cannot hold a longer text.
        too_long = font.getlength(text) > MAX_LINES * (limit + font.size)
        if too_long and size > MIN_SIZE:
            size -= 2
            continue
        lines = _wrap(widths, text, limit) if too_long else _balanced(widths, text, limit)
        if (lines is not None and len(lines) <= MAX_LINES) or size <= MIN_SIZE:
            return font, lines or [text]
        size -= 2


def _layout(text: CoverText, fonts: dict[str, Path], size: tuple[int, int]) -> tuple[list[_Line], Box, Box]:
    """Place every line; also return the accent rule and the free band for the motif."""
    width, height = size
    margin = round(width * 0.08)
    lines: list[_Line] = []

    def place(content: str, style: str, scale: float, top: int, fill: RGB) -> int:
        """Fit and stack content with its ink starting at top; return last baseline."""
        font, wrapped = _fit(fonts[style], content, width - 2 * margin, round(width * scale))
        # Cap height keeps baselines consistent; the real ink top guards tall glyphs.
        ascent = max(-font.getbbox(s, anchor="ls")[1] for s in ("H", wrapped[0]))
        for i, line in enumerate(wrapped):
            baseline = top + ascent + round(i * font.size * 1.15)
            lines.append(_Line(line, font, margin, baseline, fill))
        return lines[-1].baseline

    base = place(text.series, "bold", 0.17, margin, accent_colour(text.volume_label))
    base = place(text.volume_label, "regular", 0.06, base + round(width * 0.04), TEXT_MAIN)
    top = base + round(width * 0.05)
    rule = (margin, top, round(margin + width * 0.24), top + round(width * 0.005))
    # Titles share one starting height across volumes unless the header pushes them down.
    top = max(rule[3] + round(width * 0.10), round(height * 0.34))
    base = place(text.title, "bold", 0.13, top, TEXT_MAIN)
    if text.subtitle.strip():
        base = place(text.subtitle, "italic", 0.058, base + round(width * 0.09), TEXT_SOFT)

    font, wrapped = _fit(fonts["regular"], text.author, width - 2 * margin, round(width * 0.055))
    author = height - margin - font.getbbox(wrapped[-1], anchor="ls")[3]
    # Author lines stack upwards from the bottom margin.
    for i, line in enumerate(reversed(wrapped)):
        baseline = author - round(i * font.size * 1.15)
        lines.append(_Line(line, font, margin, baseline, TEXT_MAIN))
    band_bottom = lines[-1].baseline - font.size - round(width * 0.08)
    return (
        lines,
        rule,
        (margin, base + round(width * 0.06), width - margin, band_bottom),
    )


def cover_layout(
    text: CoverText, *, fonts_dir: Path, size: tuple[int, int] = (1600, 2560)
) -> list[tuple[str, Box]]:
    """The ink box of every text line and the rule, in drawing order, for checks."""
    lines, rule, _ = _layout(text, _load_fonts(fonts_dir), size)
    return [(line.text, line.box) for line in lines] + [("rule", rule)]


# Pixels around the motif's band drawn with it: a node (radius up to 12 px) reaches 12 px
# out of the band, and the Lanczos filter reads 3 px around each pixel.
MOTIF_MARGIN = 32


def _draw_network(image: Image.Image, band: Box, seed: str, colour: RGB) -> None:
    """A quiet node-and-edge motif inside band, laid out from seed."""
    left, top, right, bottom = band
    if bottom - top < image.width * 0.15:
        return  # not enough free room; legibility wins over decoration
    scale = 3  # drawn supersampled, then reduced, so thin lines come out smooth
    mask = Image.new("L", (image.width * scale, image.height * scale), 0)
    draw = ImageDraw.Draw(mask)
    data = _digest("network:" + seed)
    points = []
    for i in range(8):  # one node per cell of a 4×2 grid keeps them evenly spread
        x = left + (i % 4 + 0.15 + 0.7 * data[2 * i] / 255) * (right - left) / 4
        y = top + (i // 4 + 0.15 + 0.7 * data[2 * i + 1] / 255) * (bottom - top) / 2
        points.append((x * scale, y * scale))
    for p in points:
        nearest = sorted(points, key=lambda q: math.dist(p, q))
        for q in nearest[1:3]:  # linking near neighbours reads as a network, not a web
            draw.line([p, q], fill=80, width=2 * scale)
    for i, (x, y) in enumerate(points):
        r = (5 + data[16 + i] % 8) * scale
        draw.ellipse((x - r, y - r, x + r, y + r), fill=150)
    # Only the band (with a blank margin) is reduced and painted: reducing the whole mask
    # took most of the time an EPUB took. The margin is wider than the nodes and lines
    # reach out of the band plus what the filter reads around a pixel, so every pixel is
    # the same as from the whole mask. (resize(box=…) is not: it rounds differently. Nor
    # is an image over about twice as tall as wide: Pillow reduces those in the other
    # order. Neither the band nor the whole mask of a 1600 x 2560 cover is one.)
    box = (
        max(left - MOTIF_MARGIN, 0),
        max(top - MOTIF_MARGIN, 0),
        min(right + MOTIF_MARGIN, image.width),
        min(bottom + MOTIF_MARGIN, image.height),
    )
    size = (box[2] - box[0], box[3] - box[1])
    reduced = mask.crop(tuple(edge * scale for edge in box)).resize(size, Image.Resampling.LANCZOS)
    image.paste(colour, box, reduced)


def render_cover(text: CoverText, *, fonts_dir: Path, size: tuple[int, int] = (1600, 2560)) -> bytes:
    """A baseline JPEG without EXIF or timestamps: byte-identical for the same input."""
    lines, rule, band = _layout(text, _load_fonts(fonts_dir), size)
    accent = accent_colour(text.volume_label)
    image = Image.new("RGB", size, BACKGROUND)
    _draw_network(image, band, text.volume_label, accent)
    draw = ImageDraw.Draw(image)
    draw.rectangle((rule[0], rule[1], rule[2] - 1, rule[3] - 1), fill=accent)
    for line in lines:
        draw.text((line.x, line.baseline), line.text, line.fill, line.font, anchor="ls")
    buf = io.BytesIO()
    # 4:4:4 chroma keeps coloured hairlines and small text crisp. Huffman tables made for the
    # image (optimize) change no pixel and take a quarter off the file, the most of the EPUB.
    image.save(buf, "JPEG", quality=90, optimize=True, progressive=False, subsampling=0)
    return buf.getvalue()


def advance_mm(text: str, size_pt: float, *, fonts_dir: Path, style: str = "regular") -> float:
    """How far ``text`` runs in the cover face at ``size_pt`` points, in millimetres."""
    font = ImageFont.truetype(str(_load_fonts(fonts_dir)[style]), 1000)
    return font.getlength(text) / 1000 * size_pt * 25.4 / 72


def fitted_jpeg(data: bytes, size: tuple[int, int], *, mode: str = "RGB") -> bytes:
    """The image ``data`` cropped from its centre to the proportions of ``size``, scaled to it,
    as a baseline JPEG in ``mode`` ("RGB" for screens and stores, "CMYK" for print).

    The conversion to CMYK is Pillow's own, without a colour profile: plain and
    the same on every machine, not a press-calibrated separation.
    """
    with Image.open(io.BytesIO(data)) as source:
        image = source.convert("RGB")
    width, height = size
    scale = max(width / image.width, height / image.height)
    crop_w, crop_h = width / scale, height / scale
    left, top = (image.width - crop_w) / 2, (image.height - crop_h) / 2
    image = image.resize(size, Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h))
    buf = io.BytesIO()
    image.convert(mode).save(buf, "JPEG", quality=92, optimize=False, progressive=False, subsampling=0)
    return buf.getvalue()


def pixel_size(path: Path) -> tuple[int, int] | None:
    """Width and height in pixels of a raster image, read from its header; None if unreadable.

    Lives here because this is the module that imports Pillow; the linter uses it.
    """
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, Image.DecompressionBombError):
        return None
