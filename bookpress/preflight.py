"""``bookpress preflight``: a print PDF checked against its printer's profile.

Read with pikepdf (see :mod:`bookpress.pdfscan` for what is read from the
pages): page boxes and sizes, bleed per edge, fonts embedded and subset,
colour spaces, black text in black ink alone, the effective resolution of
pictures, page-count rules, the PDF/X keys when the profile asks for PDF/X,
transparency, and the ink coverage of the CMYK colours and CMYK pictures
the pages paint.

What it does not check: the ink coverage of pictures it cannot decode
honestly (anything but 8-bit CMYK pixels without a /Decode array; RGB
pictures are separated by the printer, with its own limit), the colours of
shadings, and the full PDF/X standard (no validator such as veraPDF runs
here).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import PrintSettings
from .printers import PRINTERS, Bleed, Printer

if TYPE_CHECKING:  # pikepdf, Pillow and the page scanner load only when a file is read
    import pikepdf

    from .cache import Cache
    from .pdfscan import PageScan

MM = 72 / 25.4
TOLERANCE_MM = 0.2
MAX_PER_CODE = 5  # pages named per code and file; the rest are counted in one more finding
PDFX_VERSIONS = {
    "pdf/x-1a": ("PDF/X-1a:2003", "1.4"),
    "pdf/x-3": ("PDF/X-3:2003", "1.4"),
    "pdf/x-4": ("PDF/X-4", "1.6"),
}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # "error" | "warning"
    name: str
    summary: str


CODES = {
    c.code: c
    for c in (
        Code("P001", "error", "trim-size", "the TrimBox is not the trim size the printer prints"),
        Code("P002", "error", "bleed", "the BleedBox is not the trim plus the printer's bleed at each edge"),
        Code("P003", "error", "missing-box", "a page has no TrimBox or BleedBox"),
        Code("P010", "error", "font-not-embedded", "a font is not embedded"),
        Code("P011", "warning", "font-not-subset", "a font is embedded whole, not as a subset"),
        Code("P020", "error", "colour-space", "a colour space the printer does not take"),
        Code("P021", "error", "rich-black-text", "black text in more inks than black"),
        Code("P030", "error", "low-resolution", "a picture below the printer's least resolution"),
        Code("P040", "error", "page-count", "fewer or more pages than the printer binds"),
        Code("P041", "error", "page-multiple", "a page count the printer cannot bind as it is"),
        Code("P050", "error", "pdfx-keys", "a key the PDF/X standard asks for is missing or wrong"),
        Code("P051", "error", "transparency", "see-through drawing the printer wants flattened"),
        Code("P060", "error", "ink-limit", "a colour above the printer's total ink limit"),
        Code("P061", "warning", "ink-unchecked", "a CMYK picture whose ink coverage could not be measured"),
        Code("P070", "warning", "annotations", "bookmarks or annotations the printer asks to leave out"),
    )
}


@dataclass(frozen=True)
class Finding:
    """One thing preflight reports: a file, a page (1-based; None for the whole file), a code."""

    file: Path
    page: int | None
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def shown_path(self, root: Path) -> str:
        try:
            return self.file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(self.file)

    def format(self, root: Path, *, code: str | None = None) -> str:
        """``file:page: code: message`` (``file: code: message`` for the whole file)."""
        where = f"{self.shown_path(root)}:{self.page}" if self.page else self.shown_path(root)
        return f"{where}: {code or self.code}: {self.message}"

    def as_dict(self, root: Path) -> dict[str, object]:
        return {
            "file": self.shown_path(root),
            "page": self.page,
            "code": self.code,
            "name": CODES[self.code].name,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class Expect:
    """What a print PDF must be for its printer."""

    printer: Printer
    trim_mm: tuple[float, float] | None  # None: any trim the printer offers
    bleed: Bleed
    paper: str

    @classmethod
    def of(cls, settings: PrintSettings) -> Expect:
        """What the project's [print] settings ask for."""
        return cls(
            PRINTERS[settings.printer],
            (settings.width_mm, settings.height_mm),
            Bleed(settings.bleed_mm, settings.bleed_mm, settings.bleed_mm, settings.spine_bleed_mm),
            settings.paper,
        )

    @classmethod
    def printer_only(cls, printer: Printer) -> Expect:
        """What ``printer`` asks for, any of its trims, its own bleed and first paper."""
        return cls(printer, None, printer.bleed, printer.default_paper.name)


