"""The [print] table of ``book.toml`` -> page geometry a printer can take.

Every length is finite and within the ranges in :mod:`bookpress.values`, and
the margins leave room for text; a value out of range is reported with its key
and line instead of reaching the PDF's page boxes or CSS.
"""

from __future__ import annotations

from typing import Any

from . import values as V
from .model import PrintSettings
from .printers import PRINTERS, Printer, parse_trim
from .tomlcheck import Reporter

MARGINS = ("inner_margin_mm", "outer_margin_mm", "top_margin_mm", "bottom_margin_mm")


def print_settings(raw: dict[str, Any], report: Reporter) -> PrintSettings:
    """The page geometry of [print]: every length finite, within what printers take.

    The printer (``printer``, default "generic") must be known, offer the trim
    size and the paper; its profile gives the bleed unless ``bleed_mm`` is set.
    """
    defaults = PrintSettings()
    profile = _printer(raw, report)
    trim = str(raw.get("trim", defaults.trim)).strip()
    width, height = _trim_size(trim, raw, report, (defaults.width_mm, defaults.height_mm))
    lengths = {"width_mm": width, "height_mm": height, "bleed_mm": profile.bleed.outer}
    lengths |= {name: getattr(defaults, name) for name in MARGINS}
    bounds = {"width_mm": V.TRIM_MM, "height_mm": V.TRIM_MM, "bleed_mm": V.BLEED_MM}
    custom = trim.lower() == "custom"
    for name in lengths:
        if name not in raw:
            continue
        problem = V.number_problem(raw[name], bounds.get(name, V.MARGIN_MM), "mm")
        if problem:
            report(("print", name), problem)
        elif name in MARGINS or name == "bleed_mm" or custom:
            lengths[name] = float(raw[name])
    spine_bleed = lengths["bleed_mm"] if "bleed_mm" in raw else profile.bleed.inner
    if not profile.offers(lengths["width_mm"], lengths["height_mm"]):
        report(
            ("print", "trim"),
            f"{profile.name} does not print {lengths['width_mm']:g}×{lengths['height_mm']:g} mm; "
            f"it offers {profile.trim_names()}",
        )
    paper = _paper(raw, profile, report)
    _check_text_block(lengths, raw, report)
    return PrintSettings(
        trim=trim,
        crop_marks=bool(raw.get("crop_marks", False)),
        spine_bleed_mm=spine_bleed,
        printer=profile.key,
        paper=paper,
        **lengths,
    )


def _printer(raw: dict[str, Any], report: Reporter) -> Printer:
    key = str(raw.get("printer", "generic")).strip().lower()
    if key in PRINTERS:
        return PRINTERS[key]
    report(("print", "printer"), f"unknown printer; expected one of: {', '.join(PRINTERS)}")
    return PRINTERS["generic"]


def _trim_size(
    trim: str, raw: dict[str, Any], report: Reporter, default: tuple[float, float]
) -> tuple[float, float]:
    """Width and height of ``trim`` (or of width_mm and height_mm with "custom")."""
    if trim.lower() == "custom":
        for name in ("width_mm", "height_mm"):
            if name not in raw:
                report(("print", "trim"), f"a custom trim needs width_mm and height_mm ({name} is missing)")
        return default
    for name in ("width_mm", "height_mm"):
        if name in raw:
            report(("print", name), 'is used only with trim = "custom"')
    size = parse_trim(trim)
    if size is None:
        report(
            ("print", "trim"),
            'cannot read this trim size; write width x height, e.g. "12x19" (cm), "12,5 x 20,5 cm", '
            '"120x190mm", "6x9in" or "A5", or "custom" with width_mm and height_mm',
        )
        return default
    for value in size:
        problem = V.number_problem(value, V.TRIM_MM, "mm")
        if problem:
            report(("print", "trim"), f"{trim} is {size[0]:g}×{size[1]:g} mm; each side {problem}")
            return default
    return size


def _paper(raw: dict[str, Any], profile: Printer, report: Reporter) -> str:
    name = str(raw.get("paper", "")).strip()
    if not name:
        return profile.default_paper.name
    try:
        return profile.paper(name).name
    except KeyError:
        offered = ", ".join(paper.name for paper in profile.papers)
        report(("print", "paper"), f"{profile.name} has no paper {name!r}; it offers: {offered}")
        return profile.default_paper.name


def _check_text_block(lengths: dict[str, float], raw: dict[str, Any], report: Reporter) -> None:
    """The margins must leave room for text on the page, across and down."""
    for side, (first, second) in (("width_mm", MARGINS[:2]), ("height_mm", MARGINS[2:])):
        left = lengths[side] - lengths[first] - lengths[second]
        if left < V.MIN_TEXT_BLOCK_MM:
            name = next((n for n in (first, second) if n in raw), side)
            report(
                ("print", name),
                f"{first} and {second} leave {left:g} mm of the page's {lengths[side]:g} mm for text; "
                f"at least {V.MIN_TEXT_BLOCK_MM:g} mm are needed",
            )
