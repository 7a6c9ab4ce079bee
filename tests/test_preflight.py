"""bookpress preflight: deliberately bad print PDFs are caught, each by its code."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pikepdf import Array, Dictionary, Name

from bookpress.cli import main
from bookpress.preflight import Expect, preflight
from bookpress.printers import PRINTERS
from bookpress.renderers.pdf_printer import mark_pdfx
from conftest import REPO, copy_project

MM = 72 / 25.4
INGRAM = Expect.printer_only(PRINTERS["ingramspark"])
FONT = REPO / "styles" / "fonts" / "libertine" / "LinLibertine_R.otf"
TEXT = b"BT /F1 10 Tf 50 500 Td (Text) Tj ET\n"


def image(pdf: pikepdf.Pdf, pixels: int, space: str, ink: bytes = b"") -> pikepdf.Stream:
    """A square raster image of ``pixels`` × ``pixels`` in DeviceRGB or DeviceCMYK, white but
    for a first pixel of ``ink`` (its CMYK values)."""
    channels = 3 if space == "/DeviceRGB" else 4
    data = zlib.compress(ink + bytes(pixels * pixels * channels - len(ink)))
    return pdf.make_stream(
        data,
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=pixels,
        Height=pixels,
        ColorSpace=Name(space),
        BitsPerComponent=8,
        Filter=Name.FlateDecode,
    )


def make(
    tmp_path: Path,
    *,
    pages: int = 24,
    content: bytes = TEXT,
    bleed: bool = True,
    picture: tuple[int, str, float] | None = None,  # (pixels, colour space, placed width in inches)
    ink: bytes = b"",  # CMYK of the picture's first pixel
    extgstate: Dictionary | None = None,
    embedded: bool = True,
    pdfx: bool = True,
) -> Path:
    """A 5 × 8 in book block as IngramSpark wants it, but for what the arguments spoil."""
    pdf = pikepdf.new()
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/ABCDEF+LinLibertine"),
        Flags=32,
        FontBBox=Array([0, -200, 1000, 900]),
        ItalicAngle=0,
        Ascent=900,
        Descent=-200,
        CapHeight=650,
        StemV=80,
    )
    if embedded:
        descriptor.FontFile3 = pdf.make_stream(FONT.read_bytes(), Subtype=Name.OpenType)
    font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name("/ABCDEF+LinLibertine" if embedded else "/Helvetica"),
            FontDescriptor=pdf.make_indirect(descriptor),
        )
    )
    resources = Dictionary(Font=Dictionary(F1=font))
    drawing = content
    if picture is not None:
        pixels, space, inches = picture
        resources.XObject = Dictionary(Im1=image(pdf, pixels, space, ink))
        drawing += f"q {inches * 72} 0 0 {inches * 72} 40 40 cm /Im1 Do Q\n".encode()
    if extgstate is not None:
        resources.ExtGState = Dictionary(G1=extgstate)
        drawing = b"/G1 gs\n" + drawing
    stream = pdf.make_stream(drawing)
    extra = 3.2 * MM if bleed else 0
    for index in range(pages):
        recto = index % 2 == 0
        left, right = (0, extra) if recto else (extra, 0)
        box = Array([-left, -extra, 360 + right, 576 + extra])
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=box,
                    BleedBox=box,
                    TrimBox=Array([0, 0, 360, 576]),
                    Resources=resources,
                    Contents=stream,
                )
            )
        )
    pdf.docinfo["/Title"] = "Probe"
    pdf.trailer.ID = Array([pikepdf.String("probe"), pikepdf.String("probe")])
    version = mark_pdfx(pdf, "pdf/x-1a") if pdfx else "1.7"
    path = tmp_path / "probe.pdf"
    pdf.save(path, force_version=version, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return path


def codes(path: Path, expect: Expect = INGRAM) -> list[str]:
    return [finding.code for finding in preflight(path, expect)]


def test_a_sound_book_block_passes(tmp_path: Path) -> None:
    assert preflight(make(tmp_path), INGRAM) == []


def test_an_rgb_picture_for_a_cmyk_printer(tmp_path: Path) -> None:
    path = make(tmp_path, picture=(600, "/DeviceRGB", 1.0))
    findings = preflight(path, INGRAM)
    assert {f.code for f in findings} == {"P020"}
    assert findings[0].format(tmp_path) == (
        "probe.pdf:1: P020: pictures in DeviceRGB; IngramSpark takes CMYK, grey and spot colours, "
        "as device colours only"
    )
    # A printer that converts RGB itself takes it.
    assert "P020" not in codes(path, Expect.printer_only(PRINTERS["bod"]))


def test_a_picture_at_150_ppi(tmp_path: Path) -> None:
    findings = preflight(make(tmp_path, picture=(300, "/DeviceCMYK", 2.0)), INGRAM)
    assert {f.code for f in findings} >= {"P030"}
    [first] = [f for f in findings if f.code == "P030" and f.page == 1]
    assert (
        "Im1 (300×300 pixels) is printed at 150 ppi; IngramSpark asks for at least 300 ppi" in first.message
    )
    sharp = preflight(make(tmp_path, picture=(600, "/DeviceCMYK", 2.0)), INGRAM)
    assert "P030" not in {f.code for f in sharp}


def test_ink_inside_a_cmyk_picture(tmp_path: Path) -> None:
    heavy = make(tmp_path, picture=(600, "/DeviceCMYK", 2.0), ink=bytes([255, 200, 200, 255]))
    findings = [f for f in preflight(heavy, INGRAM) if f.page == 1]
    assert [(f.code, f.message) for f in findings] == [
        ("P060", "picture Im1 has up to 357 % ink; IngramSpark allows 240 %")
    ]
    light = make(tmp_path, picture=(600, "/DeviceCMYK", 2.0), ink=bytes([100, 100, 100, 255]))
    assert codes(light) == []


def test_no_bleed(tmp_path: Path) -> None:
    findings = preflight(make(tmp_path, bleed=False), INGRAM)
    assert {f.code for f in findings} == {"P002"}
    assert "right 0.0 mm (not 3.2), foot 0.0 mm (not 3.2), head 0.0 mm (not 3.2)" in findings[0].message
    assert findings[-1].message == "and on 19 more pages"  # 24 pages: five named, the rest counted


def test_an_odd_page_count_and_too_few_pages(tmp_path: Path) -> None:
    assert codes(make(tmp_path, pages=25)) == ["P041"]
    assert codes(make(tmp_path, pages=20)) == ["P040"]


def test_a_font_not_embedded(tmp_path: Path) -> None:
    assert set(codes(make(tmp_path, embedded=False))) == {"P010"}


def test_rich_black_text_and_too_much_ink(tmp_path: Path) -> None:
    content = b"0.6 0.5 0.5 1 k\n" + TEXT
    assert set(codes(make(tmp_path, content=content))) == {"P021", "P060"}
    assert codes(make(tmp_path, content=b"0 0 0 1 k\n" + TEXT)) == []


def test_rgb_text(tmp_path: Path) -> None:
    assert set(codes(make(tmp_path, content=b"0 0 0 rg\n" + TEXT))) == {"P020"}


def test_pdf_x_keys_and_transparency(tmp_path: Path) -> None:
    path = make(tmp_path, pdfx=False)
    findings = [f.message for f in preflight(path, INGRAM) if f.code == "P050"]
    assert "no /GTS_PDFX OutputIntent with an output profile" in findings
    assert "PDF 1.7; PDF/X-1a:2003 is based on PDF 1.4" in findings
    half = Dictionary(Type=Name.ExtGState, ca=0.5)
    assert codes(make(tmp_path, extgstate=half)) == ["P051"]
    # KDP asks for no PDF/X, but for flattened transparency.
    kdp = Expect(PRINTERS["kdp"], (127.0, 203.2), PRINTERS["kdp"].bleed, "white")
    assert codes(make(tmp_path, pdfx=False, extgstate=half), kdp) == ["P051"]


def test_bookmarks_for_a_printer_that_wants_none(tmp_path: Path) -> None:
    path = make(tmp_path, pdfx=False)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Kapitel", 0))
        pdf.save(path)
    kdp = Expect(PRINTERS["kdp"], (127.0, 203.2), PRINTERS["kdp"].bleed, "white")
    [finding] = preflight(path, kdp)
    assert (finding.code, finding.severity) == ("P070", "warning")
    assert finding.message == "0 annotations and bookmarks; Amazon KDP asks for a PDF without them"


def test_command_line_text_json_and_exit_status(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    sound, odd = make(good), make(bad, pages=25)
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(tmp_path), "preflight", "--printer", "ingramspark", str(sound)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main, ["-C", str(tmp_path), "preflight", "--printer", "ingramspark", "--format", "json", str(odd)]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 1 and report["findings"][0]["code"] == "P041"
    assert report["findings"][0]["page"] is None and report["findings"][0]["name"] == "page-multiple"
    result = runner.invoke(main, ["-C", str(tmp_path), "preflight", str(odd)])
    assert result.exit_code == 1 and "book.toml not found" in result.output


def test_an_unreadable_file_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 nothing else")
    [finding] = preflight(path, INGRAM)
    assert finding.code == "P050" and "cannot be read as a PDF" in finding.message


@pytest.mark.parametrize("key", list(PRINTERS))
def test_sound_block_against_each_printers_own_rules(tmp_path: Path, key: str) -> None:
    """Each printer's checks run; what differs from IngramSpark is what they report."""
    found = set(codes(make(tmp_path), Expect.printer_only(PRINTERS[key])))
    assert found <= {"P001", "P002", "P040"}