def preflight(path: Path, expect: Expect, *, cache: Cache | None = None) -> list[Finding]:
    """The findings of one print PDF, page by page, then those of the whole file.

    With ``cache``, the findings are kept under the file's digest and the
    expectation, so a file checked before is not read page by page again (a
    build with nothing to do preflights its print PDFs in no time).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        return [Finding(path, None, "P050", f"cannot be read as a PDF: {error.strerror or error}")]
    key = cache.key("preflight", hashlib.sha256(data).hexdigest(), repr(expect)) if cache else ""
    known = _kept(cache.get(key), path) if cache else None
    if known is not None:
        return known
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        return [Finding(path, None, "P050", f"cannot be read as a PDF: {error}")]
    with pdf:
        findings = list(_pages(pdf, path, expect))
        findings += _document(pdf, path, expect)
    findings = _capped(findings)
    if cache:
        kept = [[finding.page, finding.code, finding.message] for finding in findings]
        cache.put(key, json.dumps(kept).encode())
    return findings


def _kept(entry: bytes | None, path: Path) -> list[Finding] | None:
    """The findings kept in a cache entry, for ``path``; None if there are none."""
    try:
        return [
            Finding(path, page, str(code), str(message)) for page, code, message in json.loads(entry or b"")
        ]
    except (ValueError, TypeError):
        return None


def _pages(pdf: pikepdf.Pdf, path: Path, expect: Expect) -> Iterator[Finding]:
    from .pdfscan import scan_page

    printer = expect.printer
    for index, page in enumerate(pdf.pages):
        number = index + 1
        yield from (Finding(path, number, code, text) for code, text in _boxes(page, index, expect))
        yield from (Finding(path, number, code, text) for code, text in _fonts(page))
        scan = scan_page(page)
        yield from (Finding(path, number, code, text) for code, text in _colours(scan, printer))
        for image in scan.images:
            if image.ppi < printer.min_image_ppi:
                yield Finding(
                    path,
                    number,
                    "P030",
                    f"picture {image.name} ({image.pixels[0]}×{image.pixels[1]} pixels) is printed at "
                    f"{image.ppi:.0f} ppi; {printer.name} asks for at least {printer.min_image_ppi} ppi",
                )


def _boxes(page: pikepdf.Page, index: int, expect: Expect) -> Iterator[tuple[str, str]]:
    obj = page.obj
    missing = [key[1:] for key in ("/TrimBox", "/BleedBox") if key not in obj]
    if missing:
        yield "P003", f"the page has no {' and no '.join(missing)}"
        return
    trim = [float(v) / MM for v in obj.TrimBox]
    bleed = [float(v) / MM for v in obj.BleedBox]
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    if expect.trim_mm is not None:
        if abs(width - expect.trim_mm[0]) > TOLERANCE_MM or abs(height - expect.trim_mm[1]) > TOLERANCE_MM:
            yield (
                "P001",
                (
                    f"the TrimBox is {width:.1f}×{height:.1f} mm, the trim size "
                    f"{expect.trim_mm[0]:g}×{expect.trim_mm[1]:g} mm"
                ),
            )
    elif not expect.printer.offers(width, height):
        yield (
            "P001",
            (
                f"the TrimBox is {width:.1f}×{height:.1f} mm; "
                f"{expect.printer.name} offers {expect.printer.trim_names()}"
            ),
        )
    recto = index % 2 == 0  # the first page is a right-hand page, its spine on the left
    edges = {
        "left": (trim[0] - bleed[0], expect.bleed.inner if recto else expect.bleed.outer),
        "right": (bleed[2] - trim[2], expect.bleed.outer if recto else expect.bleed.inner),
        "foot": (trim[1] - bleed[1], expect.bleed.bottom),
        "head": (bleed[3] - trim[3], expect.bleed.top),
    }
    wrong = [
        f"{edge} {have:.1f} mm (not {want:g})"
        for edge, (have, want) in edges.items()
        if abs(have - want) > TOLERANCE_MM
    ]
    if wrong:
        yield "P002", f"the bleed is {', '.join(wrong)}; {expect.printer.name} asks for this page"
    media = [float(v) / MM for v in obj.MediaBox]
    if (
        media[0] > bleed[0] + TOLERANCE_MM
        or media[1] > bleed[1] + TOLERANCE_MM
        or (media[2] < bleed[2] - TOLERANCE_MM or media[3] < bleed[3] - TOLERANCE_MM)
    ):
        yield "P002", "the MediaBox is smaller than the BleedBox: the bleed is cut off"


def _fonts(page: pikepdf.Page) -> Iterator[tuple[str, str]]:
    from pikepdf import Name

    for name, font in _page_fonts(page):
        subtype = font.get("/Subtype")
        if subtype == Name.Type3:
            continue  # drawn by the PDF itself
        descriptor = font.get("/FontDescriptor")
        if subtype == Name.Type0:
            descendants = font.get("/DescendantFonts")
            descriptor = descendants[0].get("/FontDescriptor") if descendants else None
        base = str(font.get("/BaseFont", name))[1:]
        embedded = descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        if not embedded:
            yield "P010", f"the font {base} is not embedded"
        elif not (len(base) > 7 and base[6] == "+" and base[:6].isupper() and base[:6].isalpha()):
            yield "P011", f"the font {base} is embedded whole, not as a subset"


def _page_fonts(page: pikepdf.Page) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """Every font a page's resources and those of its forms name, once each."""
    import pikepdf
    from pikepdf import Name

    seen: set[tuple[int, int]] = set()
    pending = [page.obj.get("/Resources")]
    while pending:
        resources = pending.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for name, font in fonts.items():
                key = font.objgen if font.is_indirect else (id(font), 0)
                if key not in seen:
                    seen.add(key)
                    yield name, font
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    pending.append(xobject.get("/Resources"))


