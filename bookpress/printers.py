"""What each print-on-demand printer takes: one frozen profile per printer.

A profile holds the trim sizes a printer offers, its bleed per edge, its
page-count rules, the PDF standard and colours it wants, the least image
resolution, the ink limit, its papers (with their caliper, for the spine) and
the line the imprint names it with. ``[print] printer`` in ``book.toml``
chooses one (see :mod:`bookpress.printconfig`); preflight checks a print PDF
against it (see :mod:`bookpress.preflight`).

Every figure names its source in a comment beside it. Where a printer's own
document was not found, the comment says so and the value is a cautious one
(the stricter of the figures other printers publish); such values are
marked "not found".

Lengths are millimetres. A paper's caliper is given **per page** (half the
thickness of one leaf), so a spine is ``pages × caliper``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

INCH_MM = 25.4


def _inch(value: float) -> float:
    return round(value * INCH_MM, 2)


@dataclass(frozen=True)
class Trim:
    """A trim size a printer offers: its name as the printer writes it, width and height in mm."""

    name: str
    width_mm: float
    height_mm: float

    def matches(self, width_mm: float, height_mm: float) -> bool:
        """Whether a page of ``width_mm`` × ``height_mm`` is this trim (to half a millimetre)."""
        return abs(self.width_mm - width_mm) <= 0.5 and abs(self.height_mm - height_mm) <= 0.5


@dataclass(frozen=True)
class Bleed:
    """Bleed per edge of a page, in mm; ``inner`` is the edge at the spine."""

    top: float
    bottom: float
    outer: float
    inner: float

    @classmethod
    def even(cls, mm: float) -> Bleed:
        return cls(mm, mm, mm, mm)


@dataclass(frozen=True)
class Paper:
    """A paper a printer offers for the book block."""

    name: str  # the key written in book.toml ([print] paper)
    description: str
    caliper_mm: float  # thickness per page (half a leaf), mm
    max_pages: int  # the most pages the printer binds on this paper


@dataclass(frozen=True)
class Printer:
    """One printer's rules for the book block (the inside pages) of a paperback."""

    key: str
    name: str
    trims: tuple[Trim, ...]
    # Any trim within (min width, min height, max width, max height) mm is also taken; None: only `trims`.
    custom_range: tuple[float, float, float, float] | None
    bleed: Bleed
    min_pages: int
    page_multiple: int
    pdf_standard: str | None  # WeasyPrint's name of the PDF/X variant ("pdf/x-1a", "pdf/x-3", "pdf/x-4")
    rgb_allowed: bool  # RGB pictures accepted (the printer converts them)
    black_text_k_only: bool  # black text must be set in black ink (K) alone
    output_intent: str | None  # the printing condition a PDF/X file names (OutputConditionIdentifier)
    min_image_ppi: int
    ink_limit: int  # total area coverage, % (C+M+Y+K)
    papers: tuple[Paper, ...]
    spine_text_min_pages: int  # fewer pages: no text on the spine
    printer_line: str  # the imprint's "printed by" line, unless the project overrides it
    sources: tuple[str, ...] = field(default=())  # the documents the figures come from
    # The printer asks for a PDF without bookmarks, links or other annotations.
    no_annotations: bool = False

    @property
    def default_paper(self) -> Paper:
        return self.papers[0]

    @property
    def max_pages(self) -> int:
        return max(paper.max_pages for paper in self.papers)

    def paper(self, name: str | None = None) -> Paper:
        """The paper called ``name`` (the first one when None); KeyError if the printer has none such."""
        if not name:
            return self.default_paper
        for paper in self.papers:
            if paper.name == name:
                return paper
        raise KeyError(name)

    def spine_width_mm(self, pages: int, paper: str | None = None) -> float:
        """The spine width in mm of a book block of ``pages`` pages on ``paper`` (the default one if None)."""
        return round(pages * self.paper(paper).caliper_mm, 2)

    def offers(self, width_mm: float, height_mm: float) -> bool:
        """Whether the printer takes a page of this trim size."""
        if any(trim.matches(width_mm, height_mm) for trim in self.trims):
            return True
        if self.custom_range is None:
            return False
        min_w, min_h, max_w, max_h = self.custom_range
        return min_w - 0.5 <= width_mm <= max_w + 0.5 and min_h - 0.5 <= height_mm <= max_h + 0.5

    def trim_names(self) -> str:
        """The trims offered, for a message."""
        names = ", ".join(trim.name for trim in self.trims)
        if self.custom_range is not None:
            min_w, min_h, max_w, max_h = self.custom_range
            extra = f"any size from {min_w:g}×{min_h:g} to {max_w:g}×{max_h:g} mm"
            names = f"{names} or {extra}" if names else extra
        return names