def test_build_preflights_the_print_pdf_it_wrote(tmp_path: Path) -> None:
    root = copy_project("pdf-mini", tmp_path / "p")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[print]\nprinter = "ingramspark"\ntrim = "5x8in"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--profile", "print", "-j", "1"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if ": P040: " in line]
    assert line.endswith("pages; IngramSpark binds 24 to 828 pages on cream")
    assert "_print.pdf: P040" in line


def test_findings_are_kept_by_the_file_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file preflighted before is not read page by page again; a changed one is."""
    from bookpress import preflight as module
    from bookpress.cache import Cache

    path = make(tmp_path, pages=23)
    cache = Cache(tmp_path)
    first = preflight(path, INGRAM, cache=cache)
    assert first  # an odd page count
    read: list[Path] = []
    real = module._pages

    def counted(pdf: pikepdf.Pdf, where: Path, expect: Expect):  # type: ignore[no-untyped-def]
        read.append(where)
        return real(pdf, where, expect)

    monkeypatch.setattr(module, "_pages", counted)
    assert preflight(path, INGRAM, cache=cache) == first
    assert read == []
    assert preflight(path, Expect.printer_only(PRINTERS["bod"]), cache=cache) != first  # another printer
    assert len(read) == 1
    make(tmp_path, pages=24)  # the same file name, other content
    assert {f.code for f in preflight(path, INGRAM, cache=cache)} != {f.code for f in first}
    assert len(read) == 2