def _colours(scan: PageScan, printer: Printer) -> Iterator[tuple[str, str]]:
    from .pdfscan import CMYK_FAMILIES, RGB_FAMILIES

    painted = scan.families | {image.family for image in scan.images}
    if not printer.rgb_allowed:
        device_only = printer.pdf_standard == "pdf/x-1a"
        for kind in sorted(painted):
            base = kind.split("/")[-1]
            if (
                base in RGB_FAMILIES
                or base in ("Lab", "CalGray")
                or (device_only and base.startswith("ICCBased"))
            ):
                what = "pictures" if any(i.family == kind for i in scan.images) else "text or drawing"
                yield "P020", f"{what} in {kind}; {printer.name} takes {_allowed(printer)} only"
    if printer.black_text_k_only:
        for c, m, y, k in sorted(scan.text_cmyk):
            if k >= 0.9 and c + m + y > 0:
                yield (
                    "P021",
                    (
                        f"black text in C{c:.0%} M{m:.0%} Y{y:.0%} K{k:.0%}; {printer.name} asks for black "
                        "text in black ink alone"
                    ),
                )
    for colour in sorted(scan.cmyk):
        total = round(sum(colour) * 100)
        if total > printer.ink_limit:
            yield (
                "P060",
                f"a colour with {total} % ink (C{colour[0]:.0%} M{colour[1]:.0%} Y{colour[2]:.0%} "
                f"K{colour[3]:.0%}); {printer.name} allows {printer.ink_limit} %",
            )
    for image in scan.images:
        if image.family.split("/")[-1] not in CMYK_FAMILIES:
            continue
        ink = picture_ink(image.xobject)
        if ink is None:
            yield "P061", f"picture {image.name} is CMYK; its ink coverage could not be measured here"
        elif ink > printer.ink_limit:
            yield (
                "P060",
                f"picture {image.name} has up to {ink} % ink; {printer.name} allows {printer.ink_limit} %",
            )