def _cm(width: float, height: float) -> Trim:
    return Trim(f"{width:g}x{height:g}", width * 10, height * 10)


def _in(width: float, height: float) -> Trim:
    return Trim(f"{width:g}x{height:g}in", _inch(width), _inch(height))


# ---------------------------------------------------------------------------
# BoD (Books on Demand, Norderstedt)
# [BoD-V] "Coverberechnung für Verlage", https://www.bod.de/verlage/coverberechnung
# [BoD-A] "Buchausstattung", https://www.bod.de/autoren/buch-veroeffentlichen/buchausstattung.html
BOD = Printer(
    key="bod",
    name="BoD – Books on Demand",
    # BoD's own list of formats was not found; 12x19 is named as a BoD size by
    # authorwing.de ("Welches Buchformat soll ich nehmen"), 13.5x21.5 and 17x17 by
    # buchwurm.at ("Book on Demand, Teil 2"). A5, 17x22, 17x24 and A4 are not
    # confirmed in a BoD document here.
    trims=(_cm(12, 19), _cm(13.5, 21.5), _cm(14.8, 21), _cm(17, 17), _cm(17, 22), _cm(17, 24), _cm(21, 29.7)),
    custom_range=None,
    bleed=Bleed.even(5.0),  # [BoD-V] "Beschnittrand von 5 mm auf allen Seiten an allen vier Rändern"
    min_pages=24,  # [BoD-V] "Mindestseitenzahl: 24 Seiten"
    page_multiple=2,  # not found in [BoD-V]; 2, as every leaf has two pages
    pdf_standard=None,  # [BoD-V] names no PDF/X variant; it asks for reduced (flattened) transparency
    rgb_allowed=True,  # [BoD-A] keep pictures in RGB, BoD converts them for its presses
    black_text_k_only=False,  # not asked for in [BoD-V] or [BoD-A]
    output_intent=None,
    min_image_ppi=300,  # [BoD-V] and [BoD-A]: 300 dpi (line art 900–1200 dpi)
    ink_limit=240,  # not found; the strictest published figure (IngramSpark's 240 %)
    papers=(
        # Maximum pages per paper: [BoD-V] "Höchstseitenzahl". Calipers not found in a BoD
        # document; estimated as grammage (kg/m²) × volume 1.25 per leaf (the formula of
        # Monsenstein & Vannerdat, "Die Coverschmiede"), halved per page.
        Paper("white-80", "80 g/m² weiß", 0.05, 1200),
        Paper("white-90", "90 g/m² weiß", 0.0563, 1050),
        Paper("cream-90", "90 g/m² creme", 0.0563, 900),
    ),
    spine_text_min_pages=100,  # not found; 100 pages give a spine of about 5 mm (youcanprint.it's minimum)
    # Not found in a BoD document searched here; check it against BoD's contract.
    printer_line="Druck: Books on Demand GmbH, Norderstedt",
    sources=(
        "BoD, Coverberechnung für Verlage — https://www.bod.de/verlage/coverberechnung",
        "BoD, Buchausstattung — https://www.bod.de/autoren/buch-veroeffentlichen/buchausstattung.html",
    ),
)

