"""The raw-HTML allow-list, limits limits and author slips, from Markdown to a refusal with a line.

Each refused case asserts the problem names the chapter and the author's line; each allowed
case asserts the markup arrives in the XHTML as written. This is a security boundary:
WeasyPrint's HTML parser ignores xmlns and lowercases names, so whatever lxml sees in a
foreign namespace or in capitals must be refused, not passed. Times are CPU times of this
process, so that a busy machine does not fail them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bookpress import limits
from bookpress.errors import Collector
from bookpress.manuscript import Source
from bookpress.markup import Converter
from bookpress.model import Document

FILE = "band/01-test.md"


def convert(tmp_path: Path, body: str) -> tuple[Document | None, list[str]]:
    chapter = tmp_path / "band" / "01-test.md"
    chapter.parent.mkdir(parents=True, exist_ok=True)
    chapter.write_text("---\ntitle: T\n---\n" + body, encoding="utf-8")
    (tmp_path / "images").mkdir(exist_ok=True)
    (tmp_path / "images" / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    source = Source(path=chapter, meta={"title": "T"}, meta_lines={"title": 2}, body=body, body_line=4)
    problems = Collector()
    doc = Converter(tmp_path).convert(source, anchor="c", problems=problems)
    return doc, [p.format(root=tmp_path) for p in problems.problems]


def refused(tmp_path: Path, body: str, expected: str, *, line: int | None = 6) -> None:
    doc, problems = convert(tmp_path, body)
    assert doc is None, f"accepted: {body!r}"
    where = f"{FILE}:{line}: " if line else FILE
    assert any(p.startswith(where) and expected in p for p in problems), problems


BYPASSES = {
    # Foreign namespaces: WeasyPrint reads these as plain HTML elements.
    "foreign-a": ('<a xmlns="urn:x" href="javascript:alert(1)">x</a>', "in namespace 'urn:x' is not allowed"),
    "foreign-link": ('<link xmlns="urn:x" rel="attachment" href="book.toml"/>', "<link> in namespace"),
    "foreign-img": ('<img xmlns="urn:x" src="/etc/passwd"/>', "<img> in namespace 'urn:x'"),
    "foreign-iframe": ('<iframe xmlns="urn:x" src="https://evil.example"></iframe>', "<iframe> in namespace"),
    "prefixed-foreign": ('<x:a xmlns:x="urn:x" href="javascript:x">y</x:a>', "<x:a> in namespace"),
    "prefixed-xhtml": (
        '<h:a xmlns:h="http://www.w3.org/1999/xhtml" href="https://e.org">y</h:a>',
        "<h:a> is not allowed",
    ),
    "svg-namespace-a": (
        '<a xmlns="http://www.w3.org/2000/svg" href="javascript:x">y</a>',
        "<a> in namespace",
    ),
    # Elements not on the list, in any case.
    "script": ("<script>alert(1)</script>", "<script> is not allowed"),
    "script-upper": ("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT> is not allowed"),
    "script-mixed": ("<ScRiPt>alert(1)</ScRiPt>", "<ScRiPt> is not allowed"),
    "style": ("<style>body{color:red}</style>", "<style> is not allowed"),
    "svg-inline": ('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "<svg> in namespace"),
    "svg-no-namespace": ("<svg><a href='javascript:x'>y</a></svg>", "<svg> is not allowed"),
    "math": ('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>', "<math> in namespace"),
    "base": ('<base href="https://evil.example/"/>', "<base> is not allowed"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example"/>', "<meta> is not"),
    "object": ('<object data="x.swf"></object>', "<object> is not allowed"),
    "embed": ('<embed src="x.swf"/>', "<embed> is not allowed"),
    "iframe-srcdoc": ('<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;"></iframe>', "<iframe> is not allowed"),
    "area": ('<map name="m"><area href="javascript:x"/></map>', "<map> is not allowed"),
    "link": ('<link rel="attachment" href="../book.toml"/>', "<link> is not allowed"),
    "form": ('<form action="https://e.org"><button formaction="javascript:x">b</button></form>', "<form>"),
    "video": ('<video src="x.mp4"></video>', "<video> is not allowed"),
    "audio-upper": ('<AUDIO src="x.mp3"></AUDIO>', "<AUDIO> is not allowed"),
    "template": ("<template><p>x</p></template>", "<template> is not allowed"),
    "a-upper": ('<A HREF="javascript:alert(1)">x</A>', "<A> is not allowed"),
    "title": ("<title>x</title>", "<title> is not allowed"),
    # Attributes.
    "onclick": ('<p onclick="x()">Hallo</p>', "attribute 'onclick' is not allowed"),
    "onclick-upper": ('<p ONCLICK="x()">Hallo</p>', "attribute 'ONCLICK' is not allowed"),
    "onclick-mixed": ('<p oNcLiCk="x()">Hallo</p>', "attribute 'oNcLiCk' is not allowed"),
    "img-onerror": ('<img src="../images/bild.png" alt="" onerror="x()"/>', "attribute 'onerror'"),
    "style-attr": ('<p style="background:url(https://evil.example)">x</p>', "attribute 'style'"),
    "srcset": ('<img src="../images/bild.png" alt="" srcset="https://evil.example/x.png 2x"/>', "'srcset'"),
    "ping": ('<a href="https://e.org" ping="https://evil.example">x</a>', "attribute 'ping'"),
    "formaction": ('<span formaction="javascript:x">x</span>', "attribute 'formaction'"),
    "background": (
        '<table background="https://evil.example/x.png"><tr><td>x</td></tr></table>',
        "'background'",
    ),
    "rel-attachment": ('<a rel="attachment" href="https://e.org/x">x</a>', "attribute 'rel'"),
    "xlink-href": (
        '<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:x">x</a>',
        "attribute 'xlink:href'",
    ),
    "foreign-attr": ('<p xmlns:x="urn:x" x:onclick="y">x</p>', "attribute 'x:onclick'"),
    "xml-base": ('<p xml:base="https://evil.example/">x</p>', "attribute 'xml:base'"),
    "epub-other": ('<p xmlns:epub="http://www.idpf.org/2007/ops" epub:trigger="x">x</p>', "'epub:trigger'"),
    "href-on-span": ('<span href="javascript:x">x</span>', "attribute 'href' is not allowed on <span>"),
    "src-on-p": ('<p src="https://evil.example/x">x</p>', "attribute 'src' is not allowed on <p>"),
    "cite-javascript": ('<blockquote cite="javascript:x"><p>x</p></blockquote>', "<blockquote cite=…>"),
    "colspan-text": ("<table><tr><td colspan='x'>x</td></tr></table>", "<td colspan=…> has a value"),
    "dir-bad": ('<p dir="sideways">x</p>', "<p dir=…> has a value"),
    "lang-bad": ('<p lang="de&quot; onclick=&quot;x">x</p>', "<p lang=…> has a value"),
    "processing-instruction": ("<p>x<?php echo 1; ?></p>", "processing instruction <?php"),
    # Values EPUBCheck would reject: the EPUB the build accepts must pass it.
    "colspan-zero": ("<table><tr><td colspan='0'>x</td></tr></table>", "<td colspan=…> has a value"),
    "datetime-bad": ('<p><time datetime="gestern">gestern</time></p>', "<time datetime=…> has a value"),
    "role-unknown": ('<div role="button"><p>x</p></div>', "<div role=…> has a value"),
    "link-in-link": ('<p><a href="https://e.org">a <a href="https://e.org/b">b</a></a></p>', "a link inside"),
}


@pytest.mark.parametrize("case", sorted(BYPASSES))
def test_raw_html_outside_the_allow_list_is_refused_with_its_line(tmp_path: Path, case: str) -> None:
    markup, expected = BYPASSES[case]
    refused(tmp_path, f"Ein Absatz.\n\n{markup}\n", expected)


LINKS = {
    "javascript": "javascript:alert(1)",
    "javascript-mixed-case": "JaVaScRiPt:alert(1)",
    "javascript-tab-entity": "java&#x09;script:alert(1)",
    "javascript-newline-entity": "java&#10;script:alert(1)",
    "javascript-leading-space": " javascript:alert(1)",
    "javascript-leading-entity": "&#x20;javascript:alert(1)",
    "javascript-colon-entity": "javascript&#58;alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "data": "data:text/html;base64,PHNjcmlwdD4=",
    "protocol-relative": "//evil.example/x",
    "file": "file:///etc/passwd",
    "relative-file": "../book.toml",
    "http-with-tab": "https://e.org/&#x09;x",
    "http-with-control": "https://e.org/&#x7f;x",
}


@pytest.mark.parametrize("case", sorted(LINKS))
def test_link_targets_other_than_web_addresses_are_refused(tmp_path: Path, case: str) -> None:
    refused(tmp_path, f'Text.\n\n<p><a href="{LINKS[case]}">x</a></p>\n', "must be a web address")


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "//evil.example", "vbscript:x"]
)
def test_markdown_links_to_other_schemes_are_refused(tmp_path: Path, target: str) -> None:
    refused(tmp_path, f"Text.\n\n[klick]({target})\n", "must be a web address")


@pytest.mark.parametrize(
    "src",
    ["javascript:x", "data:image/png;base64,AAAA", "https://evil.example/x.png", "//e.org/x.png", "/etc/x"],
)
def test_image_sources_outside_the_project_are_refused(tmp_path: Path, src: str) -> None:
    refused(tmp_path, f'Text.\n\n<img src="{src}" alt="x"/>\n', "must be a file inside the project")


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('{: onclick="alert(1)" }', "attribute 'onclick' is not allowed"),
        ('{: style="color: red" }', "attribute 'style' is not allowed"),
        ('{: ONCLICK="alert(1)" }', "attribute 'ONCLICK' is not allowed"),
        ('{: srcset="x 2x" }', "attribute 'srcset' is not allowed"),
        ('{: formaction="javascript:x" }', "attribute 'formaction' is not allowed"),
        ('{: xmlns="urn:x" }', "<p> in namespace 'urn:x' is not allowed"),
        ('{: xml:base="https://evil.example/" }', "attribute 'xml:base' is not allowed"),
        ('{: xmlns:x="urn:x" x:href="javascript:y" }', "attribute 'x:href' is not allowed"),
    ],
)
def test_attribute_lists_are_held_to_the_same_list(tmp_path: Path, attributes: str, expected: str) -> None:
    refused(tmp_path, f"Text.\n\nEin Absatz\n{attributes}\n", expected, line=7)


def test_an_attribute_list_with_allowed_attributes_passes(tmp_path: Path) -> None:
    doc, problems = convert(tmp_path, "Ein Absatz\n{: .hinweis #merken lang=en }\n")
    assert problems == []
    assert '<p class="hinweis" id="c-merken" lang="en" xml:lang="en">' in doc.html


def test_markup_that_essays_need_passes_as_written(tmp_path: Path) -> None:
    body = (
        '<figure class="zitat"><blockquote cite="https://e.org/q"><p>Wort</p></blockquote>'
        "<figcaption>Quelle</figcaption></figure>\n\n"
        '<table><caption>T</caption><thead><tr><th scope="col">A</th></tr></thead>'
        '<tbody><tr><td colspan="2">1</td></tr></tbody></table>\n\n'
        '<p>Die <abbr title="Organisation">OECD</abbr>, <q>so</q>, x<sup>2</sup>, H<sub>2</sub>O, '
        '<time datetime="2024-01-01">Neujahr</time>, <time datetime="2024-01-01T09:30+01:00">früh</time>, '
        '<span lang="en" xml:lang="en">lead</span>, '
        "<kbd>Strg</kbd>, <mark>wichtig</mark>, <s>alt</s>, <small>klein</small>, "
        '<a href="mailto:a@e.org" title="Post">Post</a>.</p>\n\n'
        '<ol start="3" type="a" reversed="reversed"><li value="3">drei</li></ol>\n\n'
        "<dl><dt>Begriff</dt><dd>Erklärung</dd></dl>\n\n"
        '<div class="kasten" role="note"><p>Kasten</p><hr/></div>\n'
    )
    doc, problems = convert(tmp_path, body)
    assert problems == []
    for piece in (
        '<blockquote cite="https://e.org/q">',
        '<th scope="col">A</th>',
        '<td colspan="2">1</td>',
        '<abbr title="Organisation">OECD</abbr>',
        '<time datetime="2024-01-01">',
        'xml:lang="en"',
        '<ol start="3" type="a" reversed="reversed">',
        '<div class="kasten" role="note">',
    ):
        assert piece in doc.html, piece


def test_comments_are_dropped_and_empty_elements_keep_an_end_tag(tmp_path: Path) -> None:
    doc, problems = convert(tmp_path, 'Vor <!-- Notiz an mich --> nach.\n\n<div class="leer"></div>\n')
    assert problems == []
    assert "Notiz" not in doc.html
    assert '<div class="leer"></div>' in doc.html  # <div/> would open a div for an HTML parser


def test_an_undeclared_prefix_is_not_well_formed(tmp_path: Path) -> None:
    refused(tmp_path, 'Text.\n\n<a xlink:href="javascript:x">x</a>\n', "not well-formed")


def test_a_doctype_with_entities_is_not_well_formed(tmp_path: Path) -> None:
    body = 'Text.\n\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n\n<p>&e;</p>\n'
    doc, problems = convert(tmp_path, body)
    assert doc is None
    assert all("root:" not in p for p in problems)


def test_every_refusal_in_a_chapter_is_reported_at_its_own_line(tmp_path: Path) -> None:
    body = "A\n\n<p onclick='x'>eins</p>\n\nB\n\n<p style='x'>zwei</p>\n\n<script>x</script>\n"
    _, problems = convert(tmp_path, body)
    assert [p.split(": ")[0] for p in problems] == [f"{FILE}:6", f"{FILE}:10", f"{FILE}:12"]


# --- limits


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("".join("    " * i + "- x\n" for i in range(400)), 4 + limits.MAX_DEPTH),
        ("".join("    " * i + "1. x\n" for i in range(2000)), 4 + limits.MAX_DEPTH),
        ("Text\n\n" + "- " * 2000 + "x\n", 6),
        ("Text\n\n" + "> " * 2000 + "x\n", 6),
        ("Text\n\n" + "> - " * 400 + "x\n", 6),
        ("Text\n\n" + "\t" * 60 + "- x\n", 6),
    ],
)
def test_deep_block_nesting_is_refused_quickly_with_its_line(tmp_path: Path, body: str, line: int) -> None:
    started = time.process_time()
    doc, problems = convert(tmp_path, body)
    assert time.process_time() - started < 1.0
    assert doc is None
    assert problems[0].startswith(f"{FILE}:{line}: lists and block quotes nest")
    assert f"at most {limits.MAX_DEPTH} levels" in problems[0]


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 2000 + "x" + "</div>" * 2000 + "\n",
        "Text\n\n" + "<span>" * 300 + "x" + "</span>" * 300 + "\n",
        "Text\n\n" + "*" * 2000 + "x" + "*" * 2000 + "\n",
        "Text\n\n" + "[" * 2000 + "x" + "](https://e.org)" * 2000 + "\n",
    ],
)
def test_deep_inline_nesting_is_refused_quickly(tmp_path: Path, body: str) -> None:
    started = time.process_time()
    doc, problems = convert(tmp_path, body)
    assert time.process_time() - started < 1.0
    assert doc is None and problems


def test_nesting_within_the_limit_and_code_blocks_pass(tmp_path: Path) -> None:
    body = "".join("    " * i + "- x\n" for i in range(10)) + "\n```\n" + " " * 400 + "code\n```\n"
    doc, problems = convert(tmp_path, body)
    assert problems == []
    assert doc.html.count("<ul>") == 10


@pytest.mark.parametrize(
    "body",
    ["[" * 10_000, "![" * 5_000, "[^" * 5_000, "[x](" * 2_500, "[x](y " * 2_500 + ")", "[a][" * 2_500],
)
def test_bracket_floods_do_not_make_markdown_quadratic(tmp_path: Path, body: str) -> None:
    from bookpress.markup import Converter as Fresh

    converter = Fresh(tmp_path)
    started = time.process_time()
    converter._md.convert(body)  # Markdown alone: the typography pass is measured elsewhere
    assert time.process_time() - started < 1.0


def test_a_tag_left_open_many_times_is_refused_before_html_parsing(tmp_path: Path) -> None:
    started = time.process_time()
    doc, problems = convert(tmp_path, "Text.\n\n" + "<a " * 10_000 + "\n")
    assert time.process_time() - started < 1.0
    assert doc is None
    assert problems[0].startswith(f"{FILE}:6: a '<' before a letter is not closed by '>'")


def test_a_paragraph_dense_with_markup_is_refused_with_its_line(tmp_path: Path) -> None:
    body = "Kurz.\n\n" + "*x* " * 2_500 + "\n\nNach.\n"
    started = time.process_time()
    doc, problems = convert(tmp_path, body)
    assert time.process_time() - started < 1.0
    assert doc is None
    assert problems[0].startswith(f"{FILE}:6: this paragraph holds 5000 or more markup characters")


def test_long_paragraphs_with_ordinary_markup_and_many_tags_pass(tmp_path: Path) -> None:
    body = "Ein *Wort* und <em>noch</em> eins. " * 500 + "\n\n" + "<span>x</span> " * 100 + "\n"
    doc, problems = convert(tmp_path, body)
    assert problems == []
    assert doc.html.count("<em>") == 1000


# --- slips: markup that Markdown left as text


@pytest.mark.parametrize(
    ("body", "expected", "line"),
    [
        ("Text.\n\nEin Satz[^fehlt] hier.\n", "footnote [^fehlt] is called here but never defined", 6),
        ("Text.\n\n*Ein Satz[^x] kursiv.*\n", "footnote [^x] is called here", 6),
        ("Text.\n\n- eins\n- zwei[^x]\n", "footnote [^x] is called here", 7),
        ("Text.\n\n| A | B |\n|---|---|\n| 1[^x] | 2 |\n", "footnote [^x] is called here", 8),
        (
            "Text.\n\nDas ist **wichtig und bleibt offen.\n",
            "emphasis '**wichtig und bleibt' is not closed",
            6,
        ),
        ("Text.\n\nDas ist *wichtig.\n", "emphasis '*wichtig.' is not closed", 6),
        ("Text.\n\nDas ist _wichtig.\n", "emphasis '_wichtig.' is not closed", 6),
        ("Text.\n\n- Punkt mit **fett\n", "emphasis '**fett' is not closed", 6),
        (
            "Text.\n\nSiehe [die Seite](https://e.org/x und weiter.\n",
            "link '[die Seite](https://' was left",
            6,
        ),
        ("Text.\n\nSiehe [die Seite][nirgends].\n", "link '[die Seite][nirgends' was left as text", 6),
        ("Text.\n\nSiehe [die Quelle(https://e.org/).\n", "the ']' after the link text is missing", 6),
        ("Text.\n\nSiehe [oben(#anfang) im Text.\n", "link '[oben(#anfang) im Te' was left", 6),
        ("Text.\n\n![Ein Bild](../images/bild.png\n", "image '![Ein Bild](../image' was left", 6),
        ("Text.\n\n![Ein Bild]\n", "image '![Ein Bild]' was left as text", 6),
    ],
)
def test_markup_left_as_text_is_an_error_at_its_line(
    tmp_path: Path, body: str, expected: str, line: int
) -> None:
    refused(tmp_path, body, expected, line=line)


@pytest.mark.parametrize(
    "body",
    [
        "Ein Sternchen\\* als Hinweis und \\*\\*kein Fett\\*\\*.\n",
        "Fußnote mit Stern*\n\n* Erläuterung als Liste\n",
        "Rechnen: 5*3 und 2 * 3 und a_b_c.\n",
        "Erika Muster (*1970) und die Seite example.org/_intern.\n",
        "Code: `**offen` und `[^x]` und `[a](b`.\n",
        "```\n**offen [^x] [a](b ![c\n```\n",
        "Eckige [Klammern] und [sic] und [...] bleiben.\n",
        "Ein Zitat [gekürzt] (https://e.org) und eine Liste (#3).\n",
        "**fett** und *kursiv* und __fett__ und _kursiv_.\n",
        '<div class="x">**roh bleibt roh**</div>\n',
    ],
)
def test_intended_literals_pass(tmp_path: Path, body: str) -> None:
    doc, problems = convert(tmp_path, body)
    assert problems == [], problems
    assert doc is not None


def test_everything_the_allow_list_lets_through_renders_in_the_pdf(tmp_path: Path) -> None:
    """The rawhtml fixture holds every allowed element; EPUBCheck checks its EPUB (test_epubcheck)."""
    from bookpress.build import BuildOptions, build
    from conftest import copy_project

    root = copy_project("rawhtml", tmp_path / "rawhtml")
    written = build(root, BuildOptions(output=root / "output", formats=("pdf",)))
    assert [w.path.suffix for w in written] == [".pdf", ".pdf"]
