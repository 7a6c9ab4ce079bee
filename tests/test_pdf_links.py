"""Web links on paper: the print PDF writes each address out, the screen PDF keeps live links."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookpress.build import timestamp
from bookpress.config import load_config
from bookpress.errors import BookError
from bookpress.loader import load_book
from bookpress.renderers import PROFILES
from bookpress.renderers.pdf_links import BREAK, breakable, print_links
from conftest import copy_project

LONG = "https://www.example-verlag.de/reihen/vuca/band-1/materialien/literaturverzeichnis-und-weiterfuehrende-quellen.html"
CHAPTER = f"""---
title: Verweise
---

Mehr dazu steht im [Bericht der Kommission](https://www.example.org/bericht/2025) und unter
<https://www.example.org/selbst>. Schreiben Sie an [die Redaktion](mailto:redaktion@example.org).

Die lange Quelle: [Materialien zum Band]({LONG}). Danach geht der Absatz weiter, damit die
Zeile voll wird und man sieht, wie der Satz mit dem Verweis umgeht.[^1]

[^1]: Eine Anmerkung mit [eigenem Verweis](https://www.example.org/anmerkung).
"""


def plain(text: str) -> str:
    return text.replace(BREAK, "")


# The fragment


def test_breaks_follow_slash_dot_and_hyphen_but_not_the_scheme() -> None:
    assert breakable("https://a-b.de/x/y").replace(BREAK, "|") == "https://a-|b.|de/|x/|y"
    assert breakable("x.de/").replace(BREAK, "|") == "x.|de/"  # nothing after the last character


def test_footnote_mode_sets_the_address_as_a_note_at_the_link() -> None:
    out = print_links('<p>Im <a href="https://x.de/a">Bericht</a>, dann.</p>', "footnote")
    assert plain(out) == (
        '<p data-notes="link">Im <span class="printed-link">Bericht</span>'
        '<span class="footnote link-note"><span class="url">https://x.de/a</span></span>, dann.</p>'
    )


def test_inline_mode_a_link_that_is_its_address_and_a_link_inside_a_note() -> None:
    fragment = (
        '<p><a href="https://x.de/a">Bericht</a> und <a href="https://x.de/">x.de</a>'
        '<a class="noteref" href="#n1">1</a></p>'
        '<aside class="footnote" id="n1"><p><a href="mailto:r@x.de">Post</a></p></aside>'
    )
    out = plain(print_links(fragment, "inline"))
    assert (
        '<span class="printed-link">Bericht</span><span class="link-address"> (<span class="url">https://x.de/a</span>)</span>'
        in out
    )
    assert (
        '<span class="printed-link"><span class="url">x.de</span></span><a class="noteref"' in out
    )  # not doubled
    assert '(<span class="url">r@x.de</span>)' in out  # a mail address without mailto:
    # In footnote mode a link inside a note still gets its address inline: notes hold no notes.
    assert '(<span class="url">r@x.de</span>)' in plain(print_links(fragment, "footnote"))
    assert 'href="https' not in out and 'href="#n1"' in out


def test_an_unknown_mode_is_reported_with_its_line(project: Callable[[str], Path]) -> None:
    toml = project("minimal") / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[print]\nlinks = "endnote"\n', encoding="utf-8")
    with pytest.raises(BookError) as caught:
        load_config(toml)
    (problem,) = caught.value.problems
    assert (problem.key, problem.message) == ("print.links", "must be one of: footnote, inline")
    assert toml.read_text(encoding="utf-8").splitlines()[problem.line - 1] == 'links = "endnote"'


# The PDFs


def linked_book(root: Path, print_table: str) -> Path:
    (root / "manuscript" / "band-1" / "01-anfang.md").write_text(CHAPTER, encoding="utf-8")
    with open(root / "manuscript" / "book.toml", "a", encoding="utf-8") as toml:
        toml.write(f"\n[print]\n{print_table}\n")
    return root


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Print (footnotes, a narrow measure), print (inline) and screen PDFs of the linked book."""
    folder = tmp_path_factory.mktemp("links")
    # A 60 mm text block: the long address must break to fit.
    narrow = 'trim = "custom"\nwidth_mm = 100\nheight_mm = 170\ninner_margin_mm = 22\nouter_margin_mm = 18'
    made = {}
    for name, table, profile in (
        ("footnote", narrow, "print"),
        ("inline", 'links = "inline"', "print"),
        ("screen", "", "screen"),
    ):
        book = load_book(linked_book(copy_project("pdf-mini", folder / name), table))
        volume = book.volumes[0]
        made[name] = PROFILES[profile].render(book, volume, timestamp(volume))
    return made


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext lays it out (lines kept), without zero width spaces."""
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return plain(out.stdout)


def uris(pdf: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def test_print_footnotes_carry_the_addresses_and_long_ones_break_without_hyphens(
    pdfs: dict[str, bytes], tmp_path: Path
) -> None:
    text = text_of(pdfs["footnote"], tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # Each address is a footnote of its own: the number, then the address.
    for note in ("https://www.example.org/bericht/2025", "redaktion@example.org"):
        assert any(line.endswith(note) and line.split()[0].isdigit() for line in lines), (note, lines)
    # The address the link text already is: printed once, in the text, with no note.
    assert "".join(text.split()).count("example.org/selbst") == 1
    # A link inside a footnote: its address in parentheses, inside that note.
    assert "eigenemVerweis(https://www.example.org/anmerkung)." in "".join(text.split())
    # The long address: broken over lines at / . or -; the pieces spell it exactly, so no
    # hyphen (WeasyPrint's is U+2010) was added at a break.
    pieces = _lines_of(LONG, lines)
    assert len(pieces) >= 2, lines
    assert all(piece[-1] in "/.-" for piece in pieces[:-1]), pieces
    assert uris(pdfs["footnote"]) == []  # no live link on paper


def _lines_of(address: str, lines: list[str]) -> list[str]:
    """The lines that together spell ``address``, from the one that ends with its start
    (a footnote broken over lines); [] if no run of lines does."""
    for index, line in enumerate(lines):
        words = line.split()
        if not words or not address.startswith(words[-1]):
            continue
        pieces = [words[-1]]
        for following in lines[index + 1 :]:
            if "".join(pieces) == address or not following:
                break
            pieces.append(following.split()[0])
        if "".join(pieces) == address:
            return pieces
    return []


def test_print_inline_puts_the_address_after_the_link_text(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    # Compared without blanks: a line may break inside the address.
    squeezed = "".join(text_of(pdfs["inline"], tmp_path).split())
    assert "BerichtderKommission(https://www.example.org/bericht/2025)und" in squeezed
    assert "dieRedaktion(redaktion@example.org)." in squeezed
    assert squeezed.count("example.org/selbst") == 1
    assert uris(pdfs["inline"]) == []


def test_screen_keeps_live_links_and_prints_no_addresses(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    assert set(uris(pdfs["screen"])) >= {
        "https://www.example.org/bericht/2025",
        "mailto:redaktion@example.org",
        LONG,
    }
    words = " ".join(text_of(pdfs["screen"], tmp_path).split())
    assert "https://www.example.org/bericht/2025" not in words
    assert "Bericht der Kommission und" in words


def test_a_second_call_shows_the_number_printed_after_the_address_notes() -> None:
    from bookpress.renderers.pdf_html import inline_footnotes

    fragment = (
        '<p>Im <a href="https://x.de/a">Bericht</a>, erst<a class="noteref" href="#n1">1</a> '
        'und wieder<a class="noteref" href="#n1">1</a>.</p>'
        '<aside class="footnote" id="n1"><p><a class="backlink" href="#r1">1</a> Die Notiz.</p></aside>'
    )
    out = inline_footnotes(print_links(fragment, "footnote"))
    # The address is note 1 on paper, the author's note 1 is note 2: so is its second call.
    assert '<span class="noteref-repeat">2</span>' in out
    assert inline_footnotes(fragment).count('<span class="noteref-repeat">1</span>') == 1