@functools.lru_cache(maxsize=64)
def _ink_of(data: bytes, width: int, height: int) -> int | None:
    """The highest C+M+Y+K of any pixel, in %, of 8-bit CMYK pixels; None if unreadable."""
    from PIL import Image, ImageMath

    try:
        picture = Image.frombytes("CMYK", (width, height), data)
    except ValueError:
        return None
    c, m, y, k = picture.split()
    total = ImageMath.lambda_eval(
        lambda band: band["c"] + band["m"] + band["y"] + band["k"], c=c, m=m, y=y, k=k
    )
    return round(total.getextrema()[1] / 255 * 100)


def picture_ink(xobject: pikepdf.Object | None) -> int | None:
    """The highest total ink of a DeviceCMYK picture in %, or None where it cannot be told
    honestly (another encoding, a /Decode array, a picture the library cannot read)."""
    import pikepdf

    if xobject is None or "/Decode" in xobject or int(xobject.get("/BitsPerComponent", 8)) != 8:
        return None
    try:
        picture = pikepdf.PdfImage(xobject).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return None
    if picture.mode != "CMYK":
        return None
    return _ink_of(picture.tobytes(), picture.width, picture.height)


def _allowed(printer: Printer) -> str:
    return (
        "CMYK, grey and spot colours, as device colours"
        if printer.pdf_standard == "pdf/x-1a"
        else ("CMYK, grey and spot colours")
    )


def _document(pdf: pikepdf.Pdf, path: Path, expect: Expect) -> list[Finding]:
    from .pdfscan import has_transparency

    printer = expect.printer
    findings = []
    count = len(pdf.pages)
    paper = (
        printer.paper(expect.paper)
        if expect.paper in {p.name for p in printer.papers}
        else printer.default_paper
    )
    if count < printer.min_pages or count > paper.max_pages:
        findings.append(
            Finding(
                path,
                None,
                "P040",
                f"{count} pages; {printer.name} binds {printer.min_pages} to {paper.max_pages} pages "
                f"on {paper.description}",
            )
        )
    if count % printer.page_multiple:
        findings.append(
            Finding(
                path,
                None,
                "P041",
                f"{count} pages, not a multiple of {printer.page_multiple}; pad the book with "
                "designed pages, or the printer adds blank ones",
            )
        )
    if printer.pdf_standard:
        findings += [Finding(path, None, "P050", text) for text in _pdfx(pdf, printer.pdf_standard)]
    if printer.no_annotations:
        annotations = sum(len(page.obj.get("/Annots", ())) for page in pdf.pages)
        if annotations or "/Outlines" in pdf.Root:
            findings.append(
                Finding(
                    path,
                    None,
                    "P070",
                    f"{annotations} annotations{' and bookmarks' if '/Outlines' in pdf.Root else ''}; "
                    f"{printer.name} asks for a PDF without them",
                )
            )
    if printer.pdf_standard != "pdf/x-4" and has_transparency(pdf):
        findings.append(
            Finding(path, None, "P051", f"something is drawn see-through; {printer.name} wants it flattened")
        )
    if printer.pdf_standard in ("pdf/x-1a", "pdf/x-3") and _groups(pdf):
        findings.append(
            Finding(
                path, None, "P051", f"{_groups(pdf)} transparency groups; {printer.pdf_standard} allows none"
            )
        )
    return findings


