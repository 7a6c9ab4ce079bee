"""The EPUBs of the sample series, read back: package metadata, spine, navigation, markup."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bookpress.loader import load_book
from conftest import REPO

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def epub_of(output: Path, number: int) -> zipfile.ZipFile:
    isbn = {1: "9783987651014", 2: "9783987651038", 3: "9783987651052"}[number]
    roman = {1: "I", 2: "II", 3: "III"}[number]
    return zipfile.ZipFile(output / f"VUCA-{roman}_{isbn}.epub")


def xml(epub: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(epub.read(name))


@pytest.fixture(scope="module")
def third(sample_output: Path) -> zipfile.ZipFile:
    return epub_of(sample_output, 3)


def meta(opf: etree._Element, prop: str) -> list[str]:
    return [m.text for m in opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]


def test_one_epub_per_volume(sample_output: Path) -> None:
    assert sorted(p.name for p in sample_output.glob("*.epub")) == [
        "VUCA-III_9783987651052.epub",
        "VUCA-II_9783987651038.epub",
        "VUCA-I_9783987651014.epub",
    ]


def test_container_layout(third: zipfile.ZipFile) -> None:
    infos = third.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert third.read("mimetype") == b"application/epub+zip"
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2026, 9, 14, 0, 0, 0)}  # the volume's date


def test_package_metadata(third: zipfile.ZipFile) -> None:
    opf = xml(third, "EPUB/content.opf")
    assert opf.findtext(".//dc:identifier", namespaces=NS) == "urn:isbn:9783987651052"
    assert opf.get("unique-identifier") == opf.find(".//dc:identifier", NS).get("id")
    assert opf.findtext(".//dc:language", namespaces=NS) == "de"
    titles = [t.text for t in opf.iterfind(".//dc:title", NS)]
    assert titles == ["#VUCA III: Lernen und Führen", "Wissen teilen über Grenzen hinweg"]
    assert meta(opf, "title-type") == ["main", "subtitle"]
    assert opf.findtext(".//dc:creator", namespaces=NS) == "Dr. Angelica Laurencon"
    assert meta(opf, "file-as") == ["Laurencon, Angelica"]
    assert opf.findtext(".//dc:publisher", namespaces=NS) == "connect2communicate Verlag"
    assert opf.findtext(".//dc:date", namespaces=NS) == "2026-09-14"
    assert opf.findtext(".//dc:rights", namespaces=NS) == "Alle Rechte vorbehalten."
    assert opf.findtext(".//dc:description", namespaces=NS).startswith("Volatil, unsicher")
    assert "Führung" in [s.text for s in opf.iterfind(".//dc:subject", NS)]
    assert meta(opf, "dcterms:modified") == ["2026-09-14T00:00:00Z"]
    assert "schema:accessibilitySummary" in {m.get("property") for m in opf.iterfind(".//opf:meta", NS)}


def test_series_in_both_forms(third: zipfile.ZipFile) -> None:
    opf = xml(third, "EPUB/content.opf")
    collection = opf.find(".//opf:meta[@property='belongs-to-collection']", NS)
    assert collection.text == "#VUCA"
    refines = {
        m.get("property"): m.text
        for m in opf.iterfind(f".//opf:meta[@refines='#{collection.get('id')}']", NS)
    }
    assert refines == {"collection-type": "series", "group-position": "3"}
    calibre = {m.get("name"): m.get("content") for m in opf.iterfind(".//opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "#VUCA" and calibre["calibre:series_index"] == "3"


def test_spine_order(third: zipfile.ZipFile) -> None:
    opf = xml(third, "EPUB/content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    book = load_book(REPO)
    chapters = [f"text/kapitel-{c.position:02d}.xhtml" for c in book.volume(3).chapters]
    assert spine == [
        "text/cover.xhtml",
        "text/titel.xhtml",
        "text/impressum.xhtml",
        "text/inhalt.xhtml",
        *chapters,
        "text/autorin.xhtml",
    ]
    cover = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("media-type") == "image/jpeg"
    fonts = [i.get("href") for i in opf.iterfind(".//opf:item[@media-type='font/otf']", NS)]
    # The faces the text uses; no text of the sample is bold and italic (test_epub_fonts.py).
    assert sorted(Path(font).stem for font in fonts) == [
        "LinLibertine_R",
        "LinLibertine_RB",
        "LinLibertine_RI",
    ]


def test_navigation_document(third: zipfile.ZipFile) -> None:
    nav = xml(third, "EPUB/nav.xhtml")
    assert nav.get("lang") == "de" and nav.get(XML_LANG) == "de"
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    top = [a.text for a in toc.iterfind("h:ol/h:li/h:a", NS)]
    book = load_book(REPO)
    volume = book.volume(3)
    assert top == [f"III/{c.position:02d} {c.doc.title}" for c in volume.chapters] + ["Über die Autorin"]
    first = toc.find("h:ol/h:li", NS)
    nested = [a.text for a in first.iterfind("h:ol/h:li/h:a", NS)]
    assert nested == [h.text for h in volume.chapters[0].doc.outline if h.level == 2]
    assert all("#v3-c01-" in a.get("href") for a in first.iterfind("h:ol/h:li/h:a", NS))
    landmarks = nav.find(".//h:nav[@epub:type='landmarks']", NS)
    assert landmarks.findtext("h:h2", namespaces=NS) == "Orientierungspunkte"
    marks = {a.get(f"{{{NS['epub']}}}type"): a.text for a in landmarks.iterfind(".//h:a", NS)}
    assert marks == {"cover": "Cover", "toc": "Inhalt", "bodymatter": "Beginn des Textes"}


def test_ncx_lists_the_chapters(third: zipfile.ZipFile) -> None:
    ncx = xml(third, "EPUB/toc.ncx")
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == "urn:isbn:9783987651052"
    labels = [t.text for t in ncx.iterfind("ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    assert labels[0].startswith("III/01 ") and labels[-1] == "Über die Autorin"


def test_every_document_declares_german(third: zipfile.ZipFile) -> None:
    documents = [n for n in third.namelist() if n.endswith(".xhtml")]
    assert len(documents) >= 9
    for name in documents:
        root = xml(third, name)
        assert (root.get("lang"), root.get(XML_LANG)) == ("de", "de"), name


def test_chapter_is_titled_with_its_code(third: zipfile.ZipFile) -> None:
    page = xml(third, "EPUB/text/kapitel-02.xhtml")
    section = page.find(".//h:section[@epub:type='chapter']", NS)
    assert section.findtext(".//h:p[@class='chapter-code']", namespaces=NS) == "#VUCA III/02"
    assert section.findtext(".//h:h1", namespaces=NS) == "Führen ohne Weisungsbefugnis"


def test_footnote_markup(sample_output: Path) -> None:
    page = xml(epub_of(sample_output, 1), "EPUB/text/kapitel-03.xhtml")
    refs = page.findall(".//h:a[@epub:type='noteref']", NS)
    notes = page.findall(".//h:aside[@epub:type='footnote']", NS)
    assert len(refs) == len(notes) == 3
    for ref, note in zip(refs, notes, strict=True):
        assert ref.get("href") == "#" + note.get("id")
        assert note.find(".//h:a[@role='doc-backlink']", NS).get("href") == "#" + ref.get("id")


def test_typography_reaches_the_epub(sample_output: Path) -> None:
    text = epub_of(sample_output, 1).read("EPUB/text/kapitel-01.xhtml").decode("utf-8")
    body = text[text.index("<body") :]
    assert "„" in body and "“" in body and "\u00a0–" in body
    assert '"' not in "".join(etree.fromstring(text.encode()).itertext())


def test_image_is_packaged_with_alt_text(sample_output: Path) -> None:
    epub = epub_of(sample_output, 2)
    assert "EPUB/images/netzwerk.svg" in epub.namelist()
    images = [
        img
        for name in epub.namelist()
        if name.startswith("EPUB/text/kapitel")
        for img in xml(epub, name).iterfind(".//h:img", NS)
    ]
    assert [i.get("src") for i in images] == ["../images/netzwerk.svg"]
    assert len(images[0].get("alt")) > 20


def test_imprint(third: zipfile.ZipFile) -> None:
    # Words as a reader sees them: no-break spaces (postcode and town, "Dr. Laurencon") as spaces.
    text = " ".join("".join(xml(third, "EPUB/text/impressum.xhtml").itertext()).split())
    for expected in (
        "© 2026 Dr. Angelica Laurencon",
        "connect2communicate Verlag",
        "Linienstraße 139, 10115 Berlin",
        "ISBN 978-3-98765-105-2 (E-Book)",
        "ISBN 978-3-98765-106-9 (Druckausgabe)",
        "1. Auflage 2026",
        "Korrektorat: Lea Hoffmann",  # volume III names its own proofreader
    ):
        assert expected in text
    assert "Books on Demand" not in text  # the printer is named in the printed book only
