"""The small cascade that tells which characters each font sets (renderers/epub_cascade.py and
epub_properties.py),
and the face CSS font matching picks (renderers/epub_fonts.match)."""

from __future__ import annotations

import pytest

from bookpress.renderers.epub_cascade import Sheets, document_texts
from bookpress.renderers.epub_fonts import match
from bookpress.renderers.epub_properties import FontFace

FACES = """
@font-face { font-family: "Book"; src: url("r.otf"); }
@font-face { font-family: "Book"; font-style: italic; src: url("i.otf"); }
@font-face { font-family: Book; font-weight: bold; src: url("b.otf"); }
"""


def runs(body: str, css: str = "") -> dict[tuple[str, int, frozenset[str]], str]:
    """(style, weight, features) -> the characters set so, for ``body`` styled by ``css``."""
    document = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<title>T</title><link rel="stylesheet" href="s.css"/></head><body>{body}</body></html>'
    )
    sheets = Sheets({"EPUB/s.css": FACES + 'html { font-family: "Book", serif }' + css})
    found = document_texts(document.encode(), "EPUB/doc.xhtml", sheets)
    merged: dict[tuple[str, int, frozenset[str]], set[str]] = {}
    for run, chars in found.items():  # of all families
        merged.setdefault((run.style, run.weight, run.features), set()).update(chars - {" "})
    return {key: "".join(sorted(chars)) for key, chars in merged.items()}


def test_html_defaults_and_the_author_sheet() -> None:
    found = runs("<p>a<em>b</em><strong>c</strong><h1>d</h1><h2>e</h2></p>", "h2 { font-weight: normal }")
    assert found[("normal", 400, frozenset())] == "Tae"  # "T": the title
    assert found[("italic", 400, frozenset())] == "b"
    assert found[("normal", 700, frozenset())] == "cd"


def test_bolder_and_lighter_follow_the_parent() -> None:
    body = '<p class="x">a<strong>b<strong>c<span class="l">d</span></strong></strong></p>'
    found = runs(body, ".x { font-weight: 300 } .l { font-weight: lighter }")
    assert found[("normal", 300, frozenset())] == "a"
    assert found[("normal", 400, frozenset())] == "Tbd"  # bolder than 300; lighter than 700
    assert found[("normal", 700, frozenset())] == "c"


def test_important_and_specificity() -> None:
    css = "p.x { font-style: italic } p { font-style: normal !important } #y { font-weight: bold }"
    found = runs('<p class="x" id="y">a</p>', css)
    assert found[("normal", 700, frozenset())] == "a"


def test_the_font_shorthand() -> None:
    found = runs(
        "<p>a</p><h6>b</h6>",
        'p { font: italic small-caps bold 1em/1.2 "Book", serif } h6 { font: 1em serif }',
    )
    assert found[("italic", 700, frozenset({"smcp"}))] == "Aa"  # small capitals: capitals too
    assert found[("normal", 400, frozenset())] == "Tb"  # the shorthand sets h6's weight back


def test_generated_content_markers_and_quotes() -> None:
    css = 'p::before { content: "§ " attr(title) counter(n, upper-roman) } ul { list-style-type: "→" }'
    found = runs('<p title="Ω">a</p><q>z</q><ol><li>x</li></ol><ul><li>y</li></ul>', css)
    plain = found[("normal", 400, frozenset())]
    assert set("§ΩIVX.„“az") <= set(plain)
    markers = found[("normal", 400, frozenset({"tnum"}))]  # ::marker: tabular figures
    assert set("0123456789.→") <= set(markers)


def test_text_transform_and_small_caps() -> None:
    found = runs(
        "<h3>ab</h3><p>CD</p>",
        "h3 { font-weight: normal; font-variant: small-caps } p { text-transform: lowercase }",
    )
    assert found[("normal", 400, frozenset({"smcp"}))] == "ABab"
    assert set("CDcd") <= set(found[("normal", 400, frozenset())])


def test_rules_in_media_queries_count_and_bad_selectors_do_not_break() -> None:
    found = runs(
        "<p>a</p>", "@media print { p { font-style: italic } } p:unknown-thing { font-weight: bold }"
    )
    assert found[("italic", 400, frozenset())] == "a"


def test_other_families_and_generic_ones() -> None:
    found = document_texts(
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="stylesheet" href="s.css"/></head>'
        b"<body><p>a</p><code>b</code></body></html>",
        "EPUB/doc.xhtml",
        Sheets({"EPUB/s.css": FACES + "p { font-family: Missing, 'Book' }"}),
    )
    families = {run.families: "".join(sorted(chars)) for run, chars in found.items() if chars - {" "}}
    assert families[("missing", "book")] == "a"
    assert families[("monospace",)] == "b"  # the HTML default, no face of ours


def face(style: str, low: int, high: int | None = None) -> FontFace:
    return FontFace("s.css", 0, "book", style, (low, high or low), (f"{style}{low}.otf",))


@pytest.mark.parametrize(
    ("style", "weight", "expected"),
    [
        ("normal", 400, face("normal", 400)),
        ("normal", 700, face("normal", 700)),
        ("normal", 600, face("normal", 700)),  # above 500: up first
        ("normal", 450, face("normal", 400)),  # 400-500, nothing up to 500: then down
        ("normal", 300, face("normal", 400)),  # below 400, nothing lighter: then up
        ("italic", 700, face("italic", 400)),  # the style decides before the weight
        ("oblique", 400, face("italic", 400)),
    ],
)
def test_font_matching(style: str, weight: int, expected: FontFace) -> None:
    faces = [face("normal", 400), face("normal", 700), face("italic", 400)]
    assert match(faces, style, weight) == expected


def test_a_face_with_a_weight_range() -> None:
    assert match([face("normal", 400), face("normal", 500, 900)], "normal", 800) == face("normal", 500, 900)