def _pdfx(pdf: pikepdf.Pdf, standard: str) -> Iterator[str]:
    from pikepdf import Name

    version, pdf_version = PDFX_VERSIONS[standard]
    intents = pdf.Root.get("/OutputIntents")
    if not intents or not any(
        i.get("/S") == Name.GTS_PDFX and "/DestOutputProfile" in i and "/OutputConditionIdentifier" in i
        for i in intents
    ):
        yield "no /GTS_PDFX OutputIntent with an output profile"
    if standard != "pdf/x-4" and str(pdf.docinfo.get("/GTS_PDFXVersion", "")) != version:
        yield f"the document information does not say /GTS_PDFXVersion ({version})"
    meta = pdf.open_metadata()
    if meta.get("pdfxid:GTS_PDFXVersion") != version:
        yield f"the XMP metadata do not say pdfxid:GTS_PDFXVersion ({version})"
    if pdf.docinfo.get("/Trapped") not in (Name("/True"), Name("/False")):
        yield "/Trapped is neither /True nor /False"
    if pdf.pdf_version > pdf_version:
        yield f"PDF {pdf.pdf_version}; {version} is based on PDF {pdf_version}"
    if "/ID" not in pdf.trailer:
        yield "no document /ID"


def _groups(pdf: pikepdf.Pdf) -> int:
    import pikepdf
    from pikepdf import Name

    return sum(
        1
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)
        and isinstance(obj.get("/Group"), pikepdf.Dictionary)
        and obj.Group.get("/S") == Name.Transparency
    )


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most :data:`MAX_PER_CODE` pages per code, then one finding that counts the rest."""
    shown: Counter[str] = Counter()
    rest: Counter[str] = Counter()
    kept = []
    for finding in findings:
        if finding.page is None or shown[finding.code] < MAX_PER_CODE:
            shown[finding.code] += finding.page is not None
            kept.append(finding)
        else:
            rest[finding.code] += 1
    for code, number in sorted(rest.items()):
        file = findings[0].file
        kept.append(Finding(file, None, code, f"and on {number} more page{'s' * (number != 1)}"))
    return kept


def failed(findings: list[Finding]) -> bool:
    return any(finding.severity == "error" for finding in findings)


def to_json(findings: list[Finding], root: Path) -> str:
    counts = Counter(finding.severity for finding in findings)
    return json.dumps(
        {
            "findings": [f.as_dict(root) for f in findings],
            "errors": counts["error"],
            "warnings": counts["warning"],
        },
        ensure_ascii=False,
        indent=2,
    )


def expectation(project: Path, printer: str | None = None) -> Expect:
    """What the project's ``book.toml [print]`` asks for; with ``printer``, what that printer asks for.

    BookError if neither can be known (no book.toml and no printer, an unknown printer).
    """
    from .config import load_config
    from .errors import BookError

    if printer is not None:
        if printer not in PRINTERS:
            raise BookError(f"unknown printer {printer!r}; expected one of: {', '.join(PRINTERS)}")
        return Expect.printer_only(PRINTERS[printer])
    book_toml = project / "manuscript" / "book.toml"
    if not book_toml.is_file():
        raise BookError(
            "book.toml not found: run preflight in a bookpress project, or name the printer with --printer",
            file=book_toml,
        )
    return Expect.of(load_config(book_toml).print)


def print_files(project: Path, files: tuple[Path, ...]) -> list[Path]:
    """The files to check: those named, or the print PDFs in the project's output folder."""
    from .errors import BookError

    if files:
        missing = [path for path in files if not path.is_file()]
        if missing:
            raise BookError(f"no such file: {', '.join(map(str, missing))}")
        return list(files)
    found = sorted((project / "output").glob("*_print.pdf"))
    if not found:
        raise BookError("no print PDF to check: name the files, or build the print editions first")
    return found


def run(
    project: Path, files: tuple[Path, ...] = (), printer: str | None = None, *, cache: bool = False
) -> list[Finding]:
    """The findings of every file to check (see :func:`print_files`) against its printer; with
    ``cache``, kept in the project's build cache by each file's digest."""
    from .cache import Cache

    expect = expectation(project, printer)
    kept = Cache(project) if cache else None
    return [
        finding for path in print_files(project, files) for finding in preflight(path, expect, cache=kept)
    ]