# ---------------------------------------------------------------------------
# Amazon KDP (Kindle Direct Publishing) paperback
# [KDP-O] "Print Options", https://kdp.amazon.com/en_US/help/topic/G201834180
# [KDP-S] "Paperback Submission Guidelines", https://kdp.amazon.com/en_US/help/topic/G201857950
# [KDP-B] "Set Trim Size, Bleed, and Margins", https://kdp.amazon.com/en_US/help/topic/GVBQ3CMEQW3W2VL6
# [KDP-C] KDP's spine multipliers as quoted from its cover calculator by
#         https://www.lessoncraftstudio.com/en/tools/kdp-size-calculator (a third party)
KDP = Printer(
    key="kdp",
    name="Amazon KDP",
    # [KDP-O] and [KDP-B]; sizes as quoted by print.ymirtool.com and bookbolt.kb.help from [KDP-O].
    trims=(
        _in(5, 8),
        _in(5.5, 8.5),
        _in(6, 9),
        _in(7, 10),
        _in(8, 10),
        _in(8.25, 6),
        _in(8.25, 8.25),
        _in(8.5, 8.5),
        _in(8.5, 11),
        _in(8.27, 11.69),
    ),
    # Custom trims 4–8.5 in wide, 6–11.69 in high (30daypivot.com, "KDP spoke creation", from [KDP-O]).
    custom_range=(_inch(4), _inch(6), _inch(8.5), _inch(11.69)),
    # [KDP-B]: page width = trim + 0.125 in, height = trim + 2 × 0.125 in: no bleed at the spine.
    bleed=Bleed(top=3.2, bottom=3.2, outer=3.2, inner=0.0),
    min_pages=24,  # [KDP-O], as quoted by bookbolt.kb.help: 24 pages for black ink
    page_multiple=2,  # not found in [KDP-O]/[KDP-S]; 2, as every leaf has two pages
    pdf_standard=None,  # [KDP-S] asks for a PDF with fonts embedded and transparency flattened, no PDF/X
    rgb_allowed=True,  # [KDP-S] sets no colour space for the interior
    black_text_k_only=False,
    output_intent=None,
    min_image_ppi=300,  # [KDP-S] "All images ... should be at least 300 DPI"
    ink_limit=240,  # not found for interiors; the strictest published figure (IngramSpark's 240 %)
    papers=(
        # Calipers: [KDP-C] (inches per page: white 0.002252, cream 0.0025, premium colour 0.002347).
        # Maximum pages: [KDP-O] as quoted by bookbolt.kb.help (trims up to 6.12 in wide).
        Paper("white", "black ink, white paper", 0.0572, 828),
        Paper("cream", "black ink, cream paper", 0.0635, 776),
        Paper("premium-color", "premium colour ink, white paper", 0.0596, 828),
    ),
    spine_text_min_pages=80,  # [KDP-C] "79 pages or more"; 80, as KDP's own wording says "more than 79"
    # KDP prints the place of printing on a page it adds at the end of each copy; not found
    # in a KDP document searched here.
    printer_line="Druck: siehe letzte Seite",
    # [KDP-S] "Submitted files should not contain crop marks, trim marks, bookmarks, comments,
    # invisible objects, annotations, placeholder text, or metadata."
    no_annotations=True,
    sources=(
        "KDP, Print Options — https://kdp.amazon.com/en_US/help/topic/G201834180",
        "KDP, Paperback Submission Guidelines — https://kdp.amazon.com/en_US/help/topic/G201857950",
        "KDP, Set Trim Size, Bleed, and Margins — https://kdp.amazon.com/en_US/help/topic/GVBQ3CMEQW3W2VL6",
    ),
)

# ---------------------------------------------------------------------------
# epubli (neopubli GmbH, Berlin)
# [EP-C] "Checkliste für Ihr Buch", http://www.epubli.de/hilfe/checkliste
# [EP-P] product list of epubli's API (demo), https://www.epubli.de/api/demo/products/list.xml
EPUBLI = Printer(
    key="epubli",
    name="epubli",
    # epubli's list of formats was not found; A4 is in [EP-P]. The other sizes are the common
    # German ones, not confirmed in an epubli document here.
    trims=(_cm(12, 19), _cm(13.5, 21.5), _cm(14.8, 21), _cm(17, 22), _cm(21, 29.7)),
    custom_range=None,
    bleed=Bleed.even(3.0),  # [EP-P] content bleed: top, bottom, inner, outer 3 mm
    min_pages=36,  # [EP-P] page_min 36 (the product shown); softcover minimum not found
    page_multiple=2,  # not found; 2, as every leaf has two pages
    pdf_standard=None,  # not found in [EP-C]
    rgb_allowed=True,  # [EP-C] speaks of pictures in RGB and CMYK alike
    black_text_k_only=False,
    output_intent=None,
    min_image_ppi=300,  # not found in [EP-C]; the 300 ppi every other printer asks for
    ink_limit=240,  # not found; the strictest published figure (IngramSpark's 240 %)
    papers=(
        # [EP-P] offers "90g weiß, matt"; its caliper was not found: grammage × volume 1.25 as for BoD.
        # Maximum: [EP-P] page_max 868 (the product shown).
        Paper("white-90", "90 g/m² weiß, matt", 0.0563, 868),
    ),
    spine_text_min_pages=100,  # not found; 100 pages give a spine of about 5 mm
    printer_line="Druck: epubli, ein Service der neopubli GmbH, Berlin",  # [EP-C], the imprint example
    sources=(
        "epubli, Checkliste für Ihr Buch — http://www.epubli.de/hilfe/checkliste",
        "epubli, product list (API demo) — https://www.epubli.de/api/demo/products/list.xml",
    ),
)

