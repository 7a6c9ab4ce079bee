"""Foreign words marked in Markdown, ligature joints, and the typography pass in the chapter tree."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from bookpress.errors import Collector
from bookpress.joints import ZWNJ, mark_joints
from bookpress.languages import valid
from bookpress.manuscript import Source
from bookpress.markup import Converter
from bookpress.model import Document
from conftest import REPO

NB, NN = "\u00a0", "\u202f"
FONT = REPO / "styles" / "fonts" / "libertine" / "LinLibertine_R.otf"


def convert(tmp_path: Path, body: str, *, hyphenation: tuple[str, ...] = ()) -> tuple[Document | None, list]:
    chapter = tmp_path / "band" / "01-test.md"
    chapter.parent.mkdir(parents=True, exist_ok=True)
    chapter.write_text("---\ntitle: T\n---\n" + body, encoding="utf-8")
    source = Source(path=chapter, meta={"title": "T"}, meta_lines={"title": 2}, body=body, body_line=4)
    problems = Collector()
    doc = Converter(tmp_path, hyphenation=hyphenation).convert(source, anchor="c", problems=problems)
    return doc, [p.format(root=tmp_path) for p in problems.problems]


# --- marked languages


def test_a_marked_word_is_a_span_with_lang_and_xml_lang(tmp_path: Path) -> None:
    doc, problems = convert(tmp_path, "Das ist [*manpower*]{lang=en} und [so]{ lang='la' }.\n")
    assert problems == []
    assert '<span lang="en" xml:lang="en"><em>manpower</em></span>' in doc.html
    assert '<span lang="la" xml:lang="la">so</span>' in doc.html


def test_quotes_follow_the_language_of_the_span(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, 'Sie sagte "[the "best" isn\'t]{lang=en}" - so.\n')
    assert f'Sie sagte „<span lang="en" xml:lang="en">the “best” isn’t</span>“{NB}– so.' in doc.html


def test_a_language_without_marks_keeps_straight_quotes(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, '[C\'est "bon"]{lang=fr}\n')
    assert 'C\'est "bon"' in doc.html.replace("&quot;", '"')


def test_german_rules_stay_out_of_a_foreign_span(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, "Die Auflage und [Auflage]{lang=en}.\n", hyphenation=("Auf-la-ge",))
    assert f'<span class="hyphens-manual">Auf{ZWNJ}\u00adla\u00adge</span>' in doc.html
    assert '<span lang="en" xml:lang="en">Auflage</span>' in doc.html


def test_raw_html_lang_is_mirrored_and_followed(tmp_path: Path) -> None:
    doc, problems = convert(tmp_path, '<p xml:lang="en">"Quoted"</p>\n')
    assert problems == []
    assert '<p xml:lang="en" lang="en">“Quoted”</p>' in doc.html


def test_the_syntax_in_code_is_code(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, "Schreibe `[Wort]{lang=en}`.\n")
    assert "<code>[Wort]{lang=en}</code>" in doc.html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Text.\n\nEin [Wort]{lang=xx} hier.\n", "band/01-test.md:6: language '{lang=xx}' is not a valid"),
        ("Ein [Wort]{lang=en_GB} hier.\n", "band/01-test.md:4: language '{lang=en_GB}' is not a valid"),
        ("Ein [Wort]{lang=} hier.\n", "language '{lang=}' is not a valid"),
        ("Ein [Wort]{lang=en hier.\n", "band/01-test.md:4: language span ']{lang=en hier.' was left as text"),
        ("Ein [Wort [x]]{lang=en}.\n", "language span ']{lang=en}.' was left as text"),
        ('Ein <span lang="qq">Wort</span>.\n', "band/01-test.md:4: <span lang=…> has a value that is not"),
    ],
)
def test_a_bad_language_is_an_error_with_its_line(tmp_path: Path, body: str, expected: str) -> None:
    doc, problems = convert(tmp_path, body)
    assert doc is None
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("tag", ["en", "en-GB", "EN-gb", "la", "grc", "de-CH-1996", "sgn-BE-FR", "x-private"])
def test_registered_tags_are_valid(tag: str) -> None:
    assert valid(tag)


@pytest.mark.parametrize("tag", ["", "xx", "en_GB", "english", "en-US-US", "e", "en-", "de\u00a0"])
def test_other_tags_are_not(tag: str) -> None:
    assert not valid(tag)


# --- the typography pass in headings and notes


def test_headings_and_notes_are_set_and_ids_stay_plain(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, "## Python 3.11 und 5 %\n\nText.[^1]\n\n[^1]: Siehe S. 12 und ( 5  km ).\n")
    assert f'<h2 id="c-python-3-11-und-5">Python{NB}3.11 und 5{NN}%</h2>' in doc.html
    assert doc.outline[0].text == "Python 3.11 und 5 %"
    assert f"Siehe S.{NB}12 und (5{NN}km).</p>" in doc.html


# --- ligature joints


JOINTS = [
    ("Auflage", "Auf|lage"),
    ("Neuauflage", "Neuauf|lage"),
    ("auffallen", "auf|fallen"),
    ("Aufbau", "Auf|bau"),
    ("Schifffahrt", "Schiff|fahrt"),
    ("Sauerstoffflasche", "Sauerstoff|flasche"),
    ("Kaufhaus", "Kauf|haus"),
    ("Tiefflug", "Tief|flug"),
    ("Kopfhörer", "Kopf|hörer"),
    ("käuflich", "käuf|lich"),
    ("Höflichkeit", "Höf|lichkeit"),
    ("hilflos", "hilf|los"),
    ("trefflich", "treff|lich"),
    ("Auf\u00adla\u00adge", "Auf|\u00adla\u00adge"),
    # no joint
    ("Hoffnung", "Hoffnung"),
    ("Chauffeur", "Chauffeur"),
    ("verkauft", "verkauft"),
    ("Pflicht", "Pflicht"),
    ("Schlaffheit", "Schlaffheit"),
    ("schaffen", "schaffen"),
    ("öffentlich", "öffentlich"),
    ("fliegen", "fliegen"),
    ("Offizier", "Offizier"),
]


@pytest.mark.parametrize(("word", "expected"), JOINTS, ids=[w for w, _ in JOINTS])
def test_joints(word: str, expected: str) -> None:
    assert mark_joints(word).replace(ZWNJ, "|") == expected
    assert mark_joints(mark_joints(word)) == mark_joints(word)


def test_joints_in_the_text_not_in_code_ids_or_the_outline(tmp_path: Path) -> None:
    doc, _ = convert(tmp_path, "## Die Auflage\n\nDie Auflage, `Auflage` und [Auflage]{lang=en}.\n")
    assert f'<h2 id="c-die-auflage">Die Auf{ZWNJ}lage</h2>' in doc.html
    assert doc.outline[0].text == "Die Auflage"
    assert f"<p>Die Auf{ZWNJ}lage, <code>Auflage</code> und <span" in doc.html


def _glyphs(text: str) -> tuple[list[int], str]:
    """The glyph ids WeasyPrint sets ``text`` with in the book face, and the PDF's text."""
    html = (
        f"<html lang='de'><style>@font-face {{ font-family: B; src: url({FONT.as_uri()}) }}"
        f"body {{ font-family: B }}</style><p>{text}</p></html>"
    )
    data = weasyprint.HTML(string=html).write_pdf()
    glyphs: list[int] = []
    pdf = pikepdf.open(io.BytesIO(data))  # kept while its page is read
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
        if str(operator) == "TJ":
            for item in operands[0]:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)  # Identity-H: two bytes a glyph, the font's own ids
                    glyphs += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return glyphs, PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_a_joint_keeps_the_ligature_out_of_the_pdf_and_the_word_whole() -> None:
    ligature = TTFont(FONT).getGlyphID("f_l")
    plain, _ = _glyphs("Auflage")
    assert ligature in plain  # the face does ligate f and l
    marked, text = _glyphs(mark_joints("Auflage"))
    assert ligature not in marked and len(marked) == len(plain) + 1
    assert text.strip() == "Auflage"
