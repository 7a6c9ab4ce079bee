"""A joined print PDF made ready for its printer (``[print] printer``).

What only the whole book knows, done with pikepdf after the join:

- **Bookmarks and links** go for a printer that asks for a PDF without them (KDP).
- **Bleed at the spine.** WeasyPrint bleeds every edge alike; a printer that
  wants none at the spine (KDP) gets each page's MediaBox and BleedBox cut
  back to the trim there: left on right-hand pages, right on left-hand ones.
- **PDF/X**, when the printer's profile asks for it: an OutputIntent with the
  shipped CMYK profile (``defaults/icc/FOGRA39-bookpress.icc``), the version
  keys in the document information and in the XMP metadata, and the PDF
  version the standard is based on. WeasyPrint's own ``pdf/x-*`` variants
  write an OutputIntent only with an ``@color-profile`` rule, which turns
  every CMYK colour into an ICC-based one (not allowed in PDF/X-1a), and
  PDF/X-4 gets a random document id (see DESIGN.md); they are not used.

Nothing here converts colours or flattens real transparency: WeasyPrint's
transparency groups are removed only where everything in the file is opaque
(then they change nothing on the page). What is left that a standard does
not allow is found by ``bookpress preflight``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..model import PrintSettings
from ..pdfscan import has_transparency
from ..printers import PRINTERS

MM = 72 / 25.4
ICC_PROFILE = Path(__file__).resolve().parent.parent / "defaults" / "icc" / "FOGRA39-bookpress.icc"
# The printing condition of the shipped profile, as registered with the ICC.
OUTPUT_CONDITION = "FOGRA39"
OUTPUT_CONDITION_TEXT = "Offset printing on coated paper (ISO 12647-2:2004/Amd 1), FOGRA39"
REGISTRY = "http://www.color.org"
# (version key, PDF version the standard is based on, transparency allowed)
STANDARDS = {
    "pdf/x-1a": ("PDF/X-1a:2003", "1.4", False),
    "pdf/x-3": ("PDF/X-3:2003", "1.4", False),
    "pdf/x-4": ("PDF/X-4", "1.6", True),
}


def for_printer(data: bytes, settings: PrintSettings) -> bytes:
    """The print PDF ``data`` with the spine's bleed and the PDF/X keys its printer wants.

    A printer that wants neither gets ``data`` as it is.
    """
    printer = PRINTERS[settings.printer]
    standard = printer.pdf_standard
    spine = settings.spine_bleed_mm != settings.bleed_mm
    if not standard and not spine and not printer.no_annotations:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if spine:
            cut_spine_bleed(pdf, settings.spine_bleed_mm)
        if printer.no_annotations:
            drop_bookmarks_and_links(pdf)
        version = mark_pdfx(pdf, standard) if standard else pdf.pdf_version
        buffer = io.BytesIO()
        pdf.save(
            buffer,
            deterministic_id=True,
            force_version=version,
            # Object streams came with PDF 1.5.
            object_stream_mode=pikepdf.ObjectStreamMode.generate
            if version >= "1.5"
            else pikepdf.ObjectStreamMode.disable,
            compress_streams=True,
        )
    return buffer.getvalue()


def drop_bookmarks_and_links(pdf: pikepdf.Pdf) -> None:
    """Remove the bookmarks and link annotations, for a printer that wants a PDF without them."""
    if "/Outlines" in pdf.Root:
        del pdf.Root["/Outlines"]
    if pdf.Root.get("/PageMode") == Name.UseOutlines:
        del pdf.Root["/PageMode"]
    _drop_links(pdf)


def cut_spine_bleed(pdf: pikepdf.Pdf, bleed_mm: float) -> None:
    """Cut each page's MediaBox, CropBox and BleedBox at the spine to the trim plus ``bleed_mm``.

    The first page is a right-hand page, its spine on the left.
    """
    extra = bleed_mm * MM
    for index, page in enumerate(pdf.pages):
        left, _, right, _ = (float(v) for v in page.obj.TrimBox)
        for key in ("/MediaBox", "/CropBox", "/BleedBox"):
            if key not in page.obj:
                continue
            box = [float(v) for v in page.obj[key]]
            if index % 2 == 0:
                box[0] = max(box[0], left - extra)
            else:
                box[2] = min(box[2], right + extra)
            page.obj[key] = Array(box)


def mark_pdfx(pdf: pikepdf.Pdf, standard: str) -> str:
    """Make ``pdf`` claim the PDF/X ``standard``; returns the PDF version to write."""
    version, pdf_version, transparency = STANDARDS[standard]
    if not transparency and not has_transparency(pdf):
        _drop_groups(pdf)
    _drop_links(pdf)
    _drop_unused_colour_spaces(pdf)
    profile = pdf.make_stream(ICC_PROFILE.read_bytes(), N=4)
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFX,
                OutputConditionIdentifier=String(OUTPUT_CONDITION),
                OutputCondition=String(OUTPUT_CONDITION_TEXT),
                RegistryName=String(REGISTRY),
                Info=String(OUTPUT_CONDITION_TEXT),
                DestOutputProfile=profile,
            )
        ]
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        meta["pdf:Trapped"] = "False"
        meta["pdfxid:GTS_PDFXVersion"] = version
        if standard != "pdf/x-4":
            meta["pdfx:GTS_PDFXVersion"] = version
        if standard == "pdf/x-1a":
            meta["pdfx:GTS_PDFXConformance"] = version
    info = pdf.docinfo
    info[Name.GTS_PDFXVersion] = String(version)
    if standard == "pdf/x-1a":
        info[Name.GTS_PDFXConformance] = String(version)
    info[Name.Trapped] = Name("/False")
    return pdf_version


def _drop_groups(pdf: pikepdf.Pdf) -> None:
    """Remove transparency groups, which change nothing where everything is opaque."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/Group" in obj:
            group = obj.Group
            if isinstance(group, pikepdf.Dictionary) and group.get("/S") == Name.Transparency:
                del obj["/Group"]


def _drop_links(pdf: pikepdf.Pdf) -> None:
    """Remove link annotations: paper cannot follow them, and PDF/X restricts annotations on the page."""
    for page in pdf.pages:
        if "/Annots" not in page.obj:
            continue
        kept = [a for a in page.obj.Annots if a.get("/Subtype") != Name.Link]
        if kept:
            page.obj.Annots = Array(kept)
        else:
            del page.obj["/Annots"]


def _drop_unused_colour_spaces(pdf: pikepdf.Pdf) -> None:
    """Remove named colour spaces a page or form declares but never uses (WeasyPrint declares
    CIELAB ones everywhere; PDF/X-1a allows only device colour)."""
    owners = [page.obj for page in pdf.pages]
    owners += [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == Name.Form]
    for owner in owners:
        resources = owner.get("/Resources")
        if not isinstance(resources, pikepdf.Dictionary) or "/ColorSpace" not in resources:
            continue
        content = _content_of(owner)
        spaces = resources.ColorSpace
        for name in list(spaces.keys()):
            if name.encode() not in content:
                del spaces[name]


def _content_of(owner: pikepdf.Object) -> bytes:
    if isinstance(owner, pikepdf.Stream):
        return owner.read_bytes()
    contents = owner.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes()