# ---------------------------------------------------------------------------
# tredition (Hamburg/Ahrensburg)
# [TR] "Book Format and Specifications", https://tredition.co.uk/publishing/process/dimensions-and-production/
TREDITION = Printer(
    key="tredition",
    name="tredition",
    trims=(_in(5, 8), _in(5.5, 8.5), _in(6, 9), _in(7, 10), _in(8, 10)),  # [TR] standard formats
    custom_range=(_inch(4.25), _inch(7), _inch(8.5), _inch(11)),  # [TR] "between 4.25*7 and 8.5*11 in"
    bleed=Bleed.even(3.0),  # not found in [TR]; the 3 mm most German printers ask for
    min_pages=24,  # not found; the least of the other printers' minimums that are published
    page_multiple=2,  # not found; 2, as every leaf has two pages
    pdf_standard=None,  # not found
    rgb_allowed=True,  # not found; [TR] prints colour interiors
    black_text_k_only=False,
    output_intent=None,
    min_image_ppi=300,  # not found; the 300 ppi every other printer asks for
    ink_limit=240,  # not found; the strictest published figure (IngramSpark's 240 %)
    papers=(
        # [TR] white 75 g/m², crème 80 g/m²; calipers not found: grammage × volume 1.25 as for BoD.
        # Maximum pages not found: 700, below every published maximum of the other printers.
        Paper("white", "75 g/m² white", 0.0469, 700),
        Paper("cream", "80 g/m² crème", 0.05, 700),
    ),
    spine_text_min_pages=100,  # not found; 100 pages give a spine of about 5 mm
    printer_line="Druck: tredition GmbH",  # not found in a tredition document searched here
    sources=(
        "tredition, Book Format and Specifications — "
        "https://tredition.co.uk/publishing/process/dimensions-and-production/",
    ),
)

