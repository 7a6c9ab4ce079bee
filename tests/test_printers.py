"""Printer profiles: their figures, the spine, trims as people write them, [print] printer and paper."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookpress.config import load_config
from bookpress.errors import BookError
from bookpress.printers import KDP, PRINTERS, parse_trim, printer


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BookError) as caught:
        load_config(path)
    return [p.format() for p in caught.value.problems]


def with_print(project, table: str) -> Path:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[print]\n{table}\n", encoding="utf-8")
    return toml


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("12x19", (120.0, 190.0)),
        ("12 x 19 cm", (120.0, 190.0)),
        ("120x190mm", (120.0, 190.0)),
        ("120 × 190", (120.0, 190.0)),
        ("6x9in", (152.4, 228.6)),
        ('6" x 9"', (152.4, 228.6)),
        ("A5", (148.0, 210.0)),
        ("a4", (210.0, 297.0)),
        ("12,5x20,5", (125.0, 205.0)),
        ("13.5x21.5", (135.0, 215.0)),
        ("5.5 x 8.5 in", (139.7, 215.9)),
    ],
)
def test_trim_sizes_as_people_write_them(text: str, size: tuple[float, float]) -> None:
    assert parse_trim(text) == size


@pytest.mark.parametrize("text", ["", "Oktav", "12x", "x19", "12cm x 19in", "12x19x3", "-12x19"])
def test_unreadable_trims(text: str) -> None:
    assert parse_trim(text) is None


def test_every_printer_is_complete_and_sane() -> None:
    assert set(PRINTERS) == {"bod", "kdp", "epubli", "tredition", "ingramspark", "generic"}
    for profile in PRINTERS.values():
        assert profile.papers and profile.min_pages < profile.max_pages
        assert profile.page_multiple in (2, 4, 8, 16)
        assert 0 <= profile.bleed.inner <= profile.bleed.outer <= 5
        assert profile.pdf_standard in (None, "pdf/x-1a", "pdf/x-3", "pdf/x-4")
        assert (profile.pdf_standard == "pdf/x-1a") <= (not profile.rgb_allowed)
        assert profile.trims or profile.custom_range
        assert 150 <= profile.min_image_ppi <= 600 and 200 <= profile.ink_limit <= 400
        for paper in profile.papers:
            assert 0.03 < paper.caliper_mm < 0.1  # mm per page: 0.06–0.2 mm per leaf
        if profile.key != "generic":
            assert profile.printer_line and profile.sources


def test_kdp_has_no_bleed_at_the_spine_and_bod_asks_for_five_millimetres() -> None:
    assert (KDP.bleed.inner, KDP.bleed.outer) == (0.0, 3.2)
    assert printer("bod").bleed.inner == printer("bod").bleed.outer == 5.0


def test_spine_width_follows_pages_and_paper() -> None:
    # KDP's multipliers: 200 pages are 0.450 in on white, 0.500 in on cream.
    assert KDP.spine_width_mm(200, "white") == pytest.approx(0.450 * 25.4, abs=0.05)
    assert KDP.spine_width_mm(200, "cream") == pytest.approx(0.500 * 25.4, abs=0.05)
    assert KDP.spine_width_mm(200) == KDP.spine_width_mm(200, "white")  # the first paper
    assert KDP.spine_width_mm(400, "cream") == pytest.approx(2 * KDP.spine_width_mm(200, "cream"), abs=0.01)
    with pytest.raises(KeyError):
        KDP.spine_width_mm(200, "gold leaf")


def test_offered_trims() -> None:
    assert printer("bod").offers(120, 190) and not printer("bod").offers(152.4, 228.6)
    assert KDP.offers(152.4, 228.6) and KDP.offers(120, 190)  # 12x19 as a custom trim
    assert not KDP.offers(250, 300)
    assert printer("generic").offers(120, 190)


def test_printer_and_paper_in_book_toml(project) -> None:
    settings = load_config(with_print(project, 'printer = "kdp"\ntrim = "6x9in"\npaper = "cream"')).print
    assert (settings.printer, settings.paper, settings.width_mm) == ("kdp", "cream", 152.4)
    assert (settings.bleed_mm, settings.spine_bleed_mm) == (3.2, 0.0)  # the profile's bleed


def test_bleed_mm_overrides_the_profile(project) -> None:
    toml = with_print(project, 'printer = "bod"')
    assert load_config(toml).print.bleed_mm == 5.0
    toml.write_text(toml.read_text(encoding="utf-8") + "bleed_mm = 3\n", encoding="utf-8")
    settings = load_config(toml).print
    assert (settings.bleed_mm, settings.spine_bleed_mm) == (3.0, 3.0)


def test_default_printer_is_generic(project) -> None:
    settings = load_config(with_print(project, 'trim = "12 x 19 cm"')).print
    assert (settings.printer, settings.width_mm, settings.height_mm, settings.bleed_mm) == (
        "generic",
        120.0,
        190.0,
        3.0,
    )


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ('printer = "gutenberg"', "print.printer: unknown printer; expected one of: bod, kdp, epubli"),
        ('printer = "bod"\ntrim = "6x9in"', "print.trim: BoD – Books on Demand does not print 152.4×228.6"),
        ('printer = "kdp"\npaper = "blue"', "print.paper: Amazon KDP has no paper 'blue'; it offers: white"),
        ('trim = "2x3"', "print.trim: 2x3 is 20×30 mm; each side must be between 50 and 1000"),
    ],
)
def test_printer_problems_name_file_line_and_key(project, table: str, fragment: str) -> None:
    toml = with_print(project, table)
    messages = problems_of(toml)
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{toml}:") and fragment in messages[0], messages
    line = int(messages[0][len(str(toml)) + 1 :].split(":")[0])
    key = fragment.split(":")[0].split(".")[1]
    assert toml.read_text(encoding="utf-8").splitlines()[line - 1].startswith(key)
