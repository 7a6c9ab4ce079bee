"""The hostile-manuscript corpus of issue 7: cases over every class of attack and slip.

Each module defines ``CASES``; :data:`CASES` joins them. ``tests/test_hostile.py``
runs them (see :mod:`hostile.runner`) and asserts their outcomes.
"""

from __future__ import annotations

import os
import re

from . import css, html, metadata, paths, sizes, slips, svg, values
from .case import Case, ok

BASE = [
    Case("minimal-book", "base", ok()),
    Case("minimal-book-pdf", "base", ok(), pdf=True),
]
ALL_CASES: list[Case] = [
    *BASE,
    *paths.CASES,
    *metadata.CASES,
    *html.CASES,
    *svg.CASES,
    *css.CASES,
    *values.CASES,
    *sizes.CASES,
    *slips.CASES,
]

# HOSTILE_CASES=REGEX runs only the cases whose id matches (while working on one class).
# The base cases always run: the EPUBCheck and audit-hook checks use them.
CASES = [
    case
    for case in ALL_CASES
    if case.group == "base" or re.search(os.environ.get("HOSTILE_CASES", ""), case.ident)
]