# ---------------------------------------------------------------------------
# IngramSpark (Lightning Source)
# [IS-G] IngramSpark File Creation Guide v1.2 (copy at https://docslib.org/doc/5146028/)
# [IS-T] IngramSpark's cover and colour specification as quoted in
#        https://community.adobe.com/t5/illustrator-discussions/.../m-p/10836669
# [IS-H] "File Problems that Cause Printing Problems of a Book",
#        https://help.ingramspark.com/hc/en-us/articles/6443532453901
# [IS-B] "File Requirements for Print Books", https://www.ingramspark.com/blog/file-requirements-for-print-books
INGRAMSPARK = Printer(
    key="ingramspark",
    name="IngramSpark",
    # [IS-G] trim list; these sizes are named in cambric.pages.dev's IngramSpark guides.
    trims=(_in(5, 8), _in(5.25, 8), _in(5.5, 8.5), _in(6, 9)),
    custom_range=None,
    # 0.125 in; that the spine edge has none is not confirmed in a document searched here.
    bleed=Bleed(top=3.2, bottom=3.2, outer=3.2, inner=0.0),
    min_pages=24,  # not found; the published minimum of the other printers
    # "Even page count" (cambric.pages.dev's IngramSpark checklist); [IS-B] adds a blank last page.
    page_multiple=2,
    pdf_standard="pdf/x-1a",  # [IS-T] "PDF/X-1a:2001 or PDF/X-3:2002"; WeasyPrint writes PDF/X-1a:2003
    rgb_allowed=False,  # [IS-T] "CMYK MODE"; [IS-H] black text in RGB or CMYK prints light
    black_text_k_only=True,  # [IS-H] black text in black ink only (no rich black)
    output_intent="FOGRA39",  # not named by [IS-T]; the shipped profile's printing condition
    min_image_ppi=300,  # [IS-T] "300 ppi"
    ink_limit=240,  # [IS-T] "CMYK total value should not exceed 240%"
    papers=(
        # Calipers as quoted by cambric.pages.dev (IngramSpark guides): cream 0.0025 in, white 0.002252 in
        # per page. Maximum pages not found: 828, the KDP figure for the same papers.
        Paper("cream", "cream", 0.0635, 828),
        Paper("white", "white", 0.0572, 828),
    ),
    spine_text_min_pages=224,  # a 0.5 in spine for spine text (cambric.pages.dev): 224 pages on white
    printer_line="Druck: Lightning Source (Ingram Content Group)",  # not found in a document searched here
    sources=(
        "IngramSpark File Creation Guide — https://docslib.org/doc/5146028/file-creation-guide-table-of-contents",
        "IngramSpark, File Problems that Cause Printing Problems — "
        "https://help.ingramspark.com/hc/en-us/articles/6443532453901",
    ),
)

# ---------------------------------------------------------------------------
# generic: any printer; bookpress's former defaults, cautious where a printer's rule is unknown.
GENERIC = Printer(
    key="generic",
    name="any printer",
    trims=(),
    custom_range=(50.0, 50.0, 1000.0, 1000.0),  # any size bookpress lays out
    bleed=Bleed.even(3.0),  # the 3 mm most printers ask for
    min_pages=4,
    page_multiple=2,  # every leaf has two pages
    pdf_standard=None,
    rgb_allowed=True,
    black_text_k_only=False,
    output_intent=None,
    min_image_ppi=300,
    ink_limit=300,
    papers=(Paper("white-90", "90 g/m² white", 0.0563, 1000),),  # grammage × volume 1.25, halved per page
    spine_text_min_pages=100,
    printer_line="",  # none known: the imprint names the printer itself
)

PRINTERS: dict[str, Printer] = {p.key: p for p in (BOD, KDP, EPUBLI, TREDITION, INGRAMSPARK, GENERIC)}


def printer(key: str) -> Printer:
    """The profile of printer ``key``; KeyError if there is none."""
    return PRINTERS[key]


# ---------------------------------------------------------------------------
# Trim sizes as people write them

ISO_SIZES = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "a6": (105.0, 148.0), "b5": (176.0, 250.0)}
UNITS = {"mm": 1.0, "cm": 10.0, "in": INCH_MM, '"': INCH_MM, "inch": INCH_MM, "zoll": INCH_MM}
_TRIM = re.compile(
    r"""^\s*(?P<w>\d+(?:[.,]\d+)?)\s*(?P<wu>mm|cm|in|inch|zoll|")?\s*
        [x×*]\s*(?P<h>\d+(?:[.,]\d+)?)\s*(?P<hu>mm|cm|in|inch|zoll|")?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_trim(text: str) -> tuple[float, float] | None:
    """Width and height in mm of a trim size written as people write it; None if unreadable.

    "12x19", "12 x 19 cm", "12,5x20,5" (centimetres unless a unit says
    otherwise), "120x190mm", "6x9in", "6 x 9 in", "A5". Numbers without a
    unit larger than 50 are read as millimetres ("120x190").
    """
    key = text.strip().lower()
    if key in ISO_SIZES:
        return ISO_SIZES[key]
    match = _TRIM.match(text)
    if not match:
        return None
    width, height = (float(match[name].replace(",", ".")) for name in ("w", "h"))
    units = {u.lower() for u in (match["wu"], match["hu"]) if u}
    if len(units) > 1:
        return None
    default = 1.0 if min(width, height) > 50 else 10.0
    factor = UNITS[units.pop()] if units else default
    width, height = round(width * factor, 2), round(height * factor, 2)
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return None
    return width, height
