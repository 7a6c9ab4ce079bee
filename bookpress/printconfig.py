"""The [print] table of ``book.toml`` -> page geometry a printer can take.

Every length is finite and within the ranges in :mod:`bookpress.values`, and
the margins leave room for text; a value out of range is reported with its key
and line instead of reaching the PDF's page boxes or CSS.
"""

from __future__ import annotations

from typing import Any

from . import values as V
from .model import PrintSettings
from .tomlcheck import Reporter

# Trim sizes (width x height, mm) used by German and international POD printers.
TRIM_PRESETS: dict[str, tuple[float, float]] = {
    "12x19": (120.0, 190.0),
    "12.5x20.5": (125.0, 205.0),
    "13.5x21.5": (135.0, 215.0),
    "a5": (148.0, 210.0),
    "15.5x22": (155.0, 220.0),
    "5.5x8.5in": (139.7, 215.9),
    "6x9in": (152.4, 228.6),
}


MARGINS = ("inner_margin_mm", "outer_margin_mm", "top_margin_mm", "bottom_margin_mm")


def print_settings(raw: dict[str, Any], report: Reporter) -> PrintSettings:
    """The page geometry of [print]: every length finite, within what printers take."""
    defaults = PrintSettings()
    trim = raw.get("trim", defaults.trim).lower().replace(" ", "").replace("×", "x")
    width, height = defaults.width_mm, defaults.height_mm
    if trim == "custom":
        for name in ("width_mm", "height_mm"):
            if name not in raw:
                report(("print", "trim"), f"a custom trim needs width_mm and height_mm ({name} is missing)")
    else:
        for name in ("width_mm", "height_mm"):
            if name in raw:
                report(("print", name), 'is used only with trim = "custom"')
        if trim in TRIM_PRESETS:
            width, height = TRIM_PRESETS[trim]
        else:
            report(
                ("print", "trim"), f"unknown trim size; expected one of: {', '.join(TRIM_PRESETS)}, custom"
            )
    lengths = {"width_mm": width, "height_mm": height, "bleed_mm": defaults.bleed_mm}
    lengths |= {name: getattr(defaults, name) for name in MARGINS}
    bounds = {"width_mm": V.TRIM_MM, "height_mm": V.TRIM_MM, "bleed_mm": V.BLEED_MM}
    for name in lengths:
        if name not in raw:
            continue
        problem = V.number_problem(raw[name], bounds.get(name, V.MARGIN_MM), "mm")
        if problem:
            report(("print", name), problem)
        elif name in MARGINS or name == "bleed_mm" or trim == "custom":
            lengths[name] = float(raw[name])
    _check_text_block(lengths, raw, report)
    return PrintSettings(trim=trim, crop_marks=bool(raw.get("crop_marks", False)), **lengths)


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
